"""Celery tasks (queue "index"): thin wrappers that take primary keys."""

from celery import shared_task

from search import indexer
from search.backends.embedded import IndexBusy


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(IndexBusy,),
    retry_backoff=True,
    max_retries=5,
)
def index_documents(doc_ids: list[int]) -> list[int]:
    """Index (or remove) these documents and any others waiting, unless another task
    took them already; returns [indexed, removed]."""
    return list(indexer.index_waiting(doc_ids))


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
