"""The embedded backend: a tantivy index in a folder, shared by every process.

Layout under ``path``::

    current -> gen-20260101120000-1234-ab12cd   symlink to the live generation
    gen-…/                                       tantivy index folders
    building-<pid>-…/                            a rebuild in progress
    write.lock                                   flock held by whoever writes

Several Celery worker processes and the web server share the folder. Writers take
``write.lock`` (waiting up to ``lock_timeout``), open a short-lived tantivy writer on
the live generation, commit, and let go, so two processes never fight over tantivy's
own writer lock. Readers resolve ``current`` on every search and reload, so they see
other processes' commits and swaps at once. ``rebuild`` builds a new generation
without the lock (the live one keeps answering and taking writes), then renames it
into place and swaps the symlink under the lock; a failed build is deleted. The
generation replaced by a swap is kept until the next rebuild, so a reader that has
just resolved the old link can still open it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Order, Query

from search.backends import compile_tantivy as ct
from search.backends.base import (
    FACETS,
    FacetValue,
    Hit,
    IndexDoc,
    SearchBackend,
    SearchRequest,
    SearchResult,
    facet_order,
)
from search.highlight import Highlighter
from search.snippets import select

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
# Each segment counts every value exactly and passes on its top SEGMENT_BUCKETS, so
# counts are exact while a facet has fewer distinct values than that per segment.
SEGMENT_BUCKETS = 10_000
SCAN_BATCH = 50_000


class IndexBusy(RuntimeError):
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
        self.lock_timeout = lock_timeout
        self.writer_heap = writer_heap
        self.rebuild_heap = rebuild_heap
        self.rebuild_threads = rebuild_threads or min(4, os.cpu_count() or 1)
        self._mutex = threading.Lock()
        self._generation: str | None = None
        self._index: tantivy.Index | None = None

    # --- generations and locking ---------------------------------------------------------

    @property
    def _link(self) -> Path:
        return self.root / "current"

    def _current_name(self) -> str | None:
        try:
            return os.readlink(self._link)
        except FileNotFoundError:
            return None

    def _open_index(self) -> tantivy.Index | None:
        """The live generation's Index, reopened when the symlink has moved."""
        name = self._current_name()
        if name is None:
            return None
        with self._mutex:
            if name != self._generation or self._index is None:
                self._index = _open(self.root / name)
                self._generation = name
            return self._index

    def _searcher(self) -> tantivy.Searcher | None:
        index = self._open_index()
        if index is None:
            return None
        index.reload()  # ~25 µs: picks up commits made by other processes
        return index.searcher()

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
            index = _open(self.root / name)
            writer = index.writer(heap_size=self.writer_heap, num_threads=1)
            try:
                n = apply(writer)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
        return n

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
                if pid.isdigit() and not _alive(int(pid)):
                    shutil.rmtree(child, ignore_errors=True)

    # --- writing -----------------------------------------------------------------------

    def index(self, docs: Iterable[IndexDoc]) -> int:
        docs = list(docs)
        if not docs:
            return 0

        def apply(writer: tantivy.IndexWriter) -> int:
            # Deletes apply to documents added before them, so replace = delete, then add.
            writer.delete_documents_by_query(_ids_query([d.id for d in docs]))
            for doc in docs:
                writer.add_document(to_tantivy(doc))
            return len(docs)

        return self._write(apply)

    def delete(self, ids: Iterable[int]) -> int:
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        if self._current_name() is None:
            return 0

        def apply(writer: tantivy.IndexWriter) -> int:
            writer.delete_documents_by_query(_ids_query(ids))
            return len(ids)

        return self._write(apply)

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        token = f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
        building = self.root / f"building-{token}"
        building.mkdir()
        try:
            index = _open(building, create=True)
            writer = index.writer(heap_size=self.rebuild_heap, num_threads=self.rebuild_threads)
            seen: set[int] = set()
            try:
                for doc in docs:
                    if doc.id in seen:
                        writer.delete_documents_by_query(_ids_query([doc.id]))
                    seen.add(doc.id)
                    writer.add_document(to_tantivy(doc))
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            del writer, index
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

    def _queries(self, request: SearchRequest, expander: ct.Expander):
        text = ct.compile_query(request.parsed.node, expander)
        base = [text]
        dates = ct.date_filter(request.date_from, request.date_to)
        if dates is not None:
            base.append(dates)
        facet_filters = {f: ct.filter_query(f, v) for f, v in request.filters.items()}
        return base, facet_filters

    def search(self, request: SearchRequest) -> SearchResult:
        notes = list(request.parsed.notes)
        searcher = self._searcher()
        if searcher is None:
            facets = _empty_facets(request) if request.facets else {}
            return SearchResult(0, [], facets, notes)
        expander = ct.Expander.from_searcher(searcher)
        base, facet_filters = self._queries(request, expander)
        main = ct.conjunction(base + list(facet_filters.values()))

        facets: dict[str, list[FacetValue]] = {}
        if request.facets:
            # Multi-select: a facet with a selection is counted without its own filter.
            free = [f for f in FACETS if f not in facet_filters]
            aggs: dict[str, Any] = {}
            for f in free:
                aggs.update(_facet_aggs(f, request))
            aggs["_total"] = {"value_count": {"field": "id"}}
            res = searcher.aggregate(main, aggs)
            total = int(res["_total"]["value"])
            counts = {f: _buckets(res, f) for f in free}
            for f in facet_filters:
                others = [q for g, q in facet_filters.items() if g != f]
                res_f = searcher.aggregate(ct.conjunction(base + others), _facet_aggs(f, request))
                counts[f] = _buckets(res_f, f)
            for f in FACETS:
                facets[f] = facet_order(
                    counts[f], request.filters.get(f, []), f, request.facet_size
                )
        else:
            total = searcher.search(main, 1, count=True).count

        if request.sort == "relevance":
            found = searcher.search(main, request.size, count=False, offset=request.offset)
        else:
            key = "sort_new" if request.sort == "newest" else "sort_old"
            found = searcher.search(
                main,
                request.size,
                count=False,
                offset=request.offset,
                order_by_field=key,
                order=Order.Desc,
            )
        highlighter = None
        if request.snippets > 0:
            highlighter = Highlighter(
                request.parsed.node, lambda word: expander.forms("text", word)
            )
        hits = []
        for score, address in found.hits:
            stored = _stored(searcher, address)
            hit = Hit(
                id=stored["id"],
                score=float(score) if request.sort == "relevance" else None,
                title=stored["title"],
                fields=stored["fields"],
            )
            if highlighter is not None and not highlighter.empty:
                matches = highlighter.pages(stored["pages"])
                hit.matched_pages = len(matches)
                hit.snippets = select(matches, request.snippets)
            hits.append(hit)
        return SearchResult(total, hits, facets, notes)

    def scan(self, request: SearchRequest, *, fields: bool = False) -> Iterator[Hit]:
        searcher = self._searcher()
        if searcher is None:
            return
        base, facet_filters = self._queries(request, ct.Expander.from_searcher(searcher))
        main = ct.conjunction(base + list(facet_filters.values()))
        last: int | None = None
        while True:
            q = main
            if last is not None:
                after = Query.range_query(
                    ct.SCHEMA, "id", tantivy.FieldType.Unsigned, last + 1, None
                )
                q = ct.conjunction([main, after])
            found = searcher.search(
                q, SCAN_BATCH, count=False, order_by_field="id", order=Order.Asc
            )
            rows = found.hits
            for doc_id, address in rows:
                if fields:
                    stored = _stored(searcher, address)
                    yield Hit(id=doc_id, title=stored["title"], fields=stored["fields"])
                else:
                    yield Hit(id=doc_id)
            if len(rows) < SCAN_BATCH:
                return
            last = rows[-1][0]

    def count(self, request: SearchRequest | None = None) -> int:
        searcher = self._searcher()
        if searcher is None:
            return 0
        if request is None:
            return searcher.num_docs
        base, facet_filters = self._queries(request, ct.Expander.from_searcher(searcher))
        main = ct.conjunction(base + list(facet_filters.values()))
        return searcher.search(main, 1, count=True).count

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

    def close(self) -> None:
        with self._mutex:
            self._index = None
            self._generation = None


