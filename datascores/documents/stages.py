"""The processing stages: extract a document's text, then OCR the pages that need it.

Each stage takes a document's primary key, re-reads it and converges when re-run, so a
task that is delivered twice or swept up after a crash does no harm. The Celery tasks in
tasks.py are thin wrappers around these functions.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import leases
from .dispatch import enqueue
from .extract.base import Context, Extracted, ExtractionError
from .extract.registry import file_type_for, preload
from .finish import fail_document, finish
from .ingest import ingest_path
from .models import Blob, Document, FailureCode, Page, PageMethod, Source, SourceKind, SourceType

log = logging.getLogger(__name__)

# A web page this small is read in this process, not in a forked child: forking a worker
# costs 10-20 ms, ten times what reading such a page does. Reading HTML is linear in its
# size, so this bounds the worst case (a hostile page of this size: about a second and
# 30 MB); an error is still a recorded failure, and a page whose first reading stopped its
# worker is read in a child from then on.
INLINE_HTML_MAX_BYTES = 256 * 1024
_INLINE_TYPES = ("text/html", "application/xhtml+xml")


def nesting_depth(doc_id: int, limit: int | None = None) -> int:
    """How deep the shallowest copy of these bytes sits inside archives and e-mails: 0
    when they also arrived on their own. (The same bytes can be a member of a deeply
    nested archive and an upload; the upload decides.)"""
    limit = settings.MAX_NESTING_DEPTH if limit is None else limit
    depth = 0
    level, seen = {doc_id}, set()
    while depth <= limit:
        containers = set(
            Source.objects.filter(document_id__in=level).values_list("container_id", flat=True)
        )
        if not containers or None in containers:
            return depth
        seen |= level
        level = containers - seen
        if not level:
            return depth
        depth += 1
    return depth


def context_for(doc: Document) -> Context:
    """The extraction context for a document; its limits come from the settings."""
    source = doc.sources.first()
    return Context(
        filename=source.filename if source else "",
        mime_type=doc.blob.mime_type,
        depth=nesting_depth(doc.pk),
    )


def read_blob(blob: Blob) -> bytes:
    with blob.file.open("rb") as f:
        return f.read()


@functools.cache
def _preload_extractors() -> None:
    """Import every format module here, once, so forked extraction children inherit them
    instead of each importing (and mapping) pdfium, tesseract and friends again."""
    preload()


def process_document(doc_id: int, *, force: bool = False) -> Document | None:
    """Extract a document's text; hand pages without a text layer to OCR."""
    from . import tasks

    _preload_extractors()
    doc = leases.claim(doc_id, leases.EXTRACT, force=force)
    if doc is None:
        return None
    try:
        data = read_blob(doc.blob)
    except OSError as exc:
        return fail_document(
            doc, FailureCode.ERROR, f"The stored original could not be read: {exc}"
        )
    ctx = context_for(doc)
    try:
        result = _extract(doc, data, ctx)
    except ExtractionError as exc:
        if ctx.depth:
            # Remember the nesting it was read at: a failure that depends on it must not
            # stick to these bytes when they arrive on their own (see ingest).
            _note(doc, read_at_depth=ctx.depth)
        return fail_document(doc, exc.code, exc.reason)

    try:
        with transaction.atomic():
            _save_extracted(doc, result)
            for member in result.members:
                # Streamed from the file the extraction child left, never whole in memory.
                ingest_path(
                    Path(member.path),
                    filename=member.name,
                    location=member.name,
                    source_kind=SourceKind.MEMBER,
                    source_type=SourceType.ARCHIVE,
                    container=doc,
                    fetched_at=doc.fetched_at,
                )
            if doc.pages.filter(needs_ocr=True).exists() and settings.OCR_ENABLED:
                leases.hand_over(doc)
                enqueue(tasks.ocr_document, doc.pk)
                return doc
    finally:
        result.cleanup()  # the members are in the blob store now (or will be re-extracted)
    return finish(doc.pk)


def _extract(doc: Document, data: bytes, ctx: Context) -> Extracted:
    """The document's text, read here (a small web page) or in a limited child process."""
    from .extract import extract
    from .isolation import run_isolated

    if reads_here(doc, data):
        return extract_here(data, ctx)
    with leases.heartbeat(doc):
        return run_isolated(
            extract,
            data,
            ctx,
            timeout=settings.EXTRACT_TIME_LIMIT,
            memory_mb=settings.EXTRACT_MEMORY_LIMIT_MB,
        )


