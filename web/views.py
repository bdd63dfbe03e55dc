"""The public pages: landing, search, CSV export, document, original download, about."""

from __future__ import annotations

import functools
import itertools
import logging
import re
from datetime import date
from urllib.parse import quote, urlencode

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from datascores.documents.models import Document, Status
from search.backends.base import FACET_BY_PARAM, GONE, LRU, SORTS
from search.backends.suggest import NAME_FACETS

from . import engine
from .documents import document_context
from .export import stream_csv
from .forms import SearchState
from .labels import BADGE_CLASSES, facet_label, foi_status_label, source_type_label
from .rows import CSV_HEADER, DocumentPaths, csv_row
from .versions import versions_context

log = logging.getLogger(__name__)

EXAMPLES = [
    "experian mosaic",
    '"predictive analytics" AND council',
    "xantura -covid",
    "risk scor*",
    '"troubled families"~3',
    "title:contract",
]


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: a search box, what the collection holds, and ways in."""
    ctx: dict = {"examples": EXAMPLES, "stats": None, "recent": []}
    try:
        result = engine.search(SearchState(), size=6, snippets=0, facet_size=1000)
    except engine.SearchUnavailable as exc:  # the page still offers the search box
        log.warning("landing page: search unavailable: %s", exc)
        result = None
    if result is not None:
        facets = result.facets
        ctx["stats"] = [
            (result.total, "documents"),
            (len(facets.get("council", [])), "public bodies"),
            (len(facets.get("company", [])), "companies"),
            (len(facets.get("system", [])), "systems"),
        ]
        ctx["recent"] = [_hit_view(h, SearchState()) for h in result.hits]
        ctx["top_companies"] = facets.get("company", [])[:8]
        ctx["top_systems"] = facets.get("system", [])[:8]
        ctx["top_councils"] = facets.get("council", [])[:8]
    return render(request, "site/home.html", ctx)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Faceted search; every bit of state is in the URL."""
    state = SearchState.from_params(request.GET)
    ctx: dict = {"state": state, "header_q": state.q, "sorts": SORTS, "error": None}
    status = 200
    try:
        result = engine.search(state)
    except engine.QueryError as exc:
        ctx["error"] = str(exc)
        status = _query_status(exc)
        result = None
    except engine.SearchUnavailable as exc:
        log.warning("search unavailable for %r: %s", state.query_string(), exc)
        ctx["unavailable"] = True
        status = 503
        result = None
    if result is not None:
        pager = engine.Pager(state.page, state.size, result.total)
        hits, facets_html = _rendered(result, state, tuple(request.GET.getlist("expand")))
        ctx.update(
            result=result,
            hits=hits,
            facets_html=facets_html,
            pager=pager,
            page_links=_page_links(state, pager),
            first_index=pager.first_index,
            last_index=pager.last_index(len(result.hits)),
            notes=list(getattr(state, "notes", ())) + list(result.notes),
            out_of_range=state.page > 1 and not result.hits,
            suggestion_url=(
                "?" + state.with_(q=result.suggestion).query_string() if result.suggestion else None
            ),
        )
    ctx["chips"] = state.chips()
    ctx["active_filters"] = sum(1 for c in ctx["chips"] if c["kind"] != "Query")
    ctx["clear_url"] = "?" + state.cleared().query_string() if state.has_filters else None
    qs = state.query_string(page=False)
    ctx["csv_url"] = reverse("search_csv") + ("?" + qs if qs else "")
    ctx["api_url"] = reverse("api_search") + ("?" + qs if qs else "")
    ctx["insights_url"] = reverse("insights") + ("?" + qs if qs else "")
    return render(request, "site/search.html", ctx, status=status)


_RENDERED = LRU(engine.RESULT_CACHE_SIZE)


def _rendered(result, state: SearchState, expand: tuple[str, ...]) -> tuple[list[dict], SafeString]:
    """The hits' and the facets' HTML; kept with the answer they are made from when the
    engine keeps it (the same search again renders nothing)."""
    key = (result.cache_key, state.query_string(), expand) if result.cache_key else None
    found = _RENDERED.get(key) if key is not None else None
    if found is None:
        link_qs = urlencode(state.params())
        hits = [{"html": render_hit(_hit_view(h, state, link_qs))} for h in result.hits]
        found = (hits, render_facets(_facet_views(result, state, expand)))
        if key is not None:
            _RENDERED.put(key, found)
    return found


