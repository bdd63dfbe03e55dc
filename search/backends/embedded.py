"""The embedded backend: a tantivy index in a folder, shared by every process.

Layout under ``path``::

    current -> gen-20260101120000-1234-ab12cd   symlink to the live generation
    gen-…/docs/                                  the searchable tantivy index
    gen-…/pages/                                 page texts by id (for snippets)
    building-<pid>-…/                            a rebuild in progress
    write.lock                                   flock held by whoever writes

A generation is two tantivy indexes because tantivy reads stored fields a whole
document at a time: with page texts beside the display fields, a scan reading every
hit's title and fields decoded ~5 KB per hit and managed ~22,000 hits/s; with them
apart it reads ~300 bytes per hit. Page texts are read by id for the hits that show
snippets (a page of results, or the rows of a scan that asks for snippets). Both
indexes are written under the same lock, page texts first, so a document's text is
never older than its entry.

Several Celery worker processes and the web server share the folder. Writers take
``write.lock`` (waiting up to ``lock_timeout``), open a short-lived tantivy writer on
the live generation, commit, and let go, so two processes never fight over tantivy's
own writer lock, then renew the ``commit`` token. Readers resolve ``current`` and read
the token on every search, and reload when it has changed, so they see other
processes' commits and swaps at once. ``rebuild`` builds a new generation
without the lock (the live one keeps answering and taking writes), then renames it
into place and swaps the symlink under the lock; a failed build is deleted. The
generation replaced by a swap is kept until the next rebuild, so a reader that has
just resolved the old link can still open it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import tantivy
from tantivy import Occur, Order, Query

from datascores.processes import pid_alive
from search.backends import compile_tantivy as ct
from search.backends.base import (
    FACETS,
    LRU,
    FacetValue,
    Hit,
    IndexDoc,
    SearchBackend,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
    facet_order,
)
from search.highlight import Highlighter, count_hits, highlighter_for
from search.query import QueryError
from search.snippets import PageMatches, select

log = logging.getLogger(__name__)

SCHEMA_VERSION = "5"  # 5: about (names, aliases, references, file names)
# Each segment counts every value exactly and passes on its top SEGMENT_BUCKETS, so
# counts are exact while a facet has fewer distinct values than that per segment.
SEGMENT_BUCKETS = 10_000
SCAN_BATCH = 5_000  # ids per scan query; only one batch is held at a time
PAGES_BATCH = 200  # documents whose page texts are read at once
RELEVANCE_SCAN_BATCH = 20_000  # hits per relevance-ordered scan search (export)


FACET_CACHE_SIZE = 256  # (query, filters, index state) -> total and facet counts


_CUT_FACETS = "Some facet counts were left out: the search ran out of time."
_CUT_SNIPPETS = "Snippets were left out: the search ran out of time."


class IndexBusy(SearchUnavailable):
    """Another process held the index write lock for longer than the timeout."""


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        lock_timeout: float = 120.0,
        writer_heap: int = 64_000_000,
        rebuild_heap: int = 512_000_000,
        rebuild_threads: int | None = None,
    ):
        self.root = Path(path)
        # Read on every search: plain strings, no path arithmetic per search.
        self._link_path = str(self.root / "current")
        self._token_path = str(self.root / "commit")
        self.lock_timeout = lock_timeout
        self.writer_heap = writer_heap
        self.rebuild_heap = rebuild_heap
        self.rebuild_threads = rebuild_threads or min(4, os.cpu_count() or 1)
        self._mutex = threading.Lock()
        self._generation: str | None = None
        self._indexes: _Pair | None = None
        self._loaded: dict[str, tuple] = {}  # index -> (generation, commit) it last read
        self._facet_cache = LRU(FACET_CACHE_SIZE)
        self._cached_expander: ct.Expander | None = None
        self._expander_key: tuple | None = None

    # --- generations and locking ---------------------------------------------------------

    @property
    def _link(self) -> Path:
        return self.root / "current"

    def _current_name(self) -> str | None:
        try:
            return os.readlink(self._link_path)
        except FileNotFoundError:
            return None

    def _open_indexes(self) -> tuple[str, _Pair] | None:
        """(name, indexes) of the live generation, reopened when the symlink has moved."""
        name = self._current_name()
        if name is None:
            return None
        with self._mutex:
            if name != self._generation or self._indexes is None:
                self._indexes = _open(self.root / name)
                self._generation = name
                self._loaded = {}
            return name, self._indexes

    def _reload(self, which: str, index: tantivy.Index, state: tuple[str, str]) -> None:
        """Pick up commits made by other processes: reload the reader when the index
        state (generation, commit token) has changed since it last did (every writer
        renews the token after its commit), not on every search. The token is read
        before the reload, so a reader is never older than the state it is kept under."""
        if self._loaded.get(which) != state:
            with _unreadable_as_unavailable(self.root):
                index.reload()
            self._loaded[which] = state

    def _searchers(self) -> _View | None:
        """The documents searcher and a page texts searcher getter on the live
        generation, with every commit so far, and the index state they were read in
        (the link and the token are read once per call: a search reads them once); the
        page texts are reloaded only when asked for."""
        found = self._open_indexes()
        if found is None:
            return None
        name, (docs, pages) = found
        state = (name, self._commit_token())
        self._reload("docs", docs, state)

        def page_searcher() -> tantivy.Searcher:
            self._reload("pages", pages, state)
            return pages.searcher()

        return _View(docs.searcher(), page_searcher, state)

    def _searcher(self) -> tantivy.Searcher | None:
        found = self._searchers()
        return found.searcher if found else None

    @contextlib.contextmanager
    def _write_lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "write.lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() > deadline:
                        raise IndexBusy(
                            f"The search index at {self.root} stayed locked for "
                            f"{self.lock_timeout:.0f} s."
                        ) from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

    def _swap(self, name: str) -> None:
        tmp = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(name, tmp)
        os.replace(tmp, self._link)  # atomic: readers see the old or the new, never none

    def _write(self, apply) -> int:
        with self._write_lock():
            name = self._current_name()
            if name is None:
                name = self._create_generation()
                self._swap(name)
            docs, pages = _open(self.root / name)
            doc_writer = docs.writer(heap_size=self.writer_heap, num_threads=1)
            page_writer = pages.writer(heap_size=self.writer_heap, num_threads=1)
            try:
                return _commit_both(doc_writer, page_writer, apply)
            finally:
                self._mark_commit()

    def _mark_commit(self) -> None:
        """A new token for this commit: cached facet counts from before it are stale."""
        tmp = self.root / f".commit-{uuid.uuid4().hex}"
        tmp.write_text(uuid.uuid4().hex)
        os.replace(tmp, self.root / "commit")

    def _commit_token(self) -> str:
        try:
            fd = os.open(self._token_path, os.O_RDONLY)
        except FileNotFoundError:
            return ""
        try:
            return os.read(fd, 256).decode()  # a 32-character token, replaced atomically
        finally:
            os.close(fd)

    def _create_generation(self) -> str:
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        path = self.root / name
        path.mkdir(parents=True)
        _open(path, create=True)
        return name

    def _collect_garbage(self, keep: set[str]) -> None:
        for child in self.root.iterdir():
            if child.name.startswith("gen-") and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
            elif child.name.startswith("building-"):
                pid = child.name.split("-")[1]
                if pid.isdigit() and not pid_alive(int(pid)):
                    shutil.rmtree(child, ignore_errors=True)

    # --- writing -----------------------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        docs = list(docs)
        if not docs:
            return 0

        def apply(doc_writer: tantivy.IndexWriter, page_writer: tantivy.IndexWriter) -> int:
            # Deletes apply to documents added before them, so replace = delete, then add.
            _remove(doc_writer, page_writer, [d.id for d in docs])
            for doc in docs:
                _add(doc_writer, page_writer, doc)
            return len(docs)

        return self._write(apply)

    def delete(self, ids: Iterable[int]) -> int:
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        if self._current_name() is None:
            return 0

        def apply(doc_writer: tantivy.IndexWriter, page_writer: tantivy.IndexWriter) -> int:
            _remove(doc_writer, page_writer, ids)
            return len(ids)

        return self._write(apply)

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        token = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
        building = self.root / f"building-{token}"
        building.mkdir()
        try:
            doc_index, page_index = _open(building, create=True)
            doc_writer = doc_index.writer(
                heap_size=self.rebuild_heap, num_threads=self.rebuild_threads
            )
            page_writer = page_index.writer(heap_size=max(self.rebuild_heap // 4, 64_000_000))
            seen: set[int] = set()

            def apply(doc_writer: tantivy.IndexWriter, page_writer: tantivy.IndexWriter) -> int:
                for doc in docs:
                    if doc.id in seen:
                        _remove(doc_writer, page_writer, [doc.id])
                    seen.add(doc.id)
                    _add(doc_writer, page_writer, doc)
                return len(seen)

            _commit_both(doc_writer, page_writer, apply)
            del doc_writer, page_writer, doc_index, page_index
            name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{token}"
            with self._write_lock():
                old = self._current_name()
                os.rename(building, self.root / name)
                self._swap(name)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        self._collect_garbage(keep={name, old} if old else {name})
        return len(seen)

    # --- reading -----------------------------------------------------------------------

    def _queries(self, request: SearchRequest, expander: ct.Expander, notes=None):
        text = ct.compile_query(request.parsed.node, expander, notes=notes)
        base = [text]
        dates = ct.date_filter(request.date_from, request.date_to)
        if dates is not None:
            base.append(dates)
        facet_filters = {f: ct.filter_query(f, v) for f, v in request.filters.items()}
        return base, facet_filters

    def search(self, request: SearchRequest) -> SearchResult:
        notes = list(request.parsed.notes)
        view = self._searchers()
        if view is None:
            facets = _empty_facets(request) if request.facets else {}
            return SearchResult(0, [], facets, notes)
        searcher = view.searcher
        base, facet_filters = self._queries(request, self._expander(searcher, view.state), notes)
        main = ct.conjunction(base + list(facet_filters.values()))
        total, counts, cached, key = None, None, None, None
        if request.facets:
            key = self._facet_key(request, view.state)
            cached = self._facet_cache.get(key)
            if cached is None:
                counts = _count_facets(searcher, request, base, facet_filters, notes)
            else:
                total, counts = cached
        hits: list[Hit] = []
        if request.size == 0:
            if total is None:
                total = searcher.search(main, 1, count=True).count
        else:
            if request.deadline is not None:
                request.deadline.check("counting the matches")
            total, hits = _page(searcher, main, request, total)
        if request.facets and cached is None and _CUT_FACETS not in notes:
            self._facet_cache.put(key, (total, counts))
        if request.snippets > 0 and hits:
            _snippets(hits, request, view.page_searcher, notes)
        facets = _ordered_facets(counts, request) if request.facets else {}
        return SearchResult(total, hits, facets, notes)

    def _expander(self, searcher: tantivy.Searcher, state: tuple[str, str]) -> ct.Expander:
        """One Expander (and its memo of stem families) per index state: the term
        dictionary only changes with a commit or a new generation."""
        with self._mutex:
            if self._expander_key != state or self._cached_expander is None:
                self._cached_expander = ct.Expander.from_searcher(searcher)
                self._expander_key = state
            return self._cached_expander

    def _facet_key(self, request: SearchRequest, state: tuple[str, str]) -> tuple:
        """What decides a request's total and facet counts, in this index's state."""
        return (
            state,
            request.parsed.node,
            tuple(sorted((f, tuple(v)) for f, v in request.filters.items())),
            request.date_from,
            request.date_to,
            request.facet_size,
        )

    def scan(
        self, request: SearchRequest, *, fields: bool = False, ordered: bool = False
    ) -> Iterator[Hit]:
        view = self._searchers()
        if view is None:
            return
        searcher, page_searcher, state = view
        base, facet_filters = self._queries(request, self._expander(searcher, state))
        main = ct.conjunction(base + list(facet_filters.values()))
        highlighter = None
        if fields and request.snippets > 0:
            highlighter = highlighter_for(request.parsed)
            highlighter = None if highlighter.empty else highlighter
        # Page texts are read only for snippets, from one reloaded searcher.
        texts_searcher = functools.cache(page_searcher) if highlighter is not None else None
        deadline = request.deadline
        if ordered and not (request.sort == "relevance" and request.parsed.is_match_all):
            for rows in _ordered_batches(searcher, main, request):
                yield from _batch_hits(searcher, rows, fields, highlighter, texts_searcher, request)
            return
        last: int | None = None
        while True:
            q = main
            if last is not None:
                after = Query.range_query(
                    ct.SCHEMA, "id", tantivy.FieldType.Unsigned, last + 1, None
                )
                q = ct.conjunction([main, after])
            if deadline is not None:
                deadline.check("reading the matches")
            rows = searcher.search(
                q, SCAN_BATCH, count=False, order_by_field="id", order=Order.Asc
            ).hits
            if not fields:
                for doc_id, _ in rows:
                    yield Hit(doc_id)
            else:
                yield from _hits_with_fields(searcher, rows, highlighter, texts_searcher, request)
            if len(rows) < SCAN_BATCH:
                return
            last = rows[-1][0]
            del rows  # the next batch replaces this one

    def count(self, request: SearchRequest | None = None) -> int:
        view = self._searchers()
        if view is None:
            return 0
        searcher = view.searcher
        if request is None:
            return searcher.num_docs
        if request.deadline is not None:
            request.deadline.check("counting the matches")
        base, facet_filters = self._queries(request, self._expander(searcher, view.state))
        main = ct.conjunction(base + list(facet_filters.values()))
        return searcher.search(main, 1, count=True).count

    def vocabulary(self, prefix: str, *, limit: int = 3000) -> list[tuple[str, int]]:
        searcher = self._searcher()
        if searcher is None:
            return []
        counts: dict[str, int] = {}
        for field in ("text", "title", "about"):
            for term, n in searcher.terms_with_prefix(field, prefix, limit=limit):
                counts[term] = max(counts.get(term, 0), n)
        return sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:limit]

    def facet_values(self, facet: str) -> dict[str, int]:
        searcher = self._searcher()
        if searcher is None:
            return {}
        field = ct.FACET_FIELDS[facet]
        if facet in ("council", "company", "system"):  # raw whole values: the dictionary
            return dict(searcher.terms_with_prefix(field, ""))
        return super().facet_values(facet)

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"backend": self.name, "path": str(self.root)}
        try:
            searcher = self._searcher()
        except Exception as exc:  # a broken or incompatible index is reported, not raised
            return {**info, "ok": False, "error": str(exc)}
        if searcher is None:
            return {**info, "ok": True, "documents": 0, "generation": None}
        return {
            **info,
            "ok": True,
            "documents": searcher.num_docs,
            "segments": searcher.num_segments,
            "generation": self._generation,
        }

    def state(self) -> tuple[str, str | None, str]:
        """(index folder, live generation, commit token): a rebuild swaps the
        generation, every write renews the token."""
        return (str(self.root), self._current_name(), self._commit_token())

    def close(self) -> None:
        with self._mutex:
            self._indexes = None
            self._generation = None


# --- helpers -----------------------------------------------------------------------------

_Pair = tuple[tantivy.Index, tantivy.Index]


class _View(NamedTuple):
    """What one search reads: the documents searcher, a getter of the page texts
    searcher, and the index state (generation, commit token) they were read in."""

    searcher: tantivy.Searcher
    page_searcher: Callable[[], tantivy.Searcher]
    state: tuple[str, str]


@contextlib.contextmanager
def _unreadable_as_unavailable(path: Path):
    """The index's files cannot be read (gone, unreadable, damaged): the index cannot
    answer, which is an outage of search, not a bug in the caller."""
    try:
        yield
    except (OSError, ValueError) as exc:
        raise SearchUnavailable(f"The search index at {path} cannot be read: {exc}") from exc


def _open(path: Path, *, create: bool = False) -> _Pair:
    """A generation's two indexes (documents, page texts)."""
    marker = path / "datascores-schema"
    with _unreadable_as_unavailable(path):
        if not create and (not marker.exists() or marker.read_text().strip() != SCHEMA_VERSION):
            raise SearchUnavailable(
                f"The search index at {path} was built by another version; "
                "run `manage.py search_index rebuild`."
            )
        if create:
            (path / "docs").mkdir(exist_ok=True)
            (path / "pages").mkdir(exist_ok=True)
        docs = tantivy.Index(ct.SCHEMA, path=str(path / "docs"), reuse=not create)
        for name, analyzer in ct.ANALYZERS.items():
            docs.register_tokenizer(name, analyzer)
        pages = tantivy.Index(ct.PAGES_SCHEMA, path=str(path / "pages"), reuse=not create)
        if create:
            marker.write_text(SCHEMA_VERSION)
    return docs, pages


