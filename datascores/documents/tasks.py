"""Celery tasks: thin wrappers that take primary keys and call the pipeline."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import pipeline
from .outcomes import FailureCode


@shared_task(acks_late=True, reject_on_worker_lost=True)
def process_document(doc_id: int) -> None:
    try:
        pipeline.process_document(doc_id)
    except SoftTimeLimitExceeded:
        _timed_out(doc_id, settings.CELERY_TASK_SOFT_TIME_LIMIT)


OCR_SOFT_TIME_LIMIT = 3600


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=OCR_SOFT_TIME_LIMIT,
    time_limit=OCR_SOFT_TIME_LIMIT + 100,
)
def ocr_document(doc_id: int) -> None:
    try:
        pipeline.ocr_document(doc_id)
    except SoftTimeLimitExceeded:
        _timed_out(doc_id, OCR_SOFT_TIME_LIMIT)


@shared_task
def sweep_stalled() -> int:
    return pipeline.sweep_stalled()


def _timed_out(doc_id: int, limit: int) -> None:
    from .models import Document

    doc = Document.objects.filter(pk=doc_id).first()
    if doc is not None:
        pipeline.fail_document(
            doc,
            FailureCode.TIMEOUT,
            f"Processing took longer than the task limit ({limit} s). The original is kept.",
        )
