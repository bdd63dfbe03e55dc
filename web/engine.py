"""The site's one door to the search layer: URL state in, backend requests out."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.conf import settings

from search.backends.base import (
    DEFAULT_FACET_SIZE,
    DEFAULT_SNIPPETS,
    FACET_BY_PARAM,
    LRU,
    MAX_WINDOW,
    Hit,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
    search_with_fallback,
)
from search.backends.budget import (
    Deadline,
    SearchBusy,
    SearchCut,
    Slots,
    is_expensive,
)
from search.backends.suggest import NAME_FACETS, resolve_names
from search.query import QueryError

from .forms import SearchState

# Views catch QueryError (the user's query: 400) and SearchUnavailable (the engine cannot
# answer: 503); anything else is a bug and surfaces as a logged 500.
__all__ = [
    "QueryError",
    "SearchBusy",
    "SearchCut",
    "SearchUnavailable",
    "backend",
    "count",
    "facet_only",
    "request_for",
    "scan",
    "search",
]


def backend():
    """The configured backend (embedded tantivy or Elasticsearch)."""
    from search.backends import get_backend

    return get_backend()


def request_for(
    state: SearchState,
    *,
    page: int | None = None,
    size: int | None = None,
    snippets: int = DEFAULT_SNIPPETS,
    facets: bool = True,
    facet_size: int = DEFAULT_FACET_SIZE,
    overrides: dict[str, list[str]] | None = None,
    after: list | None = None,
    seconds: float | None = None,
) -> SearchRequest:
    """The backend request for a URL state; raises QueryError for what cannot be honoured."""
    filters = {FACET_BY_PARAM[name].name: list(values) for name, values in state.filters.items()}
    for name, values in (overrides or {}).items():
        facet = FACET_BY_PARAM[name].name
        if values:
            filters[facet] = list(values)
        else:
            filters.pop(facet, None)
    sort = state.sort
    if state.is_empty and sort == "relevance":
        sort = "newest"  # browsing everything: relevance means nothing, recency does
    request = SearchRequest(
        query=state.q,
        filters=filters,
        date_from=state.date_from,
        date_to=state.date_to,
        sort=sort,
        page=page or state.page,
        size=state.size if size is None else size,
        snippets=snippets,
        facets=facets,
        facet_size=facet_size,
        after=after,
        deadline=Deadline(settings.SEARCH_SECONDS if seconds is None else seconds),
    )
    if any(request.filters.get(f) for f in NAME_FACETS):
        request = resolve_names(backend(), request)  # "Hackney" -> its official name
    return request


def slots() -> Slots:
    """The machine's slots for expensive queries (fuzzy words, prefixes)."""
    return Slots(
        settings.SEARCH_SLOTS_DIR,
        settings.SEARCH_EXPENSIVE_SLOTS,
        wait=settings.SEARCH_SLOT_WAIT,
    )


def _slot(request: SearchRequest):
    """A slot when the query is expensive (SearchBusy if none frees up), else nothing."""
    import contextlib

    return slots().hold() if is_expensive(request.parsed) else contextlib.nullcontext()


RESULT_CACHE_SIZE = 128  # answers kept per process, by request and index state
_results = LRU(RESULT_CACHE_SIZE)


def search(state: SearchState, **kwargs) -> SearchResult:
    """One page of results; when no document (or almost none) has every word of a plain
    query, the documents with most of them (``result.relaxed``, with a note). Within
    the request's deadline; an expensive query waits for a slot.

    Answers are kept per (request, index state): the same search again, until the
    next commit or rebuild, costs no engine work (an answer cut by its deadline is
    not kept)."""
    request = request_for(state, **kwargs)
    engine = backend()
    index_state = engine.state()
    key = None if index_state is None else (index_state, request.key())
    cached = _results.get(key) if key is not None else None
    if cached is None:
        with _slot(request):
            cached = search_with_fallback(engine, request)
        if key is None or (request.deadline is not None and request.deadline.expired()):
            return cached
        cached.cache_key = key
        _results.put(key, cached)
    return replace(cached, notes=list(cached.notes))  # callers may add notes


def facet_only(
    state: SearchState, *, facet_size: int = DEFAULT_FACET_SIZE, overrides=None
) -> SearchResult:
    """The total and facet counts only: no hit is fetched."""
    req = request_for(
        state, page=1, size=0, snippets=0, facets=True, facet_size=facet_size, overrides=overrides
    )
    with _slot(req):
        return backend().search(req)


def count(state: SearchState) -> int:
    """How many documents match."""
    req = request_for(state, page=1, size=0, snippets=0, facets=False)
    with _slot(req):
        return backend().count(req)


def scan(state: SearchState, *, snippets: int = 1, ordered: bool = False) -> Iterator[Hit]:
    """Every match with its display fields (and its first ``snippets`` snippets), without
    the paging window: in id order, or with ``ordered`` in the state's sort (the export)."""
    req = request_for(
        state,
        page=1,
        size=0,
        snippets=snippets,
        facets=False,
        seconds=settings.SEARCH_EXPORT_SECONDS,
    )
    if is_expensive(req.parsed):
        return _held(req, ordered)
    return backend().scan(req, fields=True, ordered=ordered)


def _held(req: SearchRequest, ordered: bool) -> Iterator[Hit]:
    with slots().hold():
        yield from backend().scan(req, fields=True, ordered=ordered)


# --- pagination --------------------------------------------------------------------------


@dataclass
class Pager:
    page: int
    size: int
    total: int
    pages: int = 0
    capped: bool = False
    numbers: list[int | None] = field(default_factory=list)  # None marks a gap

    def __post_init__(self) -> None:
        real = math.ceil(self.total / self.size) if self.total else 0
        reachable = MAX_WINDOW // self.size
        self.capped = real > reachable
        self.pages = min(real, reachable)
        self.numbers = page_numbers(self.page, self.pages)

    @property
    def window(self) -> int:
        return self.pages * self.size

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.size + 1

    def last_index(self, shown: int) -> int:
        return (self.page - 1) * self.size + shown


def page_numbers(current: int, pages: int, around: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and a window round the current page."""
    if pages <= 1:
        return [1] if pages == 1 else []
    wanted = {1, pages} | set(range(max(1, current - around), min(pages, current + around) + 1))
    out: list[int | None] = []
    prev = 0
    for n in sorted(wanted):
        if n - prev == 2:
            out.append(n - 1)  # a gap of one page: show the number instead of "…"
        elif n - prev > 2:
            out.append(None)
        out.append(n)
        prev = n
    return out
