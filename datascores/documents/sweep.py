"""Sweeping: hand documents whose processing was lost to a worker again."""

from __future__ import annotations

from django.utils import timezone

from .dispatch import enqueue
from .finish import fail_document
from .models import Document, FailureCode, Status

# A document is never tried more often than this by the stalled-document sweep.
MAX_ATTEMPTS = 3


def reprocess(doc_ids) -> int:
    """Queue documents to be processed again from their stored originals (admin action)."""
    from . import tasks

    n = 0
    for pk in doc_ids:
        Document.objects.filter(pk=pk).update(status=Status.PENDING, updated_at=timezone.now())
        enqueue(tasks.process_document, pk)
        n += 1
    return n


def sweep_stalled(older_than_minutes: int = 30) -> int:
    """Re-queue documents stuck in pending/processing (a lost task loses nothing)."""
    from . import tasks

    cutoff = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    stalled = Document.objects.filter(
        status__in=(Status.PENDING, Status.PROCESSING), updated_at__lt=cutoff
    )
    n = 0
    for doc in stalled:
        if doc.attempts >= MAX_ATTEMPTS:
            fail_document(
                doc,
                FailureCode.ERROR,
                f"Processing stopped without finishing {doc.attempts} times; giving up. "
                "The original is kept and can be re-run from the admin.",
            )
            continue
        Document.objects.filter(pk=doc.pk).update(status=Status.PENDING, updated_at=timezone.now())
        enqueue(tasks.process_document, doc.pk)
        n += 1
    return n
