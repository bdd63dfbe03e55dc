"""Keeping the search index in step with the database (the source of truth).

A document is marked dirty whenever its index entry may be stale; an index task is
queued after the transaction commits; and a periodic sweep re-indexes every dirty
document, so a lost task loses nothing. Only documents whose status is ``done`` are
searchable; anything else is removed from the index.

Flags are cleared *before* a document is read: a change committed while it is being
indexed marks it dirty again, and the next sweep picks it up.

Index tasks are batched: a commit costs about the same for one document as for two
hundred, so the task is sent a second after the document was marked (INDEX_WITHIN), and
the first one due claims every document still waiting (its own and up to CHUNK others);
the tasks due after it find their documents already claimed and do nothing.

Documents are read a chunk at a time in a fixed number of queries (the documents,
their pages, their sources, their entity tags), whatever the chunk's size.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from datascores.documents.dispatch import enqueue, enqueue_batched
from datascores.documents.models import Document, SourceStatus, Status
from datascores.documents.signals import tag_provider
from search.backends import IndexDoc, SearchRequest, get_backend
from search.backends.base import GONE, LIVE

log = logging.getLogger(__name__)

CHUNK = 200
INDEX_WITHIN = 1.0  # seconds: index tasks sent within this share one commit
FINAL = (Status.DONE, Status.FAILED)
Progress = Callable[[int], Any] | None


def document_tags(document: Document) -> dict[str, Any]:
    """Entity tags for a document from the registered provider ({} without one)."""
    return tag_provider().document_tags(document) or {}


def chunk_tags(documents: list[Document]) -> dict[int, dict[str, Any]]:
    """Entity tags for many documents in one query ({} without a provider)."""
    return tag_provider().documents_tags(documents)


def aliases_of(names: Iterable[str]) -> dict[str, list[str]]:
    """The aliases of bodies, companies and systems by official name (one query)."""
    from datascores.entities.models import Alias

    names = sorted(set(names))
    out: dict[str, list[str]] = {}
    if not names:
        return out
    rows = Alias.objects.filter(entity__name__in=names).values_list("entity__name", "text")
    for name, text in rows.order_by("entity__name", "text"):
        if text and text != name:
            out.setdefault(name, []).append(text)
    return out


def _names(tags: dict[str, Any]) -> list[str]:
    named = [tags.get("issuing_authority") or ""]
    for key in ("authorities", "companies", "systems"):
        named += list(tags.get(key) or [])
    return [n for n in named if n]


def build_index_doc(
    document: Document,
    tags: dict[str, Any] | None = None,
    aliases: dict[str, list[str]] | None = None,
) -> IndexDoc:
    """Document (with its pages, sources and entity tags) -> IndexDoc.

    ``tags`` are the document's entity tags when the caller read them in bulk;
    otherwise they are read here (one query). A document from a WhatDoTheyKnow request
    (``metadata["foi"]``) carries the request's id, title, address and state, and its
    public body is the issuer unless the tags name one.
    """
    sources = list(document.sources.all())
    pages = [(p.number, p.text) for p in sorted(document.pages.all(), key=lambda p: p.number)]
    if tags is None:
        tags = document_tags(document)
    if aliases is None:
        aliases = aliases_of(_names(tags))
    metadata = document.metadata or {}
    foi = metadata.get("foi") if isinstance(metadata.get("foi"), dict) else {}
    issuer = tags.get("issuing_authority") or str(foi.get("authority") or "").strip()
    councils = list(tags.get("authorities") or [])
    if issuer:
        councils.insert(0, issuer)
    locations = [s.location for s in sources]
    filenames = [s.filename for s in sources if s.filename]
    title = document.title or (filenames[0] if filenames else "") or f"Document {document.pk}"
    return IndexDoc(
        id=document.pk,
        title=title,
        pages=pages,
        source_type=document.source_type,
        file_type=document.file_type,
        foi_status=str(foi.get("status") or metadata.get("foi_status") or ""),
        date=document.date,
        issuing_authority=issuer,
        councils=councils,
        companies=list(tags.get("companies") or []),
        systems=list(tags.get("systems") or []),
        urls=[loc for loc in locations if _is_web(loc)],
        sources=locations + filenames,
        availability=availability(sources),
        request_id=foi.get("request_id"),
        request_title=str(foi.get("title") or ""),
        request_url=str(foi.get("url") or ""),
        aliases=[a for name in [issuer, *councils, *_names(tags)] for a in aliases.get(name, [])],
        references=[str(foi.get(k) or "") for k in ("url_title", "reference")],
    )


def _is_web(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def availability(sources) -> str:
    """ "gone" when the document came from the web and every address it came from is
    gone (answers 404/410); "live" otherwise (one live copy is enough)."""
    web = [s for s in sources if _is_web(s.location)]
    if web and all(s.status == SourceStatus.GONE for s in web):
        return GONE
    return LIVE


def _documents(ids: Iterable[int]):
    return (
        Document.objects.filter(pk__in=list(ids), status=Status.DONE)
        .prefetch_related("pages", "sources")
        .order_by("pk")
    )


def build_index_docs(ids: Iterable[int]) -> Iterator[IndexDoc]:
    """IndexDocs for the searchable documents among ``ids``, in a fixed number of queries."""
    documents = list(_documents(ids))
    tags = chunk_tags(documents)
    issuers = [str(((d.metadata or {}).get("foi") or {}).get("authority") or "") for d in documents]
    aliases = aliases_of([n for t in tags.values() for n in _names(t)] + issuers)
    for document in documents:
        yield build_index_doc(document, tags.get(document.pk, {}), aliases)


def mark_dirty(document_ids: Iterable[int], *, only_done: bool = False) -> int:
    """Flag documents for re-indexing and queue an index task after commit."""
    ids = sorted({int(i) for i in document_ids})
    if not ids:
        return 0
    rows = Document.objects.filter(pk__in=ids)
    if only_done:
        rows = rows.filter(status=Status.DONE)
    n = rows.update(index_dirty=True)
    if n:
        from search import tasks  # tasks wrap this module's functions

        enqueue_batched(tasks.index_documents, ids, within=INDEX_WITHIN)
    return n


def claim_dirty(document_ids: Iterable[int], *, more: int = CHUNK) -> list[int]:
    """Clear the dirty flag of those of these documents that still have it and, when
    there are some, of up to ``more`` other dirty documents in a final state; returns
    their ids (to index now). None left: another task took them, with the others
    waiting then. Rows another transaction holds are skipped: it marks them again."""
    ids = sorted({int(i) for i in document_ids})
    with transaction.atomic():
        claimed = set(
            Document.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, index_dirty=True)
            .values_list("pk", flat=True)
        )
        if claimed and more > 0:
            others = (
                dirty_documents()
                .select_for_update(skip_locked=True)
                .exclude(pk__in=claimed)
                .order_by("pk")
                .values_list("pk", flat=True)[:more]
            )
            claimed.update(others)
        if claimed:
            Document.objects.filter(pk__in=claimed).update(
                index_dirty=False, indexed_at=timezone.now()
            )
    return sorted(claimed)


def index_waiting(document_ids: Iterable[int]) -> tuple[int, int]:
    """The index task: these documents unless another task took them already, with the
    others waiting, in one commit: (indexed, removed)."""
    claimed = claim_dirty(document_ids)
    if not claimed:
        return 0, 0
    return _write(claimed)


def index_documents(document_ids: Iterable[int]) -> tuple[int, int]:
    """Bring these documents' index entries up to date: (indexed, removed)."""
    ids = sorted({int(i) for i in document_ids})
    if not ids:
        return 0, 0
    Document.objects.filter(pk__in=ids).update(index_dirty=False, indexed_at=timezone.now())
    return _write(ids)


