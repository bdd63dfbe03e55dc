"""Celery tasks: thin wrappers that take primary keys and call the pipeline.

Redelivery is safe (a stage converges when re-run, and a delivery for a document that is
finished or leased by a live worker does nothing), so the stage tasks are acknowledged
late and rejected back to the queue when their worker process dies.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import leases, stages, sweep
from .finish import fail_document
from .outcomes import FailureCode

log = logging.getLogger(__name__)

OCR_SOFT_TIME_LIMIT = 3600


@shared_task(acks_late=True, reject_on_worker_lost=True)
def process_document(doc_id: int) -> None:
    with _stage(doc_id, leases.EXTRACT, settings.CELERY_TASK_SOFT_TIME_LIMIT):
        stages.process_document(doc_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=OCR_SOFT_TIME_LIMIT,
    time_limit=OCR_SOFT_TIME_LIMIT + 100,
)
def ocr_document(doc_id: int) -> None:
    with _stage(doc_id, leases.OCR, OCR_SOFT_TIME_LIMIT):
        stages.ocr_document(doc_id)


# A sweep not run before the next one is due is dropped (when every worker process is busy,
# they would otherwise pile up behind the work).
@shared_task(expires=max(settings.RECOVERY_SWEEP_INTERVAL, 5))
def sweep_stalled() -> int:
    """Periodic (beat): queue again the documents whose processing was lost."""
    return sweep.sweep_stalled()


class _stage:
    """Around a stage: a time-out is a recorded failure; any other error ends our lease
    at once (so the sweep retries soon, up to the attempt cap) and is raised."""

    def __init__(self, doc_id: int, stage: str, limit: int):
        self.doc_id, self.stage, self.limit = doc_id, stage, limit

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        if isinstance(exc, SoftTimeLimitExceeded):
            _timed_out(self.doc_id, self.limit)
            return True
        if isinstance(exc, Exception):
            try:
                leases.release(
                    self.doc_id, str(leases.me(self.stage)), f"{type(exc).__name__}: {exc}"
                )
            except Exception:
                log.warning("could not release the lease on %s", self.doc_id, exc_info=True)
        return False


def _timed_out(doc_id: int, limit: int) -> None:
    from .models import Document

    doc = Document.objects.filter(pk=doc_id).first()
    if doc is not None:
        fail_document(
            doc,
            FailureCode.TIMEOUT,
            f"Processing took longer than the task limit ({limit} s). The original is kept.",
        )
