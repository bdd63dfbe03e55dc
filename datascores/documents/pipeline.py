"""The document pipeline: store bytes once, extract, OCR, finish.

Each step takes a document's primary key, re-reads it and converges when re-run, so
a task that is delivered twice or swept up after a crash does no harm. The Celery
tasks in tasks.py are thin wrappers around these functions.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import logging
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from .extract.base import Context, Extracted, ExtractionError
from .models import (
    Blob,
    Document,
    FailureCode,
    Page,
    PageMethod,
    Source,
    SourceKind,
    SourceType,
    Status,
)
from .signals import document_ready
from .sniff import file_type_for, sniff_mime

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
SNIFF_HEAD = 64 * 1024
# A document is never tried more often than this by the stalled-document sweep.
MAX_ATTEMPTS = 3

_inline = contextvars.ContextVar("datascores_inline_processing", default=False)


@contextlib.contextmanager
def inline_processing() -> Iterator[None]:
    """Run pipeline tasks in this process instead of sending them to a worker."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


def enqueue(task, *args) -> None:
    """Send a task after the current transaction commits (or run it here, inline)."""
    if _inline.get():
        transaction.on_commit(lambda: task.apply(args=args, throw=True))
    else:
        transaction.on_commit(lambda: task.delay(*args))


@dataclass
class IngestOutcome:
    document: Document
    created: bool  # False: these bytes were already known (a duplicate)


# --- ingest --------------------------------------------------------------------------


def ingest_bytes(data: bytes, **kwargs) -> IngestOutcome:
    """Store bytes (once) and create or extend the document for them."""
    sha = hashlib.sha256(data).hexdigest()
    return _ingest(sha, len(data), data[: settings.MAX_FILE_SIZE], ContentFile(data), **kwargs)


def ingest_path(path: Path, **kwargs) -> IngestOutcome:
    """Store a file from disk (streamed, so a huge file never sits in memory)."""
    path = Path(path)
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
        f.seek(0)
        # Sniffing an OOXML or OLE file needs the whole container; huge files are
        # failed as too large anyway, so their head is enough.
        head = f.read() if size <= settings.MAX_FILE_SIZE else f.read(SNIFF_HEAD)
        f.seek(0)
        kwargs.setdefault("filename", path.name)
        kwargs.setdefault("location", str(path.resolve()))
        return _ingest(h.hexdigest(), size, head, File(f), **kwargs)


def _ingest(
    sha: str,
    size: int,
    head: bytes,
    content: File,
    *,
    filename: str,
    location: str,
    source_kind: str = SourceKind.UPLOAD,
    source_type: str = SourceType.UPLOAD,
    fetched_at: datetime | None = None,
    etag: str = "",
    last_modified: str = "",
    container: Document | None = None,
    title: str = "",
    published_at: date | None = None,
    received_at: date | None = None,
    metadata: dict | None = None,
) -> IngestOutcome:
    filename = PurePosixPath(filename.replace("\\", "/")).name or filename
    existing = Document.objects.filter(blob__sha256=sha).first()
    if existing is None:
        try:
            with transaction.atomic():
                blob = _store_blob(sha, size, head, filename, content)
                doc = Document.objects.create(
                    blob=blob,
                    title=(title or _title_from_filename(filename))[:500],
                    source_type=source_type,
                    file_type=file_type_for(blob.mime_type),
                    parent=container,
                    published_at=published_at,
                    received_at=received_at,
                    fetched_at=fetched_at,
                    metadata={**(metadata or {}), "title_given": bool(title)},
                )
                _add_source(
                    doc, source_kind, location, filename, container, fetched_at, etag, last_modified
                )
                if not _record_unreadable(doc):
                    from . import tasks

                    enqueue(tasks.process_document, doc.pk)
            return IngestOutcome(doc, created=True)
        except IntegrityError:
            # Another process stored the same bytes a moment ago: fall through and
            # treat this one as a duplicate of theirs.
            existing = Document.objects.get(blob__sha256=sha)
    # Same bytes from another place: one document, one more source.
    _add_source(
        existing, source_kind, location, filename, container, fetched_at, etag, last_modified
    )
    return IngestOutcome(existing, created=False)


def _store_blob(sha: str, size: int, head: bytes, filename: str, content: File) -> Blob:
    blob = Blob(sha256=sha, size=size, mime_type=sniff_mime(head, filename))
    # Content-addressed: if an earlier attempt left the file behind, reuse it.
    name = blob.file.field.generate_filename(blob, filename)
    if blob.file.storage.exists(name):
        blob.file.name = name
    else:
        blob.file.save(filename, content, save=False)
    blob.save()
    return blob


def _add_source(doc, kind, location, filename, container, fetched_at, etag, last_modified):
    src, created = Source.objects.get_or_create(
        document=doc,
        kind=kind,
        location=location,
        defaults={
            "filename": filename,
            "container": container,
            "fetched_at": fetched_at,
            "etag": etag,
            "last_modified": last_modified,
        },
    )
    if not created and (fetched_at or etag or last_modified):
        src.fetched_at, src.etag, src.last_modified = fetched_at, etag, last_modified
        src.save(update_fields=["fetched_at", "etag", "last_modified"])
    return src


def _title_from_filename(filename: str) -> str:
    stem = PurePosixPath(filename).stem
    return stem.replace("_", " ").strip() or filename


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


# --- processing ----------------------------------------------------------------------


