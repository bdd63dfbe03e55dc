"""Insights: who uses what, where and when, for the current query and filters.

Every number links to the search that shows the documents behind it, and every count
comes from the search engine with the same request the search page would send, so a
cell's number and the linked search's total agree.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from datascores.entities.models import PublicBody
from search.backends.base import FacetValue, Hit

from . import engine
from .export import stream_csv
from .forms import SearchState

log = logging.getLogger(__name__)

ROWS = 15  # public bodies in the table
COLUMNS = 10  # companies or systems in the table
TOP = 15  # bars in the top-N lists
ALL = 5000  # facet size meaning "every value"
BY = {"company": "Companies", "system": "Systems"}
UNAVAILABLE = "The search index is unavailable right now; please try again later."


def _search_url(state: SearchState, **filters: list[str]) -> str:
    merged = dict(state.filters)
    for name, values in filters.items():
        merged[name] = tuple(values)
    qs = state.with_(filters=merged).query_string()
    return reverse("search") + ("?" + qs if qs else "")


def matrix(
    state: SearchState, by: str, rows: list[FacetValue], cols: list[FacetValue]
) -> list[dict]:
    """One row per public body: its count of documents naming each column's entity."""
    out = []
    for row in rows:
        res = engine.facet_only(state, facet_size=ALL, overrides={"council": [row.value]})
        counts = {v.value: v.count for v in res.facets.get(by, [])}
        cells = []
        for col in cols:
            n = counts.get(col.value, 0)
            cells.append(
                {
                    "count": n,
                    "url": _search_url(state, council=[row.value], **{by: [col.value]})
                    if n
                    else "",
                    "col": col.value,
                }
            )
        out.append(
            {
                "name": row.value,
                "total": row.count,
                "url": _search_url(state, council=[row.value]),
                "cells": cells,
            }
        )
    peak = max((c["count"] for r in out for c in r["cells"]), default=0)
    for r in out:
        for c in r["cells"]:
            c["heat"] = heat(c["count"], peak)
    return out


def heat(n: int, peak: int) -> int:
    """0-5: a cell's shade, by its count relative to the largest cell in the table."""
    if not n or not peak:
        return 0
    return max(1, min(5, round(5 * n / peak)))


def map_points(councils: Iterable[FacetValue], state: SearchState) -> tuple[list[dict], int]:
    """Markers for public bodies with coordinates; also how many bodies had none."""
    values = [c for c in councils if c.count]
    coords: dict[str, tuple[float, float]] = {}
    names = [c.value for c in values]
    for chunk in range(0, len(names), 500):
        for name, lat, lon in PublicBody.objects.filter(
            name__in=names[chunk : chunk + 500], latitude__isnull=False
        ).values_list("name", "latitude", "longitude"):
            if lat is not None and lon is not None:
                coords[name] = (lat, lon)
    points = []
    missing = 0
    for c in values:
        if c.value in coords:
            lat, lon = coords[c.value]
            points.append(
                {
                    "name": c.value,
                    "count": c.count,
                    "lat": round(lat, 4),
                    "lon": round(lon, 4),
                    "url": _search_url(state, council=[c.value]),
                }
            )
        else:
            missing += 1
    return points, missing


def bars(values: list[FacetValue], state: SearchState, param: str, limit: int = TOP) -> list[dict]:
    top = [v for v in values if v.count][:limit]
    peak = max((v.count for v in top), default=1) or 1
    return [
        {
            "label": v.value,
            "count": v.count,
            "pct": round(100 * v.count / peak),
            "url": _search_url(state, **{param: [v.value]}),
        }
        for v in top
    ]


LABEL_EVERY_YEAR = 20  # up to this many years, every one is labelled on the x axis


def year_labels(first: int, last: int) -> dict[int, str]:
    """The x-axis label of each year: every year when there are few, else every n-th
    year (on round numbers) plus the first and the last, so labels never crowd."""
    span = last - first + 1
    step = 1
    for candidate in (1, 2, 5, 10, 20, 50, 100):
        step = candidate
        if span / candidate <= LABEL_EVERY_YEAR:
            break
    return {
        y: str(y) if step == 1 or y in (first, last) or y % step == 0 else ""
        for y in range(first, last + 1)
    }