def _write(ids: list[int]) -> tuple[int, int]:
    """Write these documents (flags already cleared) to the index, or flag them again."""
    try:
        docs = list(build_index_docs(ids))
        backend = get_backend()
        if docs:
            backend.index(docs)
        gone = set(ids) - {d.id for d in docs}
        if gone:
            backend.delete(gone)
    except BaseException:
        Document.objects.filter(pk__in=ids).update(index_dirty=True)
        raise
    return len(docs), len(gone)


def delete_documents(document_ids: Iterable[int]) -> int:
    return get_backend().delete([int(i) for i in document_ids])


def _chunks(queryset, chunk: int) -> Iterator[list[int]]:
    """Primary keys in ascending chunks, re-querying each time (the set may change)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return
        yield ids
        last = ids[-1]


def dirty_documents():
    return Document.objects.filter(index_dirty=True, status__in=FINAL)


def sweep(*, chunk: int = CHUNK, progress: Progress = None) -> int:
    """Re-index every dirty document that reached a final state; returns how many."""
    n = 0
    for ids in _chunks(dirty_documents(), chunk):
        index_documents(ids)
        n += len(ids)
        if progress:
            progress(len(ids))
    return n


def rebuild(*, chunk: int = CHUNK, progress: Progress = None) -> dict[str, int]:
    """Rebuild the whole index from the database and swap it in.

    Writes that reach the old index while the new one is built are replayed into
    the new one after the swap (their ``indexed_at`` is later than the start), then
    the index is reconciled with the database and the dirty sweep runs.
    """
    started = timezone.now()
    cleared: list[int] = []

    def docs() -> Iterator[IndexDoc]:
        for ids in _chunks(Document.objects.filter(status=Status.DONE), chunk):
            Document.objects.filter(pk__in=ids).update(index_dirty=False, indexed_at=started)
            cleared.extend(ids)
            yield from build_index_docs(ids)
            if progress:
                progress(len(ids))

    backend = get_backend()
    try:
        indexed = backend.rebuild(docs())
    except BaseException:
        for i in range(0, len(cleared), 1000):
            Document.objects.filter(pk__in=cleared[i : i + 1000]).update(index_dirty=True)
        raise
    late = 0
    for ids in _chunks(Document.objects.filter(indexed_at__gt=started), chunk):
        index_documents(ids)
        late += len(ids)
    report = reconcile(fix=True)
    swept = sweep(chunk=chunk)
    return {"indexed": indexed, "replayed": late, "swept": swept, **report}


def reconcile(*, fix: bool = False) -> dict[str, int]:
    """Compare the index with the database: entries to remove, documents missing."""
    backend = get_backend()
    in_index = {hit.id for hit in backend.scan(SearchRequest())}
    done = set(Document.objects.filter(status=Status.DONE).values_list("pk", flat=True))
    extra = sorted(in_index - done)
    missing = sorted(done - in_index)
    if fix:
        if extra:
            backend.delete(extra)
        for i in range(0, len(missing), CHUNK):
            index_documents(missing[i : i + CHUNK])
    return {"stale_removed" if fix else "stale": len(extra), "missing": len(missing)}


# --- signal receivers (connected in SearchConfig.ready) ----------------------------------


def on_document_ready(sender, document: Document, **kwargs) -> None:
    mark_dirty([document.pk])


def on_documents_changed(sender, ids: list[int], **kwargs) -> None:
    # Their tags (or an entity's name) changed: what the index holds for them is stale.
    mark_dirty(ids)


def on_document_deleted(sender, instance: Document, **kwargs) -> None:
    from search import tasks

    enqueue(tasks.delete_documents, [instance.pk])


def on_source_changed(sender, instance, **kwargs) -> None:
    # A new place the same bytes came from changes the document's sources and URLs.
    mark_dirty([instance.document_id], only_done=True)