def context_for(doc: Document) -> Context:
    depth = 0
    parent = doc.parent
    while parent is not None and depth <= settings.MAX_NESTING_DEPTH:
        depth += 1
        parent = parent.parent
    source = doc.sources.first()
    return Context(
        filename=source.filename if source else "",
        mime_type=doc.blob.mime_type,
        depth=depth,
        max_text_chars=settings.MAX_TEXT_CHARS,
        max_pages=settings.MAX_PAGES,
        zip_max_members=settings.ZIP_MAX_MEMBERS,
        zip_max_total_bytes=settings.ZIP_MAX_TOTAL_BYTES,
        max_nesting_depth=settings.MAX_NESTING_DEPTH,
        antiword=settings.ANTIWORD,
        ocr_enabled=settings.OCR_ENABLED,
        ocr_dpi=settings.OCR_DPI,
        ocr_language=settings.OCR_LANGUAGE,
        tessdata_prefix=settings.TESSDATA_PREFIX,
    )


def read_blob(blob: Blob) -> bytes:
    with blob.file.open("rb") as f:
        return f.read()


@functools.cache
def _preload_extractors() -> None:
    """Import every format module here, once, so forked extraction children inherit them
    instead of each importing (and mapping) pdfium, tesseract and friends again."""
    import importlib

    from . import extract

    for name in set(extract._MODULES.values()):
        importlib.import_module(f"{extract.__name__}.{name}")
    importlib.import_module(f"{__package__}.ocr")


def process_document(doc_id: int, *, force: bool = False) -> Document | None:
    """Extract a document's text; hand pages without a text layer to OCR."""
    from . import tasks
    from .extract import extract
    from .isolation import run_isolated

    _preload_extractors()
    doc = _claim(doc_id, force=force)
    if doc is None:
        return None
    try:
        data = read_blob(doc.blob)
    except OSError as exc:
        return fail_document(
            doc, FailureCode.ERROR, f"The stored original could not be read: {exc}"
        )
    try:
        result: Extracted = run_isolated(
            extract,
            data,
            context_for(doc),
            timeout=settings.EXTRACT_TIME_LIMIT,
            memory_mb=settings.EXTRACT_MEMORY_LIMIT_MB,
        )
    except ExtractionError as exc:
        return fail_document(doc, exc.code, exc.reason)

    with transaction.atomic():
        _save_extracted(doc, result)
        for member in result.members:
            ingest_bytes(
                member.data,
                filename=member.name,
                location=member.name,
                source_kind=SourceKind.MEMBER,
                source_type=SourceType.ARCHIVE,
                container=doc,
                fetched_at=doc.fetched_at,
            )
        if doc.pages.filter(needs_ocr=True).exists() and settings.OCR_ENABLED:
            enqueue(tasks.ocr_document, doc.pk)
            return doc
    return finish(doc.pk)


def _claim(doc_id: int, *, force: bool) -> Document | None:
    with transaction.atomic():
        doc = (
            Document.objects.select_for_update(of=("self",))
            .select_related("blob", "parent")
            .filter(pk=doc_id)
            .first()
        )
        if doc is None:
            log.info("document %s is gone; nothing to do", doc_id)
            return None
        if doc.status in (Status.DONE, Status.FAILED) and not force:
            return None
        if doc.blob.size == 0 or doc.blob.size > settings.MAX_FILE_SIZE:
            _record_unreadable(doc)
            return None
        doc.status = Status.PROCESSING
        doc.failure_code = ""
        doc.failure_reason = ""
        doc.attempts += 1
        doc.save(
            update_fields=["status", "failure_code", "failure_reason", "attempts", "updated_at"]
        )
    return doc


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
    from .ocr import ocr_pages
    from .isolation import run_isolated

    doc = Document.objects.select_related("blob").filter(pk=doc_id).first()
    if doc is None or doc.status != Status.PROCESSING:
        return None
    pages = {p.number: p for p in doc.pages.filter(needs_ocr=True)}
    if pages:
        try:
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
            Page.objects.bulk_update(
                pages.values(), ["text", "method", "ocr_confidence", "needs_ocr"]
            )
    return finish(doc.pk)


def _warn(doc: Document, message: str) -> None:
    doc.metadata = {**doc.metadata, "warnings": [*doc.metadata.get("warnings", []), message]}
    doc.save(update_fields=["metadata", "updated_at"])


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
                return _record(doc, Status.FAILED, FailureCode.NEEDS_OCR, msg)
            doc.metadata = {**doc.metadata, "warnings": [*doc.metadata.get("warnings", []), msg]}
        if not has_text and not doc.children.exists():
            reason = (
                "No text was found: OCR read nothing on the scanned pages."
                if doc.ocr or pending_ocr
                else "No text was found in this file."
            )
            return _record(doc, Status.FAILED, FailureCode.NO_TEXT, reason)
        return _record(doc, Status.DONE, "", "")


def fail_document(doc: Document, code: str, reason: str) -> Document:
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=doc.pk)
        return _record(doc, Status.FAILED, code, reason)


def _record(doc: Document, status: str, code: str, reason: str) -> Document:
    doc.status = status
    doc.failure_code = code
    doc.failure_reason = reason
    doc.processed_at = timezone.now()
    doc.index_dirty = True
    doc.save()
    document_ready.send(sender=Document, document=doc)
    return doc


def _record_unreadable(doc: Document) -> bool:
    """Fail a document whose bytes are not worth opening (empty, too large); True if so."""
    size = doc.blob.size
    if size == 0:
        _record(doc, Status.FAILED, FailureCode.EMPTY, "The file is empty (0 bytes).")
    elif size > settings.MAX_FILE_SIZE:
        _record(
            doc,
            Status.FAILED,
            FailureCode.TOO_LARGE,
            f"The file is {_mb(size)}, over the {_mb(settings.MAX_FILE_SIZE)} limit "
            "(DATASCORES_MAX_FILE_SIZE). The original is kept.",
        )
    else:
        return False
    return True


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