def years(values: list[FacetValue], state: SearchState) -> list[dict]:
    """Documents per year, gaps filled with zero so the histogram's x axis is honest."""
    counts = {int(v.value): v.count for v in values if v.value.isdigit()}
    if not counts:
        return []
    peak = max(counts.values()) or 1
    labels = year_labels(min(counts), max(counts))
    out = []
    for y in range(min(counts), max(counts) + 1):
        n = counts.get(y, 0)
        out.append(
            {
                "year": y,
                "label": labels[y],
                "count": n,
                "pct": max(1, round(100 * n / peak)) if n else 0,
                "url": _search_url(state, year=[str(y)]),
            }
        )
    return out


@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    state = SearchState.from_params(request.GET)
    by = request.GET.get("by") if request.GET.get("by") in BY else "company"
    ctx: dict = {"state": state, "header_q": state.q, "by": by, "by_options": BY, "error": None}
    try:
        base = engine.facet_only(state, facet_size=ALL)
        councils = [c for c in base.facets.get("council", []) if c.count]
        cols = [c for c in base.facets.get(by, []) if c.count][:COLUMNS]
        table = matrix(state, by, councils[:ROWS], cols) if cols else []
    except engine.QueryError as exc:
        ctx["error"] = str(exc)
        return render(request, "site/insights.html", ctx, status=400)
    except engine.SearchUnavailable as exc:
        log.warning("insights: search unavailable: %s", exc)
        ctx["error"] = UNAVAILABLE
        return render(request, "site/insights.html", ctx, status=503)
    points, missing = map_points(councils, state)
    qs = state.query_string(page=False)

    def tab(value: str) -> str:
        params = [p for p in state.params(page=False)] + (
            [("by", value)] if value != "company" else []
        )
        return "?" + urlencode(params)

    ctx.update(
        total=base.total,
        chips=state.chips(),
        columns=[
            {"name": c.value, "count": c.count, "url": _search_url(state, **{by: [c.value]})}
            for c in cols
        ],
        rows=table,
        more_rows=max(0, len(councils) - ROWS),
        companies=bars(base.facets.get("company", []), state, "company"),
        systems=bars(base.facets.get("system", []), state, "system"),
        councils=bars(councils, state, "council", limit=60),
        years=years(base.facets.get("year", []), state),
        points=points,
        missing_coords=missing,
        tabs=[{"value": k, "label": v, "url": tab(k), "current": k == by} for k, v in BY.items()],
        search_url=reverse("search") + ("?" + qs if qs else ""),
        csv_url=reverse("insights_csv") + "?" + urlencode([*state.params(page=False), ("by", by)]),
    )
    return render(request, "site/insights.html", ctx)


# --- CSV of every authority x entity pair ---------------------------------------------

PAIRS_HEADER = ("public_body", "kind", "name", "documents", "search_url")


def pair_counts(hits: Iterable[Hit], by: str) -> Counter:
    """(public body, entity) -> documents naming both, over every hit."""
    key = {"company": "companies", "system": "systems"}[by]
    counts: Counter = Counter()
    for hit in hits:
        f = hit.fields or {}
        councils = f.get("councils") or []
        others = f.get(key) or []
        for c in councils:
            for o in others:
                counts[(c, o)] += 1
    return counts


def pair_rows(counts: Counter, by: str, state: SearchState, base_url: str) -> Iterator[list]:
    for (council, other), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        url = base_url + _search_url(state, council=[council], **{by: [other]})
        yield [council, by, other, n, url]


@require_GET
def insights_csv(request: HttpRequest) -> HttpResponse:
    """Every public body x company (or system) pair in the result set, with counts."""
    state = SearchState.from_params(request.GET)
    by = request.GET.get("by") if request.GET.get("by") in BY else "company"
    try:
        hits = engine.scan(state, snippets=0)
        counts = pair_counts(hits, by)
    except engine.QueryError as exc:
        return HttpResponse(
            f"This search cannot be exported: {exc}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    except engine.SearchUnavailable as exc:
        log.warning("insights CSV: search unavailable: %s", exc)
        return HttpResponse(
            UNAVAILABLE + "\n", status=503, content_type="text/plain; charset=utf-8"
        )
    base_url = request.build_absolute_uri("/").rstrip("/")
    bom = request.GET.get("bom", "1") != "0"
    response = StreamingHttpResponse(
        stream_csv(PAIRS_HEADER, pair_rows(counts, by, state, base_url), bom=bom),
        content_type="text/csv; charset=utf-8",
    )
    stamp = date.today().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="datascores-public-bodies-{by}-{stamp}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
