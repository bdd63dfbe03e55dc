"""What every search backend takes and returns, and the interface it implements.

Backends index plain :class:`IndexDoc` values (never Django models), so the contract
tests run without a database and either engine can be swapped in.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import threading
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from search.backends.budget import Deadline, check_cost
from search.foi import foi_state
from search.query import ParsedQuery, QueryError, parse, relax


@dataclass(frozen=True)
class Facet:
    """One facet, defined once for the backends, the site, the API and the CLI.

    ``name`` is the index field the backends count and ``SearchRequest.filters`` key;
    ``label`` is what people read; ``param`` is the URL parameter (site and API), the
    CLI option (``--param``) and the query-language field (``param:value``).
    """

    name: str
    label: str
    param: str


# Facet name -> its definition, in display order. Filters use the same names.
FACETS: dict[str, Facet] = {
    f.name: f
    for f in (
        Facet("council", "Public body", "council"),
        Facet("company", "Company", "company"),
        Facet("system", "System", "system"),
        Facet("source_type", "Source type", "source"),
        Facet("foi_status", "FOI status", "status"),
        Facet("file_type", "File type", "type"),
        Facet("year", "Year", "year"),
        Facet("availability", "Availability", "availability"),
    )
}
FACET_BY_PARAM: dict[str, Facet] = {f.param: f for f in FACETS.values()}
# Sort value -> what people read; "relevance" first (the default).
SORTS: dict[str, str] = {
    "relevance": "Relevance",
    "newest": "Newest first",
    "oldest": "Oldest first",
}
DEFAULT_PAGE_SIZE = 20
DEFAULT_SNIPPETS = 3  # per hit
# Values listed per facet (the most frequent; ticked ones always). Counting is exact over
# the whole match set whatever this is; it only bounds what a facet lists.
DEFAULT_FACET_SIZE = 30
MAX_FILTER_VALUES = 50  # values of one facet a request may tick
MAX_FILTER_CHARS = 300  # characters of one filter value
MAX_WINDOW = 10_000  # deepest result a page may reach; scan() has no limit
MAX_PAGE_SIZE = 100
MAX_SNIPPETS = 10
# Match counts read the highlights of at most this many matching pages per hit
# (Elasticsearch's default index.max_inner_result_window); past it a count is a floor.
MAX_COUNTED_PAGES = 100
LIVE, GONE = "live", "gone"  # availability values


@dataclass
class IndexDoc:
    """One document as the search engines see it."""

    id: int
    title: str = ""
    pages: list[tuple[int, str]] = field(default_factory=list)
    source_type: str = ""
    file_type: str = ""
    foi_status: str = ""
    date: dt.date | None = None
    issuing_authority: str = ""
    councils: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # locations and filenames, for source:
    # "gone" when every web address it came from now answers 404/410, else "live".
    availability: str = LIVE
    # The WhatDoTheyKnow request a document came from (shown on hits; not searched).
    request_id: int | None = None
    request_title: str = ""
    request_url: str = ""
    # Other names of the bodies, companies and systems above (aliases, short forms) and
    # references people quote (FOI reference numbers): searched by default, not shown.
    aliases: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.id = int(self.id)
        self.title = (self.title or "").strip()
        self.pages = [(int(n), t or "") for n, t in self.pages]
        # Codes are compared lower-case everywhere (source:FOI == source:foi).
        self.source_type = (self.source_type or "").strip().lower()
        self.file_type = (self.file_type or "").strip().lower()
        self.foi_status = foi_state(self.foi_status)  # Alaveteli's state name
        self.availability = GONE if (self.availability or "").strip().lower() == GONE else LIVE
        self.request_id = int(self.request_id) if self.request_id not in (None, "") else None
        self.request_title = (self.request_title or "").strip()
        self.request_url = (self.request_url or "").strip()
        self.issuing_authority = (self.issuing_authority or "").strip()
        for name in (
            "councils",
            "companies",
            "systems",
            "urls",
            "sources",
            "aliases",
            "references",
        ):
            setattr(self, name, _unique(getattr(self, name)))
        if isinstance(self.date, dt.datetime):
            self.date = self.date.date()

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    def about(self) -> list[str]:
        """What the default fields search besides title and text, weighted between them:
        the issuing body, the tagged bodies, companies and systems with their aliases,
        the FOI request (title, number, references) and the original file names."""
        names = [self.issuing_authority, *self.councils, *self.companies, *self.systems]
        request = [self.request_title, str(self.request_id) if self.request_id else ""]
        files = [_basename(s) for s in self.sources]
        return _unique([*names, *self.aliases, *request, *self.references, *files])

    def facet_values(self, facet: str) -> list[str]:
        """This document's values for a facet, as strings (what facets count)."""
        values = {
            "council": self.councils,
            "company": self.companies,
            "system": self.systems,
            "source_type": [self.source_type] if self.source_type else [],
            "foi_status": [self.foi_status] if self.foi_status else [],
            "file_type": [self.file_type] if self.file_type else [],
            "year": [str(self.year)] if self.year else [],
            "availability": [self.availability],
        }
        return values[facet]

    def display_fields(self) -> dict[str, Any]:
        """What a hit shows besides title and snippets (JSON-serialisable)."""
        return {
            "date": self.date.isoformat() if self.date else None,
            "year": self.year,
            "source_type": self.source_type,
            "file_type": self.file_type,
            "foi_status": self.foi_status,
            "issuing_authority": self.issuing_authority,
            "councils": self.councils,
            "companies": self.companies,
            "systems": self.systems,
            "urls": self.urls,
            "page_count": len(self.pages),
            "availability": self.availability,
            "request_id": self.request_id,
            "request_title": self.request_title,
            "request_url": self.request_url,
        }


