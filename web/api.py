"""The JSON API: /api/ (what it offers), /api/search (same parameters as /search,
cursor pagination) and /api/documents/<id>; the register's /api/entities are in
web/entities.py. Documented in docs/api.md.

A cursor holds the sort values of the last hit returned (the backend's search-after
key), so following ``next`` pages through every match, past the 10,000 results that
numbered pages can reach, in the same order as the pages.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from datascores.documents.models import Document, Status
from search.backends.base import FACETS, MAX_PAGE_SIZE, MAX_WINDOW, SORTS

from . import engine
from .documents import foi_for, public_location, tags_for
from .forms import SearchState
from .highlight import plain_snippet, safe_snippet
from .rows import request_url

log = logging.getLogger(__name__)

API_VERSION = 2
_SALT = "datascores.api.cursor"


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """JSON with <, > and & escaped, so no browser can ever read it as HTML."""
    body = json.dumps(data, ensure_ascii=False, default=str)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    response = HttpResponse(body, content_type="application/json; charset=utf-8", status=status)
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"  # public, read-only data
    return response


def _error(message: str, status: int = 400) -> HttpResponse:
    return json_response({"error": message}, status=status)


def state_key(state: SearchState) -> str:
    """A short fingerprint of everything but the page, so a cursor fits one search only."""
    return hashlib.sha256(state.with_(page=1).query_string().encode()).hexdigest()[:16]


def make_cursor(state: SearchState, after: list, seen: int) -> str:
    """A signed cursor: the last hit's sort values and how many hits came before."""
    data = {"v": API_VERSION, "k": state_key(state), "a": after, "n": seen}
    return signing.dumps(data, salt=_SALT)


def read_cursor(cursor: str, state: SearchState) -> tuple[list, int]:
    """(sort values to search after, hits already returned); ValueError if the cursor
    is forged, from an older version, or for another search."""
    try:
        data = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as exc:
        raise ValueError("The cursor is not valid.") from exc
    if not isinstance(data, dict) or data.get("v") != API_VERSION:
        raise ValueError("The cursor is not valid; start again without it.")
    if data.get("k") != state_key(state):
        raise ValueError("The cursor belongs to a different search; start again without it.")
    after, seen = data.get("a"), data.get("n")
    if not isinstance(after, list) or not after or not isinstance(seen, int) or seen < 0:
        raise ValueError("The cursor is not valid.")
    return after, seen


def hit_json(hit, base_url: str) -> dict[str, Any]:
    f = hit.fields or {}
    urls = f.get("urls") or []
    return {
        "id": hit.id,
        "title": hit.title,
        "url": base_url + reverse("document", args=[hit.id]),
        "api_url": base_url + reverse("api_document", args=[hit.id]),
        "score": hit.score,
        "date": f.get("date"),
        "source_type": f.get("source_type") or "",
        "file_type": f.get("file_type") or "",
        "foi_status": f.get("foi_status") or "",
        "availability": f.get("availability") or "",
        "request_id": f.get("request_id"),
        "request_title": f.get("request_title") or "",
        "issuing_authority": f.get("issuing_authority") or "",
        "councils": f.get("councils") or [],
        "companies": f.get("companies") or [],
        "systems": f.get("systems") or [],
        "source_urls": urls,
        "whatdotheyknow_request_url": f.get("request_url") or request_url(urls) or None,
        "page_count": f.get("page_count"),
        "matched_pages": hit.matched_pages,
        "matches": hit.matches,
        "snippets": [
            {"page": s.page, "html": str(safe_snippet(s.html)), "text": plain_snippet(s.html)}
            for s in hit.snippets
        ],
    }


_FLAGS = ("1", "0", "true", "false", "yes", "no")