def _query_status(exc: Exception) -> int:
    """400 for a query that cannot be run; 429 when too many expensive queries are
    running; 503 when the request ran out of time."""
    if isinstance(exc, engine.SearchBusy):
        return 429
    if isinstance(exc, engine.SearchCut):
        return 503
    return 400


def _hit_view(hit, state: SearchState, qs: str | None = None) -> dict:
    """What one result shows: everything is plain data; snippets are re-sanitised.
    ``qs`` is the state's query string (worked out once for a page of hits)."""
    from .highlight import safe_snippet

    f = hit.fields or {}
    # The document link carries the search state, so the document page can mark the
    # query's hits and offer "back to results"; its canonical URL stays /documents/<id>.
    doc_url = _document_url(hit.id)
    if qs is None:
        qs = urlencode(state.params())
    page_qs = doc_url + "?" + (qs + "&" if qs else "") + "p="
    src = f.get("source_type") or ""
    status = f.get("foi_status") or ""
    return {
        "id": hit.id,
        "title": hit.title or f"Document {hit.id}",
        "url": doc_url + ("?" + qs if qs else ""),
        "source_type": src,
        "source_label": source_type_label(src),
        "badge": BADGE_CLASSES.get(src, ""),
        "issuing_authority": f.get("issuing_authority") or "",
        "date": _date(f.get("date")),
        "foi_status": status,
        "foi_status_label": foi_status_label(status),
        "request_title": f.get("request_title") or "",
        "request_url": _http_url(f.get("request_url")),
        "gone": f.get("availability") == GONE,
        "file_type": (f.get("file_type") or "").upper(),
        "page_count": f.get("page_count"),
        "companies": f.get("companies") or [],
        "systems": f.get("systems") or [],
        "councils": f.get("councils") or [],
        "snippets": [
            {
                "page": s.page,
                "html": safe_snippet(s.html),
                "url": f"{page_qs}{s.page}#page-{s.page}",
            }
            for s in hit.snippets
        ],
        "matched_pages": hit.matched_pages,
        # Counted by the backend as the document page counts its hits.
        "matches": hit.matches or 0,
        "matches_truncated": hit.matches_capped,
        "score": hit.score,
    }


def render_hit(hit: dict) -> SafeString:
    """One result's HTML, as the template used to render it: every value escaped, the
    snippets already sanitised. Rendering twenty hits through the template language
    was most of a search page's server time."""
    e = _esc
    out = [
        f'<li class="result">\n<h3><a href="{e(hit["url"])}">{e(hit["title"])}</a></h3>',
        '<ul class="meta">' + "".join(f"<li>{m}</li>" for m in _hit_meta(hit)) + "</ul>",
    ]
    if hit["request_title"]:
        title = e(hit["request_title"])
        if hit["request_url"]:
            title = f'<a href="{e(hit["request_url"])}" rel="noopener noreferrer">{title}</a>'
        out.append(f'<p class="request">From request: {title}</p>')
    if hit["snippets"]:
        items = "".join(
            f'<li><a class="page" href="{e(s["url"])}">p. {s["page"]}</a> {e(s["html"])}</li>'
            for s in hit["snippets"]
        )
        out.append(f'<ul class="snippets">{items}</ul>')
    out.append(_hit_matches(hit))
    if hit["companies"] or hit["systems"]:
        tags = [
            f'<li><span class="tag tag--company">{e(c)}</span></li>' for c in hit["companies"][:6]
        ]
        tags += [
            f'<li><span class="tag tag--system">{e(s)}</span></li>' for s in hit["systems"][:6]
        ]
        out.append('<ul class="tags" aria-label="Tags">' + "".join(tags) + "</ul>")
    out.append("</li>")
    return mark_safe("\n".join(o for o in out if o))  # noqa: S308 - every value is escaped


