"""The Elasticsearch 8 backend: one alias over one concrete index.

Writes go through the alias; ``rebuild`` creates ``<alias>-<timestamp>``, bulk-loads it
with refreshes off, then moves the alias in one atomic ``_aliases`` call and deletes
the old index (or deletes the new one if anything failed). ``scan`` uses a point in
time with ``search_after`` and falls back to a sorted scroll where the server has no
point-in-time API (OpenSearch-compatible servers such as osmem-server expose it
elsewhere).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import (
    ApiError,
    ConnectionTimeout,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)
from elasticsearch import ConnectionError as ClientConnectionError

from search.backends import compile_es as ce
from search.backends.base import (
    FACETS,
    FacetValue,
    Hit,
    IndexDoc,
    SearchBackend,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
    facet_order,
)
from search.highlight import count_hits
from search.query import QueryError
from search.snippets import PageMatches, merge_spans, parse_highlighted, select

log = logging.getLogger(__name__)

SCAN_BATCH = 1000
KEEP_ALIVE = "2m"
# Answers that mean the cluster (or a proxy before it) cannot serve now.
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})


def is_outage(exc: BaseException) -> bool:
    """A failure to reach or be served by the cluster (not a bad request or a bug)."""
    if isinstance(exc, ClientConnectionError | ConnectionTimeout):
        return True
    return isinstance(exc, ApiError) and exc.status_code in UNAVAILABLE_STATUSES


@contextlib.contextmanager
def _outages_as_unavailable():
    try:
        yield
    except (ApiError, TransportError) as exc:
        if is_outage(exc):
            raise SearchUnavailable(f"Elasticsearch cannot be reached or served: {exc}") from exc
        raise


def _reachable(method):
    """Raise SearchUnavailable for transport and connection failures inside ``method``."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(*args, **kwargs):
            with _outages_as_unavailable():
                yield from method(*args, **kwargs)

        return generator

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _outages_as_unavailable():
            return method(*args, **kwargs)

    return wrapper


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(
        self,
        url: str | None = None,
        index: str = "datascores",
        *,
        client: Elasticsearch | None = None,
        node_class: Any = None,
        refresh: bool | str = "wait_for",
        shards: int = 1,
        replicas: int = 0,
        chunk_size: int = 500,
        scan_batch: int = SCAN_BATCH,
    ):
        if client is None:
            if not url:
                raise ValueError("ElasticsearchBackend needs a url or a client.")
            kwargs: dict[str, Any] = {
                "request_timeout": 30,
                "retry_on_timeout": True,
                "max_retries": 3,
            }
            if node_class is not None:
                kwargs["node_class"] = node_class
            client = Elasticsearch(url, **kwargs)
        self.es = client
        self.alias = index
        self.refresh = refresh
        self.shards = shards
        self.replicas = replicas
        self.chunk_size = chunk_size
        self.scan_batch = scan_batch
        self._mapping_current = False

    # --- indices and the alias ---------------------------------------------------------

    def _new_index_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"

    def _create_index(self, name: str, **settings: Any) -> None:
        body = ce.index_body(shards=self.shards, replicas=self.replicas)
        body["settings"].update(settings)
        self.es.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])

    def _indices(self) -> list[str]:
        """Concrete indices behind the alias (none before the first write)."""
        try:
            return sorted(self.es.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def ensure_index(self) -> None:
        """Create the first index and point the alias at it, if there is none yet; an
        index made by an older version gets the fields added since (once per object),
        so writes go on until it is rebuilt."""
        if self._indices():
            if not self._mapping_current:
                self.es.indices.put_mapping(index=self.alias, properties=ce.MAPPINGS["properties"])
                self._mapping_current = True
            return
        if self.es.indices.exists(index=self.alias):
            raise RuntimeError(
                f"{self.alias} is an index, not an alias; delete it or choose another "
                "ELASTICSEARCH_INDEX, then rebuild."
            )
        name = f"{self.alias}-initial"
        try:
            self._create_index(name)
        except ApiError as exc:
            if "already_exists" not in str(exc):  # another process got there first
                raise
        self.es.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])

    # --- writing -----------------------------------------------------------------------

    def _bulk(self, actions: Iterable[dict], *, index: str, refresh: Any = False) -> int:
        ok, _ = helpers.bulk(
            self.es,
            actions,
            index=index,
            chunk_size=self.chunk_size,
            max_chunk_bytes=20 * 1024 * 1024,
            max_retries=5,  # 429 rejections are retried with backoff
            initial_backoff=1,
            refresh=refresh,
        )
        return ok

    @_reachable
    def index(self, docs: Iterable[IndexDoc]) -> int:
        docs = list(docs)
        if not docs:
            return 0
        self.ensure_index()
        actions = ({"_id": str(d.id), "_source": ce.source(d)} for d in docs)
        return self._bulk(actions, index=self.alias, refresh=self.refresh)

    @_reachable
    def delete(self, ids: Iterable[int]) -> int:
        ids = [int(i) for i in ids]
        if not ids or not self._indices():
            return 0
        actions = ({"_op_type": "delete", "_id": str(i)} for i in ids)
        helpers.bulk(
            self.es,
            actions,
            index=self.alias,
            chunk_size=self.chunk_size,
            max_retries=5,
            ignore_status=(404,),  # already gone is fine
            refresh=self.refresh,
        )
        return len(ids)

    @_reachable
    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        new = self._new_index_name()
        self._create_index(new, refresh_interval="-1")
        try:
            seen: set[int] = set()

            def actions():
                for d in docs:
                    seen.add(d.id)
                    yield {"_id": str(d.id), "_source": ce.source(d)}

            self._bulk(actions(), index=new)
            self.es.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
            self.es.indices.refresh(index=new)
            old = self._indices()
            if not old and self.es.indices.exists(index=self.alias):
                raise RuntimeError(f"{self.alias} is an index, not an alias; cannot swap.")
            actions_ = [{"remove": {"index": i, "alias": self.alias}} for i in old]
            actions_.append({"add": {"index": new, "alias": self.alias}})
            self.es.indices.update_aliases(actions=actions_)  # one atomic switch
        except BaseException:
            try:
                self.es.indices.delete(index=new)
            except (ApiError, TransportError):
                log.exception("Could not delete the failed rebuild index %s", new)
            raise
        for i in old:
            try:
                self.es.indices.delete(index=i)
            except (ApiError, TransportError):
                log.warning("Could not delete the replaced index %s", i)
        return len(seen)

    # --- reading -----------------------------------------------------------------------

    @_reachable
    def search(self, request: SearchRequest) -> SearchResult:
        notes = list(request.parsed.notes)
        if request.after is not None and len(request.after) != 2:
            raise QueryError("This cursor is not valid; start again without it.")
        body = ce.search_body(request)
        if request.deadline is not None:  # the engine stops collecting at the deadline
            request.deadline.check("starting the search")
            left = request.deadline.at - request.deadline.clock()
            body["timeout"] = f"{max(1, int(left * 1000))}ms"
        try:
            resp = self.es.search(index=self.alias, **body).body
        except NotFoundError:  # nothing indexed yet: no alias
            facets = (
                {
                    f: facet_order({}, request.filters.get(f, []), f, request.facet_size)
                    for f in FACETS
                }
                if request.facets
                else {}
            )
            return SearchResult(0, [], facets, notes)
        raw_hits = resp["hits"]["hits"]
        if request.after is not None and request.size:
            # The server starts at or a little before the cursor (see ce.search_after):
            # keep what comes strictly after it, asking for more if ties ate the page.
            cursor = ce.sort_position(request.sort, request.after)
            while True:
                page = [h for h in raw_hits if ce.sort_position(request.sort, h["sort"]) > cursor][
                    : request.size
                ]
                if len(page) == request.size or len(raw_hits) < body["size"]:
                    break
                body = {**body, "size": body["size"] * 4}
                resp = self.es.search(index=self.alias, **body).body
                raw_hits = resp["hits"]["hits"]
            raw_hits = page
        if resp.get("timed_out"):
            notes.append(
                "The search ran out of time: its counts and hits may be incomplete; "
                "narrow the search."
            )
        total = resp["hits"]["total"]["value"]
        hits = [self._hit(h, request) for h in raw_hits]
        facets: dict[str, list[FacetValue]] = {}
        for f in FACETS if request.facets else ():
            agg = resp["aggregations"][f]
            counts = {str(b["key"]): b["doc_count"] for b in agg["values"]["buckets"]}
            for value, bucket in agg.get("selected", {}).get("buckets", {}).items():
                counts[value] = bucket["doc_count"]
            facets[f] = facet_order(counts, request.filters.get(f, []), f, request.facet_size)
        return SearchResult(total, hits, facets, notes)

    def _hit(self, raw: dict[str, Any], request: SearchRequest, *, count: bool = True) -> Hit:
        src = raw.get("_source", {})
        hit = Hit(
            id=int(src.get("doc_id", raw["_id"])),
            score=raw.get("_score") if request.sort == "relevance" else None,
            title=src.get("title", ""),
            fields=ce.display_fields(src),
            sort_values=raw.get("sort"),
        )
        inner = raw.get("inner_hits", {}).get("pages")
        if inner is not None:
            numbers = src.get("page_numbers", [])
            pages = []
            seen_pages = set()
            for page_hit in inner["hits"]["hits"]:
                offset = page_hit["_nested"]["offset"]
                page_no = numbers[offset] if offset < len(numbers) else offset + 1
                seen_pages.add(page_no)
                # One whole-page highlight per field (stemmed, exact): same text,
                # different marks; their spans are merged.
                text, spans = None, []
                for fragments in page_hit.get("highlight", {}).values():
                    for fragment in fragments:
                        text, found = parse_highlighted(fragment)
                        spans.extend(found)
                if text is not None and spans:
                    pages.append(
                        PageMatches(page_no, text, merge_spans(spans), page_hit.get("_score") or 0)
                    )
            returned = len(inner["hits"]["hits"])
            total = inner["hits"]["total"]["value"]
            # Long pages are indexed in sections: count pages, not sections, when all came.
            hit.matched_pages = len(seen_pages) if returned >= total else total
            hit.snippets = select(pages, request.snippets)
            if count:
                hit.matches = count_hits(pages)
                hit.matches_capped = returned < total
        return hit

    @_reachable
    def scan(
        self, request: SearchRequest, *, fields: bool = False, ordered: bool = False
    ) -> Iterator[Hit]:
        if not self._indices():
            return
        query = ce.scan_snippet_query(request) if fields else ce.scan_query(request)
        sort = ce.SORTS[request.sort] if ordered else [{"doc_id": "asc"}]
        source: Any = {"excludes": ["pages"]} if fields else ["doc_id"]
        try:
            pit = self.es.open_point_in_time(index=self.alias, keep_alive=KEEP_ALIVE).body["id"]
        except ApiError as exc:
            if exc.status_code not in (400, 404, 405):
                raise
            yield from self._scan_scroll(query, source, request, fields, sort)
            return
        relevance = ordered and request.sort == "relevance"
        try:
            after = None
            while True:
                if request.deadline is not None:
                    request.deadline.check("reading the matches")
                kwargs: dict[str, Any] = {}
                if after is not None:
                    # A score comes back rounded: start a little before it and drop
                    # what was already yielded (see ce.search_after).
                    kwargs["search_after"] = (
                        ce.search_after("relevance", after) if relevance else after
                    )
                resp = self.es.search(
                    pit={"id": pit, "keep_alive": KEEP_ALIVE},
                    query=query,
                    sort=sort,
                    size=self.scan_batch,
                    source=source,
                    track_total_hits=False,
                    **kwargs,
                ).body
                pit = resp.get("pit_id", pit)
                rows = resp["hits"]["hits"]
                fresh = rows
                if relevance and after is not None:
                    cursor = ce.sort_position("relevance", after[:2])
                    fresh = [
                        r for r in rows if ce.sort_position("relevance", r["sort"][:2]) > cursor
                    ]
                for raw in fresh:
                    yield self._scan_hit(raw, request, fields)
                if len(rows) < self.scan_batch or not fresh:
                    return
                after = fresh[-1]["sort"]
        finally:
            with contextlib.suppress(ApiError, TransportError):
                self.es.close_point_in_time(id=pit)

    def _scan_hit(self, raw: dict[str, Any], request: SearchRequest, fields: bool) -> Hit:
        if not fields:
            return Hit(id=int(raw.get("_source", {}).get("doc_id", raw["_id"])))
        hit = self._hit(raw, request, count=False)
        hit.score = hit.sort_values = None
        return hit

    def _scan_scroll(
        self, query: dict, source: Any, request: SearchRequest, fields: bool, sort: list
    ) -> Iterator[Hit]:
        resp = self.es.search(
            index=self.alias,
            query=query,
            scroll=KEEP_ALIVE,
            sort=sort,
            size=self.scan_batch,
            source=source,
        ).body
        scroll_id = resp.get("_scroll_id")
        try:
            while resp["hits"]["hits"]:
                if request.deadline is not None:
                    request.deadline.check("reading the matches")
                for raw in resp["hits"]["hits"]:
                    yield self._scan_hit(raw, request, fields)
                resp = self.es.scroll(scroll_id=scroll_id, scroll=KEEP_ALIVE).body
                scroll_id = resp.get("_scroll_id", scroll_id)
        finally:
            if scroll_id:
                with contextlib.suppress(ApiError, TransportError):
                    self.es.clear_scroll(scroll_id=scroll_id)

    @_reachable
    def count(self, request: SearchRequest | None = None) -> int:
        if not self._indices():
            return 0
        if request is None:
            return self.es.count(index=self.alias).body["count"]
        if request.deadline is not None:
            request.deadline.check("counting the matches")
        return self.es.count(index=self.alias, query=ce.scan_query(request)).body["count"]

    @_reachable
    def suggest_word(self, word: str) -> str | None:
        """The engine's term suggester over titles, text and names: for a word no
        document holds, the closest indexed word (highest score, then frequency)."""
        if not self._indices():
            return None
        fields = ("title.exact", "pages.text.exact", "about.exact")
        body = {
            f"s{n}": {"text": word, "term": {"field": f, "suggest_mode": "missing", "size": 3}}
            for n, f in enumerate(fields)
        }
        resp = self.es.search(index=self.alias, size=0, suggest=body).body
        options = [
            (o.get("score", 0), o.get("freq", 0), o["text"])
            for entries in resp.get("suggest", {}).values()
            for entry in entries
            for o in entry.get("options", [])
        ]
        if not options:
            return None
        return max(options, key=lambda o: (o[0], o[1], [-ord(c) for c in o[2]]))[2]

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"backend": self.name, "alias": self.alias}
        try:
            cluster = self.es.cluster.health().body
            indices = self._indices()
            docs = self.es.count(index=self.alias).body["count"] if indices else 0
        except (ApiError, TransportError) as exc:
            return {**info, "ok": False, "error": str(exc)}
        return {
            **info,
            "ok": cluster.get("status") in ("green", "yellow"),
            "status": cluster.get("status"),
            "indices": indices,
            "documents": docs,
        }

    def close(self) -> None:
        self.es.close()