def to_tantivy(doc: IndexDoc) -> tantivy.Document:
    """IndexDoc -> the searchable tantivy Document (every field in the schema's terms)."""
    d = tantivy.Document()
    d.add_unsigned("id", doc.id)
    if doc.title:
        d.add_text("title", doc.title)
    for _, text in doc.pages:
        if text:
            d.add_text("text", text)
    for value in doc.about():
        d.add_text("about", value)
    for field, values in (
        ("council", doc.councils),
        ("company", doc.companies),
        ("system", doc.systems),
    ):
        for v in values:
            d.add_text(field, v)
            d.add_text(f"{field}_text", v)
    for field in ct.KEYWORD_FACETS:
        value = getattr(doc, field)
        if value:
            d.add_text(field, value)
    for s in doc.sources:
        d.add_text("sources_text", s)
    if doc.date:
        d.add_integer("year", doc.date.year)
        d.add_date("date", datetime(doc.date.year, doc.date.month, doc.date.day))
    new, old = ct.sort_keys(doc.date, doc.id)
    d.add_integer("sort_new", new)
    d.add_integer("sort_old", old)
    meta = {"id": doc.id, "title": doc.title, "fields": doc.display_fields()}
    d.add_bytes("meta", json.dumps(meta, separators=(",", ":")).encode())
    return d