def invalid_parameter(params) -> str | None:
    """A sentence naming the first invalid parameter and its allowed values, or None.

    The site's pages forgive a bad value (a hand-edited URL still shows results); the
    API says so, so a script never silently gets another search than it asked for.
    """
    sort = params.get("sort")
    if sort is not None and sort not in SORTS:
        return f"sort: “{sort}” is not allowed; use one of {', '.join(SORTS)}."
    for name, low, high in (("size", 1, MAX_PAGE_SIZE), ("page", 1, MAX_WINDOW)):
        value = params.get(name)
        if value is None:
            continue
        if not value.strip().isdigit() or not low <= int(value) <= high:
            return f"{name}: “{value}” is not allowed; use a whole number from {low} to {high:,}."
    for name in ("from", "to"):
        value = params.get(name)
        if value:
            try:
                date.fromisoformat(value.strip())
            except ValueError:
                return f"{name}: “{value}” is not a date; use YYYY-MM-DD."
    for value in params.getlist("year"):
        if not (value.isdigit() and len(value) == 4):
            return f"year: “{value}” is not a year; use four digits such as 2019."
    facets = params.get("facets")
    if facets is not None and facets.lower() not in _FLAGS:
        return f"facets: “{facets}” is not allowed; use 1 or 0."
    return None


@require_safe
def api_index(request: HttpRequest) -> HttpResponse:
    """What the API offers, with links (GET /api/)."""
    base = request.build_absolute_uri("/").rstrip("/")
    params = {f.param: f"filter by {f.label.lower()} (repeatable)" for f in FACETS.values()}
    return json_response(
        {
            "version": API_VERSION,
            "documentation": base + "/help",
            "endpoints": [
                {
                    "url": base + reverse("api_search"),
                    "method": "GET",
                    "description": "Search: hits, snippets, facet counts, the next page's cursor.",
                    "parameters": {
                        "q": 'the query: words, "phrases", AND, OR, -word, field:value',
                        **params,
                        "from": "earliest document date, YYYY-MM-DD",
                        "to": "latest document date, YYYY-MM-DD",
                        "sort": " | ".join(SORTS),
                        "size": f"hits per page, 1 to {MAX_PAGE_SIZE}",
                        "page": "page number (numbered pages reach the first "
                        f"{MAX_WINDOW:,} results)",
                        "cursor": "the next_cursor of the previous page",
                        "facets": "1 (default) or 0",
                    },
                },
                {
                    "url": base + reverse("api_document", args=[0]).replace("/0", "/{id}"),
                    "method": "GET",
                    "description": "One document: metadata, sources, versions, tags with "
                    "evidence, FOI request, page texts (pages=0 leaves them out).",
                },
                {
                    "url": base + reverse("search_csv"),
                    "method": "GET",
                    "description": "The whole result set as CSV, in the chosen sort "
                    "(same parameters as search).",
                },
                {
                    "url": base + reverse("api_search_feed"),
                    "method": "GET",
                    "description": "An Atom feed of a search's newest matches "
                    "(same parameters as search).",
                },
                {
                    "url": base + reverse("api_entities"),
                    "method": "GET",
                    "description": "The register: public bodies, companies and systems "
                    "whose name or alias contains q, most documents first.",
                    "parameters": {
                        "q": "words of a name or alias (empty: those documents name)",
                        "type": "bodies | companies | systems",
                    },
                },
                {
                    "url": base + "/api/entities/{type}/{slug}",
                    "method": "GET",
                    "description": "One public body, company or system (type: bodies, "
                    "companies or systems): facts, aliases, links with evidence, "
                    "timeline, map points, related entities, recent documents.",
                },
            ],
        }
    )