def _hit_meta(hit: dict) -> list[str]:
    """The result's meta line items (escaped HTML)."""
    e = _esc
    meta = []
    if hit["source_label"]:
        meta.append(f'<span class="badge {e(hit["badge"])}">{e(hit["source_label"])}</span>')
    if hit["issuing_authority"]:
        meta.append(f'<span class="visually-hidden">Issued by </span>{e(hit["issuing_authority"])}')
    if hit["date"]:
        d = hit["date"]
        meta.append(f'<time datetime="{d.isoformat()}">{d.day} {d.strftime("%b %Y")}</time>')
    if hit["foi_status"]:
        meta.append(f"FOI: {e(hit['foi_status_label'])}")
    if hit["gone"]:
        meta.append('<span class="badge badge--warn">Gone from the web</span>')
    if hit["file_type"]:
        pages = hit["page_count"]
        count = f", {pages} page{'s' if pages != 1 else ''}" if pages else ""
        meta.append(f"{e(hit['file_type'])}{count}")
    return meta


def _hit_matches(hit: dict) -> str:
    """ "12 matches in this document, on 3 pages" (or "" when not counted)."""
    pages = hit["matched_pages"]
    on_pages = f"{pages} page{'s' if pages != 1 else ''}" if pages else ""
    if hit["matches"]:
        n = hit["matches"]
        plus = "+" if hit["matches_truncated"] else ""
        where = f", on {on_pages}" if pages else ""
        noun = "matches" if n != 1 else "match"
        return f'<p class="matches">{n:,}{plus} {noun} in this document{where}</p>'
    if pages:
        return f'<p class="matches">Matches on {on_pages} in this document</p>'
    return ""


def _esc(value) -> str:
    return str(conditional_escape(value))


def _document_url(pk: int) -> str:
    """reverse("document", args=[pk]), resolved once (it ran for every hit and snippet)."""
    global _DOCUMENT_URL
    if _DOCUMENT_URL is None:
        _DOCUMENT_URL = reverse("document", args=[987654321]).replace("987654321", "{}")
    return _DOCUMENT_URL.format(pk)


_DOCUMENT_URL: str | None = None


def _http_url(value) -> str:
    """A link target only if it is a web address (never javascript: or the like)."""
    value = str(value or "")
    return value if value.startswith(("https://", "http://")) else ""


def _date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _facet_views(result, state: SearchState, expand: tuple[str, ...] = ()) -> list[dict]:
    out = []
    for name, facet in FACET_BY_PARAM.items():
        values = result.facets.get(facet.name, [])
        if name == "year":
            values = sorted(values, key=lambda v: v.value, reverse=True)
        items = []
        for v in values:
            selected = state.selected(name, v.value)
            items.append(
                {
                    "value": v.value,
                    "label": facet_label(facet.name, v.value),
                    "count": f"{v.count:,}",
                    "zero": not v.count,
                    "selected": selected,
                }
            )
        # Selected values first, then the rest in the backend's order.
        items.sort(key=lambda i: not i["selected"])
        shown = 8
        n_selected = sum(i["selected"] for i in items)
        cut = max(shown, n_selected)
        # Values past the first few are rendered only when asked for (a link), so a
        # page renders what it shows.
        expanded = name in expand
        qs = state.query_string()
        out.append(
            {
                "name": name,
                "label": facet.label,
                "items": items[:cut],
                "more": items[cut:] if expanded else [],
                "more_count": len(items) - cut,
                "more_url": None
                if expanded or len(items) <= cut
                else f"?{qs}{'&' if qs else ''}expand={name}#facet-{name}",
                "active": n_selected,
            }
        )
    return out


