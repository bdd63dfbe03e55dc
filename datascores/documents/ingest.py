"""Ingest: store bytes once (content-addressed) and create or extend their document.

A new document is queued for processing after the transaction commits; the same bytes
from another place add a source to the document that already has them.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from .dispatch import enqueue
from .extract.registry import file_type_for
from .finish import record_unreadable
from .models import Blob, Document, Source, SourceKind, SourceType, Status
from .sniff import sniff_file, sniff_mime

CHUNK = 1024 * 1024


@dataclass
class IngestOutcome:
    document: Document
    created: bool  # False: these bytes were already known (a duplicate)


def ingest_bytes(data: bytes, **kwargs) -> IngestOutcome:
    """Store bytes (once) and create or extend the document for them."""
    sha = hashlib.sha256(data).hexdigest()
    return _ingest(sha, len(data), lambda name: sniff_mime(data, name), ContentFile(data), **kwargs)


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
        kwargs.setdefault("filename", path.name)
        kwargs.setdefault("location", str(path.resolve()))
        # Typed from its head and, for a ZIP or OLE container, its directory: a large
        # file is never read whole into memory.
        return _ingest(h.hexdigest(), size, lambda name: sniff_file(f, name), File(f), **kwargs)


def _ingest(
    sha: str,
    size: int,
    sniff: Callable[[str], str],
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
                blob = _store_blob(sha, size, sniff, filename, content)
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
                if not record_unreadable(doc):
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
    _retry_if_shallower(existing)
    return IngestOutcome(existing, created=False)


def _retry_if_shallower(doc: Document) -> None:
    """A failure that came from where the bytes sat (nested too deep inside other archives)
    is not a property of the bytes: when they arrive less deeply nested, read them again."""
    from . import tasks
    from .stages import nesting_depth

    failed_at = doc.metadata.get("read_at_depth")
    if doc.status != Status.FAILED or not failed_at or nesting_depth(doc.pk) >= failed_at:
        return
    metadata = {k: v for k, v in doc.metadata.items() if k != "read_at_depth"}
    Document.objects.filter(pk=doc.pk, status=Status.FAILED).update(
        status=Status.PENDING,
        failure_code="",
        failure_reason="",
        attempts=0,
        metadata=metadata,
        updated_at=timezone.now(),
    )
    doc.refresh_from_db()
    enqueue(tasks.process_document, doc.pk)


def _store_blob(
    sha: str, size: int, sniff: Callable[[str], str], filename: str, content: File
) -> Blob:
    blob = Blob(sha256=sha, size=size, mime_type=sniff(filename))
    storage = blob.file.storage
    name = blob.file.field.generate_filename(blob, filename)
    if storage.exists(name):
        # Content-addressed: a complete file left by an earlier attempt is these bytes. A
        # shorter one is what a full disk leaves behind: never keep it as the original.
        if storage.size(name) == size:
            blob.file.name = name
            blob.save()
            return blob
        storage.delete(name)
    try:
        blob.file.save(filename, content, save=False)
    except BaseException:
        with contextlib.suppress(OSError):
            storage.delete(name)
        raise
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
