"""Celery tasks (queue "index"): thin wrappers that take primary keys.

A document whose indexing fails stays marked dirty, so the periodic sweep indexes it
once the engine answers again. Run inline (``manage.py ingest`` with no worker), an
unavailable engine is logged, not raised: the files are still ingested.
"""

import logging

from celery import shared_task

from search import indexer
from search.backends.base import SearchUnavailable
from search.backends.embedded import IndexBusy

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(IndexBusy,),
    retry_backoff=True,
    max_retries=5,
)
def index_documents(self, doc_ids: list[int]) -> list[int]:
    """Index (or remove) these documents; returns [indexed, removed]."""
    try:
        return list(indexer.index_documents(doc_ids))
    except SearchUnavailable as exc:
        if not self.request.is_eager:
            raise
        log.warning(
            "search is unavailable; %d document(s) left for the sweep: %s", len(doc_ids), exc
        )
        return [0, 0]


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(IndexBusy,),
    retry_backoff=True,
    max_retries=5,
)
def delete_documents(doc_ids: list[int]) -> int:
    return indexer.delete_documents(doc_ids)


@shared_task(acks_late=True)
def sweep_dirty() -> int:
    """Periodic (beat): re-index every document still marked dirty."""
    return indexer.sweep()