def to_pages(doc: IndexDoc) -> tantivy.Document:
    """IndexDoc -> its page texts, keyed by id."""
    d = tantivy.Document()
    d.add_unsigned("id", doc.id)
    d.add_bytes("pages", json.dumps(doc.pages, separators=(",", ":")).encode())
    return d


def _commit_both(doc_writer: tantivy.IndexWriter, page_writer: tantivy.IndexWriter, apply):
    """Run ``apply(doc_writer, page_writer)`` and commit both, page texts first (an
    entry never outruns its text); on any failure neither index changes."""
    try:
        n = apply(doc_writer, page_writer)
        page_writer.commit()
        doc_writer.commit()
    except BaseException:
        page_writer.rollback()
        doc_writer.rollback()
        raise
    finally:
        page_writer.wait_merging_threads()
        doc_writer.wait_merging_threads()
    return n


def _add(doc_writer: tantivy.IndexWriter, page_writer: tantivy.IndexWriter, doc: IndexDoc):
    doc_writer.add_document(to_tantivy(doc))
    page_writer.add_document(to_pages(doc))


def _remove(doc_writer: tantivy.IndexWriter, page_writer: tantivy.IndexWriter, ids: list[int]):
    doc_writer.delete_documents_by_query(_ids_query(ids))
    page_writer.delete_documents_by_query(_ids_query(ids, ct.PAGES_SCHEMA))