def render_facets(facets: list[dict]) -> SafeString:
    """The filter sidebar's facets as HTML (every value escaped): rendered through the
    template language they were most of the page's rendering time."""
    out = []
    for facet in facets:
        if not facet["items"]:
            continue
        name = _esc(facet["name"])
        items = "".join(_facet_item(facet["name"], i, zero_class=True) for i in facet["items"])
        more = ""
        if facet["more_url"]:
            more = (
                f'<p class="facet__more"><a href="{_esc(facet["more_url"])}">'
                f"{facet['more_count']} more</a></p>"
            )
        elif facet["more"]:
            rest = "".join(_facet_item(facet["name"], i, zero_class=False) for i in facet["more"])
            more = (
                f'<details class="facet__more" open><summary>{len(facet["more"])} more</summary>'
                f"<ul>{rest}</ul></details>"
            )
        out.append(
            f'<fieldset class="facet" id="facet-{name}"><legend>{_esc(facet["label"])}</legend>'
            f"<ul>{items}</ul>{more}</fieldset>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value is escaped


def _facet_item(facet: str, item: dict, *, zero_class: bool) -> str:
    """One facet value: its checkbox, label and count, and a link to its register page."""
    e = _esc
    checked = " checked" if item["selected"] else ""
    zero = " zero" if zero_class and item["zero"] else ""
    link = ""
    if facet in NAME_FACETS:  # each value has a register page
        link = (
            f' <a class="tag-page" href="{_entity_lookup_url()}?type={e(facet)}&amp;name='
            f'{e(quote(item["value"], safe="/"))}" aria-label="About {e(item["label"])}"></a>'
        )
    return (
        f'<li><label><input type="checkbox" name="{e(facet)}" value="{e(item["value"])}"'
        f'{checked}>\n<span class="facet__name">{e(item["label"])}</span>\n'
        f'<span class="count{zero}">{e(item["count"])}</span></label>{link}</li>'
    )


@functools.cache
def _entity_lookup_url() -> str:
    return reverse("entity_lookup")


def _page_links(state: SearchState, pager) -> dict:
    def url(n: int) -> str:
        return "?" + state.with_(page=n).query_string()

    return {
        "prev": url(pager.page - 1) if pager.has_prev else None,
        "next": url(pager.page + 1) if pager.has_next else None,
        "numbers": [(n, url(n) if n else None) for n in pager.numbers],
    }


# --- CSV ------------------------------------------------------------------------------------


@require_safe
def search_csv(request: HttpRequest) -> HttpResponse:
    """The whole result set as CSV, streamed: memory does not grow with the row count."""
    state = SearchState.from_params(request.GET)
    try:
        hits = iter(engine.scan(state, ordered=True))
        # Start the scan now, so a failure is an error status rather than a cut-off file.
        first = next(hits, None)
        hits = itertools.chain([first] if first is not None else [], hits)
    except engine.QueryError as exc:
        return HttpResponse(
            f"This search cannot be exported: {exc}\n",
            status=_query_status(exc),
            content_type="text/plain; charset=utf-8",
        )
    except engine.SearchUnavailable as exc:
        log.warning("search unavailable for a CSV export: %s", exc)
        return HttpResponse(
            "The search index is unavailable right now; please try again later.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    base = request.build_absolute_uri("/").rstrip("/")
    paths = DocumentPaths()
    rows = _rows_until_cut((csv_row(hit, base, paths) for hit in hits), len(CSV_HEADER))
    bom = request.GET.get("bom", "1") != "0"
    response = StreamingHttpResponse(
        stream_csv(CSV_HEADER, rows, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(state)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _rows_until_cut(rows, width: int):
    """The rows; if the export runs out of time, a last row saying where it stopped."""
    n = 0
    try:
        for row in rows:
            yield row
            n += 1
    except engine.SearchCut as exc:
        yield [f"Export cut after {n:,} rows: {exc}"] + [""] * (width - 1)


def export_filename(state: SearchState, today: date | None = None) -> str:
    """``datascores-experian-mosaic-2026-12-04.csv``: what was searched, and when."""
    parts = [state.q, *(v for values in state.filters.values() for v in values)]
    slug = "-".join(w.lower() for w in _SLUG_WORDS.findall(" ".join(parts)))[:80].strip("-")
    stamp = (today or date.today()).isoformat()
    return f"datascores-{slug or 'everything'}-{stamp}.csv"


_SLUG_WORDS = re.compile(r"[A-Za-z0-9]+")


# --- documents ------------------------------------------------------------------------------


@require_safe
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """One document: metadata, sources, tags with evidence, and its text page by page."""
    doc = get_object_or_404(
        Document.objects.select_related("blob", "parent"), pk=pk, status__in=_PUBLIC
    )
    ctx = document_context(request, doc)
    ctx.update(versions_context(request, doc))
    return render(request, "site/document.html", ctx)


_PUBLIC = (Status.DONE, Status.FAILED)


@require_safe
def original(request: HttpRequest, pk: int) -> FileResponse:
    """The original file, as received; never rendered inline (it may hold active content)."""
    doc = get_object_or_404(Document.objects.select_related("blob"), pk=pk, status__in=_PUBLIC)
    from .documents import download_name

    try:
        fh = doc.blob.file.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404("The original file is not available.") from exc
    response = FileResponse(
        fh,
        as_attachment=True,
        filename=download_name(doc),
        content_type=doc.blob.mime_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- static pages ---------------------------------------------------------------------------


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "site/about.html")


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "site/help.html")