@require_safe
def api_search(request: HttpRequest) -> HttpResponse:
    problem = invalid_parameter(request.GET)
    if problem:
        return _error(problem)
    state = SearchState.from_params(request.GET, max_size=MAX_PAGE_SIZE)
    after, seen = None, (state.page - 1) * state.size
    cursor = request.GET.get("cursor")
    if cursor:
        try:
            after, seen = read_cursor(cursor, state)
        except ValueError as exc:
            return _error(str(exc))
    elif state.page * state.size > MAX_WINDOW:
        return _error(
            f"Numbered pages stop at {MAX_WINDOW:,} results; follow `next` (the cursor) "
            "from the first page to go further, or use /search.csv for the whole set."
        )
    want_facets = request.GET.get("facets", "1") not in ("0", "false", "no")
    try:
        result = engine.search(
            state,
            page=1 if after is not None else state.page,
            after=after,
            facets=want_facets,
            facet_size=200,
        )
    except engine.SearchBusy as exc:
        response = _error(str(exc), 429)
        response["Retry-After"] = "2"
        return response
    except engine.SearchCut as exc:
        return _error(str(exc), 503)
    except engine.QueryError as exc:
        return _error(str(exc))
    except engine.SearchUnavailable as exc:
        log.warning("api: search unavailable: %s", exc)
        return _error("The search index is unavailable right now; try again later.", 503)
    base_url = request.build_absolute_uri("/").rstrip("/")
    returned = seen + len(result.hits)
    more = len(result.hits) == state.size and returned < result.total
    last = result.hits[-1].sort_values if result.hits else None
    next_cursor = make_cursor(state, last, returned) if more and last else None
    params = state.with_(page=1).params()
    next_url = None
    if next_cursor:
        extra = [] if want_facets else [("facets", "0")]
        next_url = (
            base_url
            + reverse("api_search")
            + "?"
            + urlencode([*params, *extra, ("cursor", next_cursor)])
        )
    data = {
        "query": {
            "q": state.q,
            "filters": {k: list(v) for k, v in state.filters.items()},
            "from": state.date_from.isoformat() if state.date_from else None,
            "to": state.date_to.isoformat() if state.date_to else None,
            "sort": state.sort,
        },
        "total": result.total,
        # True when no document had all the words: the hits have most of them.
        "relaxed": result.relaxed,
        # "Did you mean": the query with rare words replaced (null when none).
        "suggestion": result.suggestion,
        "page": seen // state.size + 1 if state.size else 1,
        "size": state.size,
        "next_cursor": next_cursor,
        "next": next_url,
        "notes": list(result.notes),
        "hits": [hit_json(h, base_url) for h in result.hits],
        "facets": {
            name: [{"value": v.value, "count": v.count, "selected": v.selected} for v in values]
            for name, values in result.facets.items()
        }
        if want_facets
        else None,
        "csv": base_url + reverse("search_csv") + ("?" + urlencode(params) if params else ""),
    }
    return json_response(data)


def _source_json(s) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "location": public_location(s),
        "url": s.location if s.is_url else None,
        "filename": PurePosixPath(s.filename.replace("\\", "/")).name,
        "container_id": s.container_id,
        "fetched_at": s.fetched_at.isoformat() if s.fetched_at else None,
        "status": s.status,
        "gone_since": s.gone_since.isoformat() if s.gone_since else None,
    }


@require_safe
def api_document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = Document.objects.select_related("blob", "parent").filter(pk=pk).first()
    if doc is None or doc.status not in (Status.DONE, Status.FAILED):
        return _error("No document with this id.", status=404)
    base_url = request.build_absolute_uri("/").rstrip("/")
    tags, evidence = tags_for(doc)
    with_text = request.GET.get("pages", "1") not in ("0", "false", "no")
    data: dict[str, Any] = {
        "id": doc.pk,
        "title": doc.title,
        "url": base_url + doc.get_absolute_url(),
        "download_url": base_url + reverse("document_original", args=[doc.pk]),
        "status": doc.status,
        # The public label of the failure; the full reason (paths, library errors) is for
        # the admin only.
        "failure_reason": doc.get_failure_code_display() if doc.failure_code else None,
        "source_type": doc.source_type,
        "file_type": doc.file_type,
        "mime_type": doc.blob.mime_type,
        "size": doc.blob.size,
        "sha256": doc.blob.sha256,
        "date": doc.date.isoformat() if doc.date else None,
        "published_at": doc.published_at.isoformat() if doc.published_at else None,
        "received_at": doc.received_at.isoformat() if doc.received_at else None,
        "fetched_at": doc.fetched_at.isoformat() if doc.fetched_at else None,
        "page_count": doc.page_count,
        "ocr": doc.ocr,
        "ocr_confidence": doc.ocr_confidence,
        "sources": [_source_json(s) for s in doc.sources.all()],
        "versions": [
            {
                "number": v.number,
                "fetched_at": v.fetched_at.isoformat() if v.fetched_at else None,
                "sha256": v.blob.sha256,
                "url": v.url if v.url.startswith(("http://", "https://")) else "",
            }
            for v in doc.versions.select_related("blob").order_by("number")
        ],
        "tags": tags,
        "evidence": evidence,
        "foi": foi_for(doc),
        "parent_id": doc.parent_id,
        "children_ids": list(doc.children.order_by("id").values_list("id", flat=True)[:1000]),
    }
    if with_text:
        data["pages"] = [
            {
                "number": p.number,
                "text": p.text,
                "method": p.method,
                "ocr_confidence": p.ocr_confidence,
            }
            for p in doc.pages.order_by("number")
        ]
    return json_response(data)