# --- helpers -----------------------------------------------------------------------------


def _open(path: Path, *, create: bool = False) -> tantivy.Index:
    marker = path / "datascores-schema"
    if not create and marker.exists() and marker.read_text().strip() != SCHEMA_VERSION:
        raise RuntimeError(
            f"The search index at {path} was built by another version; "
            "run `manage.py search_index rebuild`."
        )
    index = tantivy.Index(ct.SCHEMA, path=str(path), reuse=not create)
    for name, analyzer in ct.ANALYZERS.items():
        index.register_tokenizer(name, analyzer)
    if create:
        marker.write_text(SCHEMA_VERSION)
    return index


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def to_tantivy(doc: IndexDoc) -> tantivy.Document:
    """IndexDoc -> tantivy Document (every field in the schema's terms)."""
    d = tantivy.Document()
    d.add_unsigned("id", doc.id)
    if doc.title:
        d.add_text("title", doc.title)
    for _, text in doc.pages:
        if text:
            d.add_text("text", text)
    for field, values in (
        ("council", doc.councils),
        ("company", doc.companies),
        ("system", doc.systems),
    ):
        for v in values:
            d.add_text(field, v)
            d.add_text(f"{field}_text", v)
    for field in ("source_type", "foi_status", "file_type"):
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
    stored = {
        "id": doc.id,
        "title": doc.title,
        "fields": doc.display_fields(),
        "pages": doc.pages,
    }
    d.add_bytes("store", json.dumps(stored, separators=(",", ":")).encode())
    return d


def _ids_query(ids: list[int]) -> Query:
    # delete_documents_by_term() turns a Python int into an i64 term, which never
    # matches the u64 id field; a term-set query built from the schema does.
    return Query.term_set_query(ct.SCHEMA, "id", list(ids))


def _stored(searcher: tantivy.Searcher, address) -> dict[str, Any]:
    data = json.loads(bytes(searcher.doc(address).get_first("store")))
    data["pages"] = [(int(n), t) for n, t in data["pages"]]
    return data


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


def _buckets(result: dict[str, Any], facet: str) -> dict[str, int]:
    out = {}
    for name in (facet, f"{facet}:selected"):
        for b in result.get(name, {}).get("buckets", []):
            key = b["key"]
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            out[str(key)] = int(b["doc_count"])
    return out


def _empty_facets(request: SearchRequest) -> dict[str, list[FacetValue]]:
    return {f: facet_order({}, request.filters.get(f, []), f, request.facet_size) for f in FACETS}