def reads_here(doc: Document, data: bytes) -> bool:
    """Whether to read these bytes in this process: a small web page, at its first try."""
    mime = (doc.blob.mime_type or "").split(";")[0].strip().lower()
    return mime in _INLINE_TYPES and len(data) <= INLINE_HTML_MAX_BYTES and doc.attempts <= 1


def extract_here(data: bytes, ctx: Context) -> Extracted:
    """extract() in this process, every failure an ExtractionError as from the child."""
    from .extract import extract

    try:
        return extract(data, ctx)
    except ExtractionError:
        raise
    except MemoryError:
        raise ExtractionError(
            FailureCode.MEMORY, "Reading this page ran out of memory and was stopped."
        ) from None
    except Exception as exc:
        log.exception("Reading document bytes in-process failed")
        raise ExtractionError(
            FailureCode.ERROR, f"Extraction failed unexpectedly ({type(exc).__name__}: {exc})."
        ) from None


def _note(doc: Document, **values) -> None:
    Document.objects.filter(pk=doc.pk).update(metadata={**doc.metadata, **values})
    doc.metadata = {**doc.metadata, **values}


def _save_extracted(doc: Document, result: Extracted) -> None:
    doc.pages.all().delete()
    Page.objects.bulk_create(
        Page(
            document=doc,
            number=p.number,
            text=_clean(p.text),
            method=p.method,
            ocr_confidence=p.ocr_confidence,
            needs_ocr=p.needs_ocr,
            layout=p.layout or {},
        )
        for p in result.pages
    )
    doc.page_count = len(result.pages)
    doc.file_type = file_type_for(doc.blob.mime_type)
    metadata = {**doc.metadata, **result.metadata}
    metadata["warnings"] = list(result.warnings)
    doc.metadata = metadata
    if result.title and not doc.metadata.get("title_given") and _good_title(result.title):
        doc.title = result.title.strip()[:500]
    doc.save()


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; nor should anyone have to read it.
    return text.replace("\x00", "")


def _good_title(title: str) -> bool:
    t = title.strip()
    low = t.lower()
    return (
        3 <= len(t) <= 300
        and not low.startswith(("microsoft word -", "microsoft powerpoint -", "untitled"))
        and not low.endswith((".doc", ".docx", ".pdf", ".xlsx", ".pptx"))
    )


def ocr_document(doc_id: int) -> Document | None:
    """OCR the pages that have no usable text layer, then finish the document."""
    from .isolation import run_isolated
    from .ocr import ocr_pages

    doc = leases.claim(doc_id, leases.OCR)
    if doc is None:
        return None
    pages = {p.number: p for p in doc.pages.filter(needs_ocr=True)}
    if pages:
        try:
            with leases.heartbeat(doc):
                results = run_isolated(
                    ocr_pages,
                    read_blob(doc.blob),
                    doc.blob.mime_type,
                    sorted(pages),
                    context_for(doc),
                    timeout=min(settings.OCR_PAGE_TIME_LIMIT * len(pages), 3500),
                    memory_mb=settings.EXTRACT_MEMORY_LIMIT_MB,
                )
        except ExtractionError as exc:
            if not doc.pages.exclude(text="").filter(needs_ocr=False).exists():
                return fail_document(doc, exc.code, f"OCR failed: {exc.reason}")
            _warn(doc, f"OCR failed, so {len(pages)} page(s) have no text: {exc.reason}")
        else:
            for r in results:
                page = pages.get(r.number)
                if page is None:
                    continue
                page.text = _clean(r.text)
                page.method = PageMethod.OCR
                page.ocr_confidence = r.ocr_confidence
                page.needs_ocr = False
                page.layout = r.layout or {}
            Page.objects.bulk_update(
                pages.values(), ["text", "method", "ocr_confidence", "needs_ocr", "layout"]
            )
    return finish(doc.pk)


def _warn(doc: Document, message: str) -> None:
    doc.metadata = {**doc.metadata, "warnings": [*doc.metadata.get("warnings", []), message]}
    doc.save(update_fields=["metadata", "updated_at"])
