"""Sweeping: hand documents whose processing was lost to a worker again.

Run by beat every DATASCORES_SWEEP_INTERVAL seconds (and once when a worker starts). Two
kinds of document are picked up:

- in progress, but its lease ran out or its process is known dead (a killed worker):
  queued again for the stage the lease names, at once;
- waiting for a worker (pending, or processing between extraction and OCR) for longer
  than a grace period while the broker's queue for that stage is empty: its message was
  lost (a broker restarted without persistence, the embedded broker's messages deleted
  with the worker that fetched them). When the broker cannot be asked, only documents
  waiting longer than STALLED_AFTER are queued again.

A document queued twice does no harm: a delivery for a finished document, or one leased
by a live worker, does nothing and costs no attempt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from . import leases
from .dispatch import enqueue
from .models import Document, Status

log = logging.getLogger(__name__)

# Without a broker to ask, a document waiting this long is taken for lost.
STALLED_AFTER = timedelta(minutes=30)


def _tasks():
    from . import tasks

    return {leases.EXTRACT: tasks.process_document, leases.OCR: tasks.ocr_document}


def queue_for(stage: str) -> str:
    task = _tasks()[stage]
    route = settings.CELERY_TASK_ROUTES.get(task.name, {})
    return route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)


def broker_queue_sizes(queues) -> dict[str, int]:
    """Messages waiting in each queue; {} when the broker cannot be asked."""
    from kombu.exceptions import ChannelError

    from datascores.celery import app

    sizes: dict[str, int] = {}
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1)
            channel = conn.default_channel
            for name in queues:
                try:
                    sizes[name] = channel.queue_declare(queue=name, passive=True).message_count
                except ChannelError:  # never declared (or the broker lost it): empty
                    sizes[name] = 0
    except Exception:  # an unreachable broker: we cannot tell what it holds
        log.warning("could not ask the broker for queue sizes", exc_info=True)
        return {}
    return sizes


def requeue(doc: Document, stage: str, now: datetime | None = None) -> bool:
    """Queue the document again for `stage`, or give up on it when out of attempts."""
    now = now or timezone.now()
    if doc.attempts >= settings.PROCESSING_MAX_ATTEMPTS:
        leases.give_up(doc)
        return False
    status = Status.PENDING if stage == leases.EXTRACT else Status.PROCESSING
    # Only if nobody changed it since it was read (a worker renewing its lease, another
    # sweep that queued it already).
    changed = Document.objects.filter(
        pk=doc.pk,
        status=doc.status,
        lease_owner=doc.lease_owner,
        lease_until=doc.lease_until,
        updated_at=doc.updated_at,
    ).update(status=status, lease_owner="", lease_until=None, updated_at=now)
    if changed:
        enqueue(_tasks()[stage], doc.pk)
    return bool(changed)


def recover(now: datetime | None = None, queue_sizes=None) -> dict[str, int]:
    """Queue again what was lost; returns counts {"lost_leases": n, "lost_messages": n}."""
    now = now or timezone.now()
    counts = {"lost_leases": 0, "lost_messages": 0}
    for doc in Document.objects.filter(status=Status.PROCESSING, lease_until__isnull=False):
        if leases.lost(doc, now):
            log.info("document %s: lease of %s lost; queueing it again", doc.pk, doc.lease_owner)
            counts["lost_leases"] += requeue(doc, leases.stage_of(doc), now)

    grace = timedelta(seconds=settings.PROCESSING_QUEUE_GRACE)
    waiting = Document.objects.filter(lease_until__isnull=True, updated_at__lt=now - grace)
    if waiting.filter(status__in=(Status.PENDING, Status.PROCESSING)).exists():
        if queue_sizes is None:
            queue_sizes = broker_queue_sizes({queue_for(s) for s in leases.STAGES})
        for stage, status in ((leases.EXTRACT, Status.PENDING), (leases.OCR, Status.PROCESSING)):
            size = queue_sizes.get(queue_for(stage))
            if size:  # messages are waiting: theirs is probably among them
                continue
            lost = waiting.filter(status=status)
            if size is None:  # the broker cannot be asked: only a long wait counts
                lost = lost.filter(updated_at__lt=now - STALLED_AFTER)
            for doc in lost.order_by("pk").iterator(chunk_size=500):
                log.info("document %s: waiting for %s with no message; queueing it", doc.pk, stage)
                counts["lost_messages"] += requeue(doc, stage, now)
    return counts


def sweep_stalled() -> int:
    """The beat task's entry point: how many documents were queued again."""
    return sum(recover().values())


def reprocess(doc_ids) -> int:
    """Queue documents to be processed again from their stored originals (admin action)."""
    from . import tasks

    n = 0
    for pk in doc_ids:
        Document.objects.filter(pk=pk).update(
            status=Status.PENDING,
            attempts=0,
            lease_owner="",
            lease_until=None,
            updated_at=timezone.now(),
        )
        enqueue(tasks.process_document, pk)
        n += 1
    return n
