"""Batch search: many terms or queries at once, with document counts (as in Datashare)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import engine
from .export import stream_csv
from .forms import MAX_BATCH_UPLOAD, BatchForm, SearchState

log = logging.getLogger(__name__)

SPLIT_COLUMNS_HTML = 10
# Room for the form's other fields and the multipart boundaries around the file.
MAX_BATCH_FORM_OVERHEAD = 64 * 1024
SPLIT_COLUMNS_CSV = 500


def _search_url(q: str, council: str | None = None) -> str:
    params = [("q", q)]
    if council:
        params.append(("council", council))
    return reverse("search") + "?" + urlencode(params)


def run_batch(lines: list[str], *, split: bool) -> list[dict]:
    """Count the documents matching each line; with split, per public body too."""
    rows = []
    for line in lines:
        row: dict = {
            "query": line,
            "url": _search_url(line),
            "total": None,
            "error": "",
            "councils": {},
        }
        try:
            state = SearchState(q=line)
            if split:
                res = engine.facet_only(state, facet_size=SPLIT_COLUMNS_CSV)
                row["councils"] = {v.value: v.count for v in res.facets.get("council", [])}
                row["total"] = res.total
            else:
                row["total"] = engine.count(state)
        except engine.QueryError as exc:
            row["error"] = str(exc)
        except engine.SearchUnavailable as exc:
            log.warning("batch: search unavailable: %s", exc)
            row["error"] = "The search index is unavailable right now."
        rows.append(row)
    return rows


def split_columns(rows: list[dict], limit: int) -> list[str]:
    """The public bodies with most documents across all lines, most first."""
    totals: Counter = Counter()
    for r in rows:
        totals.update(r["councils"])
    return [name for name, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit] if n]


def csv_rows(rows: list[dict], columns: list[str], base_url: str):
    for r in rows:
        out = [
            r["query"],
            "" if r["total"] is None else r["total"],
            base_url + r["url"],
            r["error"],
        ]
        out.extend(r["councils"].get(c, 0) if r["total"] is not None else "" for c in columns)
        yield out


@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest) -> HttpResponse:
    """Paste or upload terms (POST, CSRF-protected), or share a batch as a GET URL."""
    if request.method == "POST":
        # Refuse an oversized body before Django spools the upload to disk.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > MAX_BATCH_UPLOAD + MAX_BATCH_FORM_OVERHEAD:
            return HttpResponse(
                f"That upload is too large: a batch is at most {MAX_BATCH_UPLOAD // 1024} KB "
                "of terms.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        form = BatchForm(request.POST, request.FILES)
    elif request.GET.get("terms"):
        form = BatchForm(request.GET)
    else:
        form = BatchForm()
    ctx: dict = {"form": form, "rows": None}
    if form.is_bound and form.is_valid():
        split = form.cleaned_data["split"]
        rows = run_batch(form.cleaned_data["lines"], split=split)
        wants_csv = (request.POST.get("format") or request.GET.get("format")) == "csv"
        if wants_csv:
            columns = split_columns(rows, SPLIT_COLUMNS_CSV) if split else []
            header = ["query", "documents", "search_url", "error", *columns]
            base_url = request.build_absolute_uri("/").rstrip("/")
            response = StreamingHttpResponse(
                stream_csv(header, csv_rows(rows, columns, base_url), bom=True),
                content_type="text/csv; charset=utf-8",
            )
            stamp = date.today().strftime("%Y%m%d")
            response["Content-Disposition"] = f'attachment; filename="datascores-batch-{stamp}.csv"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
        columns = split_columns(rows, SPLIT_COLUMNS_HTML) if split else []
        for r in rows:
            r["cells"] = [
                {"count": r["councils"].get(c, 0), "url": _search_url(r["query"], c)}
                for c in columns
            ]
        ctx.update(
            rows=rows,
            columns=columns,
            split=split,
            share_url=reverse("batch")
            + "?"
            + urlencode(
                [("terms", "\n".join(form.cleaned_data["lines"]))]
                + ([("split", "on")] if split else [])
            ),
            errors=sum(1 for r in rows if r["error"]),
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "site/batch.html", ctx, status=status)