def _ids_query(ids: list[int], schema: tantivy.Schema = ct.SCHEMA) -> Query:
    # delete_documents_by_term() turns a Python int into an i64 term, which never
    # matches the u64 id field; a term-set query built from the schema does.
    return Query.term_set_query(schema, "id", list(ids))


def _stored_json(searcher: tantivy.Searcher, addresses: list, field: str) -> list:
    """A stored JSON field of these documents, decoded as one JSON array (a page of
    twenty took twice as long decoded one by one)."""
    return json.loads(b"[%s]" % b",".join([searcher.doc(a).get_first(field) for a in addresses]))


def _metas(searcher: tantivy.Searcher, addresses: list) -> list[dict[str, Any]]:
    """The stored display data of these hits."""
    return _stored_json(searcher, addresses, "meta")


def _page_texts(searcher: tantivy.Searcher, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Page texts of these documents, by id (one query).

    One term query per id: a term-set query on the id field reads the field for every
    document in the index (0.5 ms at 100k documents), twenty term lookups 0.04 ms."""
    if not ids:
        return {}
    query = Query.boolean_query(
        [(Occur.Should, Query.term_query(ct.PAGES_SCHEMA, "id", int(i))) for i in set(ids)]
    )
    addresses = [a for _, a in searcher.search(query, len(ids), count=False).hits]
    texts = _stored_json(searcher, addresses, "pages")
    return {
        doc_id: [(int(n), t) for n, t in pages]
        for doc_id, pages in zip(searcher.fast_field_values("id", addresses), texts, strict=True)
    }


def _hits_with_fields(searcher, rows, highlighter, texts_searcher, request) -> Iterator[Hit]:
    """Scan rows as hits with title and display fields, and snippets when asked for."""
    for start in range(0, len(rows), PAGES_BATCH):
        chunk = rows[start : start + PAGES_BATCH]
        texts = {}
        if highlighter is not None:
            texts = _page_texts(texts_searcher(), [doc_id for doc_id, _ in chunk])
        metas = _metas(searcher, [address for _, address in chunk])
        for (doc_id, _), meta in zip(chunk, metas, strict=True):
            hit = Hit(doc_id, None, meta["title"], meta["fields"])
            if highlighter is not None:
                _fill_snippets(hit, highlighter, texts.get(doc_id, []), request.snippets)
            yield hit


def _fill_snippets(hit: Hit, highlighter: Highlighter, pages, limit: int) -> list[PageMatches]:
    matches = highlighter.pages(pages)
    hit.matched_pages = len(matches)
    hit.snippets = select(matches, limit)
    return matches


def _cursor(after: list, length: int) -> list:
    if len(after) != length:
        raise QueryError("This cursor is not valid; start again without it.")
    return after


def _page(searcher: tantivy.Searcher, main: Query, request: SearchRequest, total: int | None):
    """(total, hits) of one page of results; the total, when not known already, is
    counted by the same search when it runs the whole query, else by its own."""
    count = total is None
    relevance = request.sort == "relevance"
    if relevance:
        ranked, counted = _by_relevance(searcher, main, request, count=count)
    else:
        ranked, counted = _by_date(searcher, main, request, count=count)
    if total is None:
        total = counted if counted is not None else searcher.search(main, 1, count=True).count
    metas = _metas(searcher, [address for _, address, _ in ranked])
    # Sort values: (score, id, rank) by relevance, the date key by date; the ids come
    # from the stored display data, read anyway.
    return total, [
        Hit(
            meta["id"],
            score,
            meta["title"],
            meta["fields"],
            sort_values=[score, meta["id"], place] if relevance else [place],
        )
        for (score, _, place), meta in zip(ranked, metas, strict=True)
    ]


def _by_relevance(
    searcher: tantivy.Searcher, query: Query, request: SearchRequest, *, count: bool = False
):
    """One page of (score, address, rank), best first, in one search, and with
    ``count`` the number of matches of ``query`` (None when the page's search ran a
    narrower query: a cursor's).

    Ties keep the engine's own stable order (score, then the document's place in the
    index), so no tie needs a second, wider search. A query without words scores every
    document alike, so it is read in id order directly. Sort values are (score, id,
    rank); a cursor continues at the rank after it.
    """
    size, after = request.size, request.after
    if request.parsed.is_match_all:
        q, first = query, request.offset
        if after is not None:
            after = _cursor(after, 3)
            low = Query.range_query(
                ct.SCHEMA, "id", tantivy.FieldType.Unsigned, int(after[1]) + 1, None
            )
            q, first = ct.conjunction([query, low]), int(after[2]) + 1
        count = count and after is None
        found = searcher.search(
            q,
            size,
            count=count,
            order_by_field="id",
            order=Order.Asc,
            offset=0 if after is not None else request.offset,
        )
        ranked = [(1.0, a, first + n) for n, (_, a) in enumerate(found.hits)]
        return ranked, found.count if count else None
    first = request.offset
    if after is not None:
        first = max(0, int(_cursor(after, 3)[2]) + 1)
    found = searcher.search(query, size, count=count, offset=first)  # score descending
    ranked = [(score, address, first + n) for n, (score, address) in enumerate(found.hits)]
    return ranked, found.count if count else None


def _count_facets(searcher, request: SearchRequest, base, facet_filters, notes):
    """{facet: {value: count}} from one aggregation, plus one per facet with a
    selection; those left when the deadline passes are left out, with a note. (The
    total is counted by the search for the hits, as tantivy counts: cheaper than a
    value count over every match.)"""
    main = ct.conjunction(base + list(facet_filters.values()))
    free = [f for f in FACETS if f not in facet_filters]
    counts: dict[str, dict[str, int]] = {}
    if free:
        res = searcher.aggregate(main, _free_aggs(tuple(free), request.facet_size))
        counts = {f: _buckets(res, f) for f in free}
    for f in facet_filters:
        if request.deadline is not None and request.deadline.expired():
            notes.append(_CUT_FACETS)
            counts.update({g: {} for g in facet_filters if g not in counts})
            break
        others = [q for g, q in facet_filters.items() if g != f]
        res_f = searcher.aggregate(ct.conjunction(base + others), _facet_aggs(f, request))
        counts[f] = _buckets(res_f, f)
    return counts


def _snippets(hits: list[Hit], request: SearchRequest, page_searcher, notes: list[str]) -> None:
    """Fill the hits' snippets and match counts (left out, with a note, past the deadline)."""
    if request.deadline is not None and request.deadline.expired():
        notes.append(_CUT_SNIPPETS)
        return
    highlighter = highlighter_for(request.parsed)
    if highlighter.empty:
        return
    texts = _page_texts(page_searcher(), [h.id for h in hits])
    for hit in hits:
        matches = _fill_snippets(hit, highlighter, texts.get(hit.id, []), request.snippets)
        hit.matches = count_hits(matches)


def _batch_hits(searcher, rows, fields, highlighter, texts_searcher, request) -> Iterator[Hit]:
    """One ordered scan batch as hits, after checking the request's deadline."""
    if request.deadline is not None:
        request.deadline.check("reading the matches")
    if not fields:
        yield from (Hit(doc_id) for doc_id, _ in rows)
    else:
        yield from _hits_with_fields(searcher, rows, highlighter, texts_searcher, request)


def _ordered_batches(searcher: tantivy.Searcher, query: Query, request: SearchRequest):
    """Every match as batches of (id, address) in the request's sort order.

    Dates: by the unique sort key, each batch after the last key seen. Relevance: by
    rank, each search taking the next batch (the engine's order is stable within one
    searcher), so Python holds one batch at a time.
    """
    if request.sort == "relevance":
        offset = 0
        while True:
            rows = searcher.search(query, RELEVANCE_SCAN_BATCH, count=False, offset=offset).hits
            ids = searcher.fast_field_values("id", [a for _, a in rows])
            yield [(i, a) for i, (_, a) in zip(ids, rows, strict=True)]
            if len(rows) < RELEVANCE_SCAN_BATCH:
                return
            offset += len(rows)
    field = "sort_new" if request.sort == "newest" else "sort_old"
    q = query
    while True:
        rows = searcher.search(
            q, SCAN_BATCH, count=False, order_by_field=field, order=Order.Desc
        ).hits
        ids = searcher.fast_field_values("id", [a for _, a in rows])
        yield [(i, a) for i, (_, a) in zip(ids, rows, strict=True)]
        if len(rows) < SCAN_BATCH:
            return
        below = Query.range_query(
            ct.SCHEMA,
            field,
            tantivy.FieldType.Integer,
            None,
            int(rows[-1][0]),
            include_upper=False,
        )
        q = ct.conjunction([query, below])


def _by_date(
    searcher: tantivy.Searcher, query: Query, request: SearchRequest, *, count: bool = False
):
    """One page of (None, address, sort key) in date order (keys are unique), and
    with ``count`` the number of matches of ``query`` (None after a cursor)."""
    field = "sort_new" if request.sort == "newest" else "sort_old"
    q, offset = query, request.offset
    if request.after is not None:
        (key,) = _cursor(request.after, 1)
        below = Query.range_query(
            ct.SCHEMA, field, tantivy.FieldType.Integer, None, int(key), include_upper=False
        )
        q, offset, count = ct.conjunction([query, below]), 0, False
    found = searcher.search(
        q, request.size, count=count, order_by_field=field, order=Order.Desc, offset=offset
    )
    ranked = [(None, address, key) for key, address in found.hits]
    return ranked, found.count if count else None


@functools.lru_cache(maxsize=64)
def _free_aggs(facets: tuple[str, ...], facet_size: int) -> dict[str, Any]:
    """One aggregation of these facets, none with a selection: built once per size
    (never changed: tantivy only reads it)."""
    aggs: dict[str, Any] = {}
    for f in facets:
        aggs.update(_facet_aggs(f, SearchRequest(facet_size=facet_size)))
    return aggs


def _facet_aggs(facet: str, request: SearchRequest) -> dict[str, Any]:
    """The top values of a facet (ties broken by value, as Elasticsearch does), and
    the counts of its selected values, which may fall outside the top."""
    field = ct.FACET_FIELDS[facet]
    size = 1000 if facet == "year" else request.facet_size
    aggs: dict[str, Any] = {
        facet: {"terms": {"field": field, "size": size, "segment_size": SEGMENT_BUCKETS}}
    }
    selected = request.filters.get(facet)
    if selected and facet != "year":
        aggs[f"{facet}:selected"] = {
            "terms": {"field": field, "size": len(selected), "include": selected}
        }
    return aggs


_KEY, _DOC_COUNT = itemgetter("key"), itemgetter("doc_count")


def _buckets(result: dict[str, Any], facet: str) -> dict[str, int]:
    """{value: count} of a facet's aggregation (and of its selected values)."""
    out: dict[str, int] = {}
    for name in (facet, f"{facet}:selected"):
        agg = result.get(name)
        if not agg:
            continue
        buckets = agg["buckets"]
        keys = map(_KEY, buckets)
        if facet == "year":  # the one numeric facet: "2019", never "2019.0"
            keys = map(_number_key, keys)
        out.update(zip(keys, map(_DOC_COUNT, buckets), strict=True))  # counts: ints
    return out


def _number_key(key) -> str:
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    return str(key)


def _ordered_facets(counts: dict[str, dict[str, int]], request: SearchRequest):
    return {
        f: facet_order(counts[f], request.filters.get(f, []), f, request.facet_size) for f in FACETS
    }


def _empty_facets(request: SearchRequest) -> dict[str, list[FacetValue]]:
    return _ordered_facets({f: {} for f in FACETS}, request)