def _basename(location: str) -> str:
    """The last part of a path or web address (``…/FOI-16274 response.pdf``)."""
    return location.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _unique(values: Iterable[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for v in values or ():
        v = (v or "").strip()
        if v:
            seen.setdefault(v, None)
    return list(seen)


@dataclass
class SearchRequest:
    """A parsed query plus filters, date range, sort and paging.

    ``size=0`` asks for the total and facets only: no hit is fetched. ``after`` pages
    by key instead of by number: the ``sort_values`` of the last hit already seen, so
    the hits come after it in the same order, with no window limit (``page`` is then
    ignored). Sort values are opaque and belong to the backend that gave them.
    """

    query: ParsedQuery | str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    snippets: int = DEFAULT_SNIPPETS  # per hit
    facets: bool = True
    facet_size: int = DEFAULT_FACET_SIZE
    after: list | None = None
    # When the request must be answered by (see search.backends.budget); None: no limit.
    deadline: Deadline | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.query, str):
            self.query = parse(self.query)
        check_cost(self.query)
        if self.sort not in SORTS:
            raise QueryError(f"Sort by one of {', '.join(SORTS)}, not “{self.sort}”.")
        unknown = set(self.filters) - set(FACETS)
        if unknown:
            raise QueryError(f"Unknown filter {', '.join(sorted(unknown))}.")
        self.filters = {
            k: [str(v) for v in _unique(str(x) for x in vals)]
            for k, vals in self.filters.items()
            if vals
        }
        if "foi_status" in self.filters:  # a state's label finds it too ("Refused")
            self.filters["foi_status"] = _unique(foi_state(v) for v in self.filters["foi_status"])
        for v in self.filters.get("year", []):
            if not v.isdigit():
                raise QueryError(f"A year filter expects a year such as 2019, not “{v}”.")
        self.page = max(1, int(self.page))
        self.size = min(max(0, int(self.size)), MAX_PAGE_SIZE)
        self.snippets = min(max(0, int(self.snippets)), MAX_SNIPPETS)
        if self.after is not None:
            after = list(self.after)
            if not after or len(after) > 3 or not all(_is_number(v) for v in after):
                raise QueryError("This cursor is not valid; start again without it.")
            self.after = after
            self.page = 1
        elif self.page * self.size > MAX_WINDOW:
            raise QueryError(
                f"Results beyond the first {MAX_WINDOW:,} cannot be paged through; "
                "narrow the search or export it."
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError("The start date comes after the end date.")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def key(self) -> tuple:
        """Everything that decides the answer, hashable (for caches; not the deadline)."""
        return (
            self.parsed.node,
            tuple(self.parsed.notes),
            tuple(sorted((f, tuple(v)) for f, v in self.filters.items())),
            self.date_from,
            self.date_to,
            self.sort,
            self.page,
            self.size,
            self.snippets,
            self.facets,
            self.facet_size,
            None if self.after is None else tuple(self.after),
        )

    @property
    def parsed(self) -> ParsedQuery:
        assert isinstance(self.query, ParsedQuery)
        return self.query


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class Snippet:
    page: int
    html: str  # escaped text; only the engine's matches are wrapped in <mark>


@dataclass(slots=True)
class Hit:
    id: int
    score: float | None = None
    title: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    snippets: list[Snippet] = field(default_factory=list)
    matched_pages: int | None = None  # pages where a query word matched
    # Hits of the query's text words in the document ("12 matches"), counted as the
    # document page counts them (search.highlight.query_spans); None when not counted
    # (snippets=0, or a scan). ``matches_capped``: counted on the first
    # MAX_COUNTED_PAGES matching pages only, so the true count may be higher.
    matches: int | None = None
    matches_capped: bool = False
    sort_values: list | None = None  # pass as SearchRequest.after for the next page


@dataclass(slots=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    total: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # True when no document had all the words and the hits have most of them.
    relaxed: bool = False
    # "Did you mean": the query with rare words replaced by close, common ones.
    suggestion: str | None = None
    # Set by a cache that keeps this answer: what it is kept under (request, index
    # state), so what is made from it can be kept under the same key.
    cache_key: tuple | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        """The public JSON shape (CLI --json and the API)."""
        return {
            "total": self.total,
            "relaxed": self.relaxed,
            "suggestion": self.suggestion,
            "notes": list(self.notes),
            "hits": [
                {
                    "id": h.id,
                    "title": h.title,
                    "snippets": [{"page": s.page, "html": s.html} for s in h.snippets],
                    # Documents from an FOI request say which, and how it ended.
                    **{
                        k: h.fields[k]
                        for k in ("request_id", "foi_status")
                        if h.fields.get("request_id") is not None
                    },
                }
                for h in self.hits
            ],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
        }


class SearchUnavailable(RuntimeError):
    """The search engine cannot answer now: it cannot be reached, the connection failed
    or timed out, it says it is unavailable, or its index cannot be opened.

    Backends raise this for transport and connection failures only, so callers can say
    "search is unavailable" (HTTP 503) for these and let anything else surface as the
    bug it is (a logged 500). ``str(error)`` is a sentence for an operator.
    """


class SearchBackend(ABC):
    """One search engine holding one index of :class:`IndexDoc`."""

    name = "base"

    @abstractmethod
    def index(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents (by id); returns how many were written."""

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> int:
        """Remove documents by id; ids not in the index are ignored."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult:
        """One page of hits with snippets and match counts, the exact total and
        multi-select facets. Relevance ties keep the engine's stable order (embedded:
        the document's place in the index; Elasticsearch: id), the same for numbered
        pages and cursors."""

    @abstractmethod
    def scan(
        self, request: SearchRequest, *, fields: bool = False, ordered: bool = False
    ) -> Iterator[Hit]:
        """Every match in ascending id order, without the paging window limit; with
        ``ordered``, in ``request.sort``'s order (what an export shows).

        With ``fields``, each hit has its title and display fields and, when the request
        asks for snippets, up to ``request.snippets`` of them. Memory stays flat in the
        number of matches.
        """

    @abstractmethod
    def count(self, request: SearchRequest | None = None) -> int:
        """How many documents match (all documents without a request)."""

    @abstractmethod
    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a fresh index from ``docs`` and swap it in atomically.

        The old index answers until the swap; if building fails, the new index is
        dropped and the old one is left as it was.
        """

    @abstractmethod
    def health(self) -> dict[str, Any]:
        """``{"ok": bool, "backend": name, "documents": n, ...}``."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources held by this backend object."""

    def state(self) -> Hashable | None:
        """A token that changes whenever what a search returns may change (a commit, a
        rebuild), so results can be cached per token; None when the backend cannot
        tell cheaply (its results are then never cached)."""
        return None

    def suggest_word(self, word: str) -> str | None:
        """A close, more common indexed word for a rare one (for "did you mean")."""
        from search.backends.suggest import suggest_from_vocabulary

        return suggest_from_vocabulary(self, word)

    def vocabulary(self, prefix: str, *, limit: int = 3000) -> list[tuple[str, int]]:
        """Indexed words (of titles, text and names) starting with ``prefix`` and how
        many documents hold each, the most frequent ``limit`` (for suggestions)."""
        return []

    def facet_values(self, facet: str) -> dict[str, int]:
        """Every value of a facet in the index and its document count."""
        result = self.search(SearchRequest("", size=0, facet_size=100_000))
        return {v.value: v.count for v in result.facets.get(facet, [])}


class LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int):
        self.size = size
        self._data: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value, or None."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        """Store, dropping the least recently used entries past ``size``."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()


# Below this many documents with all the words, a search shows those with most of them.
RELAX_BELOW = 3


def search_with_fallback(backend: SearchBackend, request: SearchRequest) -> SearchResult:
    """``backend.search(request)`` with name filters read leniently (an alias or short
    form finds the official name, with a note). When all-words matching finds fewer
    than RELAX_BELOW documents: a "did you mean" from the term dictionary, and, when
    the query can be relaxed (search.query.relax), the same request matching most of
    the words instead, with ``relaxed`` set and a note saying so. The documents with
    every word still come first (they match the most words)."""
    from search.backends.suggest import did_you_mean, resolve_names

    request = resolve_names(backend, request)
    result = backend.search(request)
    if result.total >= RELAX_BELOW:
        return result
    suggestion = did_you_mean(backend, request.parsed)
    relaxed_query = relax(request.parsed, result.total)
    if relaxed_query is not None:
        wider = backend.search(dataclasses.replace(request, query=relaxed_query))
        if wider.total > result.total:
            wider.relaxed = True
            result = wider
    result.suggestion = suggestion
    return result


def facet_order(values: dict[str, int], selected: list[str], facet: str, size: int):
    """FacetValues sorted for display (most documents first, then by value); selected
    values are always present."""
    if facet == "year":
        keys = sorted(values, key=int)  # a histogram, oldest first
    else:
        # By value, then by count, most first: a stable sort keeps ties in value order.
        keys = sorted(values)
        keys.sort(key=values.__getitem__, reverse=True)
        del keys[size:]
    chosen = set(selected)
    out = [FacetValue(k, values[k], k in chosen) for k in keys]
    present = {fv.value for fv in out}
    out.extend(FacetValue(v, values.get(v, 0), True) for v in selected if v not in present)
    return out
