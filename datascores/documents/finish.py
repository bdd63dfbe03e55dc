"""Finishing: record a document's final state (done, or failed with a reason) and announce it."""

from __future__ import annotations

import statistics

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Document, FailureCode, PageMethod, Status
from .signals import document_ready


def finish(doc_id: int) -> Document:
    """Record the outcome and let the later stages (tagging, indexing) know."""
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=doc_id)
        pages = list(doc.pages.all())
        ocr_conf = [p.ocr_confidence for p in pages if p.method == PageMethod.OCR]
        doc.ocr = bool(ocr_conf)
        doc.ocr_confidence = (
            round(statistics.fmean(c for c in ocr_conf if c is not None), 1)
            if any(c is not None for c in ocr_conf)
            else None
        )
        doc.page_count = len(pages)
        pending_ocr = sum(p.needs_ocr for p in pages)
        has_text = any(p.text.strip() for p in pages)
        if pending_ocr and not settings.OCR_ENABLED:
            msg = (
                f"{pending_ocr} page(s) have no text layer and OCR is switched off "
                "(DATASCORES_OCR)."
            )
            if not has_text:
                return record(doc, Status.FAILED, FailureCode.NEEDS_OCR, msg)
            doc.metadata = {**doc.metadata, "warnings": [*doc.metadata.get("warnings", []), msg]}
        if not has_text and not doc.children.exists():
            reason = (
                "No text was found: OCR read nothing on the scanned pages."
                if doc.ocr or pending_ocr
                else "No text was found in this file."
            )
            return record(doc, Status.FAILED, FailureCode.NO_TEXT, reason)
        return record(doc, Status.DONE, "", "")


def fail_document(doc: Document, code: str, reason: str) -> Document:
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=doc.pk)
        return record(doc, Status.FAILED, code, reason)


def record(doc: Document, status: str, code: str, reason: str) -> Document:
    """Save a final state; the lease ends with it."""
    doc.status = status
    doc.failure_code = code
    doc.failure_reason = reason
    doc.processed_at = timezone.now()
    doc.index_dirty = True
    doc.lease_until = None
    doc.lease_owner = ""
    doc.save()
    document_ready.send(sender=Document, document=doc)
    return doc


def record_unreadable(doc: Document) -> bool:
    """Fail a document whose bytes are not worth opening (empty, too large); True if so."""
    size = doc.blob.size
    if size == 0:
        record(doc, Status.FAILED, FailureCode.EMPTY, "The file is empty (0 bytes).")
    elif size > settings.MAX_FILE_SIZE:
        record(
            doc,
            Status.FAILED,
            FailureCode.TOO_LARGE,
            f"The file is {_mb(size)}, over the {_mb(settings.MAX_FILE_SIZE)} limit "
            "(DATASCORES_MAX_FILE_SIZE). The original is kept.",
        )
    else:
        return False
    return True


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
