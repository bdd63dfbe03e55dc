"""What the document page shows, gathered from the database (the source of truth)."""

from __future__ import annotations

import math
from pathlib import PurePosixPath
from urllib.parse import urlencode

from django.db.models import Q
from django.db.models.fields.json import KT
from django.http import HttpRequest
from django.urls import reverse

from datascores.documents.models import Document, Source, SourceKind, SourceStatus
from datascores.entities.api import document_evidence, document_tags
from search.highlight import highlighter_for

from . import pages as page_pictures
from . import tables
from .forms import SearchState, clip_query
from .highlight import mark_spans
from .labels import file_type_label, foi_status_label, source_type_label
from .rows import request_url

PAGES_PER_VIEW = 50
RELATED_LIMIT = 30


def download_name(doc: Document) -> str:
    """A filename for the original: the first source's, else one made from the title."""
    for src in doc.sources.all():
        name = PurePosixPath((src.filename or "").replace("\\", "/")).name
        if name:
            return name
    stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in (doc.title or "document"))
    ext = f".{doc.file_type}" if doc.file_type else ""
    return (stem.strip()[:80] or f"document-{doc.pk}") + ext


def public_location(source: Source) -> str:
    """Where a source is, as the public may see it: the URL of a fetched file, the name
    inside its container for an archive member, and only the filename for anything
    read from this server's disk (its path says nothing useful and tells too much)."""
    if source.is_url or source.kind == SourceKind.MEMBER:
        return source.location
    return PurePosixPath((source.filename or source.location or "").replace("\\", "/")).name


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def tags_for(doc: Document) -> tuple[dict | None, list[dict]]:
    """(tags, evidence) from the entities layer."""
    return document_tags(doc), list(document_evidence(doc))


def foi_for(doc: Document) -> dict | None:
    """The WhatDoTheyKnow request behind a document, as far as we know it."""
    meta = doc.metadata or {}
    info = meta.get("foi") or meta.get("request") or {}
    if not isinstance(info, dict):
        info = {}
    urls = [s.location for s in doc.sources.all() if s.is_url]
    url = info.get("url") or info.get("request_url") or request_url(urls)
    if not url and not info:
        return None
    status = info.get("status") or info.get("described_state") or ""
    correspondence = info.get("correspondence") or info.get("events") or []
    if not isinstance(correspondence, list):
        correspondence = []
    return {
        "url": url if str(url).startswith(("http://", "https://")) else "",
        "title": info.get("title") or "",
        "status": status,
        "status_label": foi_status_label(str(status)),
        "authority": info.get("authority") or info.get("public_body") or "",
        "requester": info.get("requester") or info.get("user") or "",
        "created": info.get("created_at") or info.get("created") or "",
        "updated": info.get("updated_at") or info.get("updated") or "",
        "correspondence": [c for c in correspondence if isinstance(c, dict)][:50],
    }


def related_for(doc: Document, foi_url: str) -> list[dict]:
    """Documents from the same bundle (container, members, siblings) or the same request."""
    out: list[dict] = []
    seen = {doc.pk}

    def add(d: Document, relation: str) -> None:
        if d.pk not in seen and len(out) < RELATED_LIMIT:
            seen.add(d.pk)
            out.append({"doc": d, "relation": relation})

    fields = ("id", "title", "file_type", "page_count", "status", "parent_id")
    if doc.parent_id and doc.parent:
        add(doc.parent, "Contains this document")
        for d in Document.objects.filter(parent_id=doc.parent_id).only(*fields).order_by("id"):
            add(d, "From the same bundle")
    for d in doc.children.only(*fields).order_by("id")[:RELATED_LIMIT]:
        add(d, "Inside this document")
    containers = Source.objects.filter(document=doc, container__isnull=False).values_list(
        "container_id", flat=True
    )
    for d in Document.objects.filter(pk__in=list(containers)).only(*fields):
        add(d, "Contains this document")
    if foi_url:
        same = (
            Document.objects.filter(
                Q(sources__location__startswith=foi_url + "/")
                | Q(sources__location=foi_url)
                | Q(metadata__foi__url=foi_url)
            )
            .exclude(pk=doc.pk)
            .only(*fields)
            .distinct()
            .order_by("id")[:RELATED_LIMIT]
        )
        for d in same:
            add(d, "From the same FOI request")
    return out


class PageHits:
    """The query's hits in a document's pages, numbered through the document, and the
    parts (of PAGES_PER_VIEW pages) the page shows one at a time."""

    def __init__(self, pages: list, q: str) -> None:
        self.pages = pages
        # The engines' matching rules, and the counting the search results' "N matches" uses.
        self.matcher = highlighter_for(q) if q else None
        self.spans = {p.number: (self.matcher.hits(p.text) if self.matcher else []) for p in pages}
        self.first_hit: dict[int, int] = {}
        self.total = 0
        for p in pages:
            self.first_hit[p.number] = self.total + 1
            self.total += len(self.spans[p.number])
        self.parts = max(1, math.ceil(len(pages) / PAGES_PER_VIEW))
        self._index = {p.number: i for i, p in enumerate(pages)}

    def has_page(self, number: int) -> bool:
        return number in self._index

    def part_of_page(self, number: int) -> int:
        return self._index.get(number, 0) // PAGES_PER_VIEW + 1

    def page_of_hit(self, n: int) -> int | None:
        for p in self.pages:
            if self.first_hit[p.number] <= n < self.first_hit[p.number] + len(self.spans[p.number]):
                return p.number
        return None

    def part_to_show(self, hit: int, page: int, part: int) -> int:
        """The part holding the requested hit, else the requested page, else the requested
        part, else the first hit; the first part when nothing was asked for."""
        if hit:
            return self.part_of_page(self.page_of_hit(hit) or 1)
        if page and self.has_page(page):
            return self.part_of_page(page)
        if part:
            return min(part, self.parts)
        if self.total:
            return self.part_of_page(self.page_of_hit(1) or 1)
        return 1

    def shown(self, part: int) -> list:
        return self.pages[(part - 1) * PAGES_PER_VIEW : part * PAGES_PER_VIEW]

    def part_range(self, part: int) -> tuple[int, int]:
        """The first and last page numbers of a part."""
        first = self.pages[(part - 1) * PAGES_PER_VIEW].number
        last = self.pages[min(part * PAGES_PER_VIEW, len(self.pages)) - 1].number
        return first, last


def document_context(request: HttpRequest, doc: Document) -> dict:
    """Everything the document template needs, with the query's hits marked."""
    q = clip_query(request.GET.get("q"))
    state = SearchState.from_params(request.GET)
    pages = list(
        doc.pages.only("number", "text", "method", "ocr_confidence")
        .annotate(layout_w=KT("layout__w"), layout_h=KT("layout__h"))
        .order_by("number")
    )
    hits = PageHits(pages, q)
    view = _view_mode(request, doc)
    requested_hit = max(0, _int(request.GET.get("hit")))
    current = requested_hit if 0 < requested_hit <= hits.total else 0
    part = hits.part_to_show(
        current, max(0, _int(request.GET.get("p"))), max(0, _int(request.GET.get("part")))
    )

    # Links inside the page keep the search state (for highlighting and "back to results")
    # and the view chosen (text, pictures or both).
    keep = state.params() + ([("view", view["mode"])] if view["chosen"] else [])

    def url(**params) -> str:
        qs = urlencode(keep + [(k, v) for k, v in params.items() if v])
        return "?" + qs if qs else "?"

    def page_url(number: int) -> str:
        p = hits.part_of_page(number)
        return (url(part=p) if p != part else (url() if keep else "")) + f"#page-{number}"

    tags, evidence = tags_for(doc)
    foi = foi_for(doc)
    sources = list(doc.sources.select_related("container").all())
    back_qs = state.query_string()
    return {
        "doc": doc,
        "title": doc.title or f"Document {doc.pk}",
        "q": q,
        "header_q": q,
        "back_url": reverse("search") + ("?" + back_qs if back_qs else ""),
        "from_search": bool(back_qs),
        "canonical_url": request.build_absolute_uri(doc.get_absolute_url()),
        "download_url": reverse("document_original", args=[doc.pk]),
        "api_url": reverse("api_document", args=[doc.pk]),
        "download_name": download_name(doc),
        "source_label": source_type_label(doc.source_type),
        "file_type_label": file_type_label(doc.file_type),
        "sources": [_source_view(s) for s in sources],
        "tags": _tag_views(tags),
        "evidence": _evidence_views(evidence, page_url),
        "foi": foi,
        "related": related_for(doc, foi["url"] if foi else ""),
        "pages": _page_views(hits, part, current, doc, view),
        "view": _view_links(view, url, state),
        "tables": tables.preview(doc) if view["tables"] else None,
        "page_count": len(pages),
        "parts": _part_views(hits, part, url),
        "hitbar": _hitbar(hits, current, url, page_url) if q else None,
        "warnings": [w for w in (doc.metadata or {}).get("warnings", []) if isinstance(w, str)],
    }


VIEW_MODES = {"both": "Pages and text", "pages": "Pages", "text": "Text"}


def _view_mode(request: HttpRequest, doc: Document) -> dict:
    """Pictures of the pages beside the text (or one of them alone); tables for sheets."""
    chosen = request.GET.get("view", "")
    pictures = page_pictures.has_page_images(doc) and doc.page_count > 0
    mode = chosen if chosen in VIEW_MODES and pictures else ("both" if pictures else "text")
    return {
        "mode": mode,
        "chosen": chosen in VIEW_MODES and pictures,
        "pictures": pictures and mode != "text",
        "text": mode != "pages",
        "offered": pictures,
        "tables": tables.is_table(doc) and chosen != "text",
    }


def _view_links(view: dict, url, state: SearchState) -> dict:
    keep = state.params()

    def link(mode: str) -> str:
        return "?" + urlencode([*keep, ("view", mode)])

    return {
        **view,
        "choices": [
            {"mode": m, "label": label, "url": link(m), "current": m == view["mode"]}
            for m, label in VIEW_MODES.items()
        ]
        if view["offered"]
        else [],
    }


def _page_views(hits: PageHits, part: int, current: int, doc: Document, view: dict) -> list:
    shown = hits.shown(part)
    # Word boxes are read only for the pages with hits to mark (they can be large).
    with_hits = [p.number for p in shown if hits.spans[p.number]] if view["pictures"] else []
    layouts = dict(doc.pages.filter(number__in=with_hits).values_list("number", "layout"))
    title = doc.title or f"Document {doc.pk}"
    out = []
    for p in shown:
        picture = None
        if view["pictures"]:
            p.layout = layouts.get(p.number) or {"w": p.layout_w, "h": p.layout_h}
            picture = page_pictures.picture_view(doc, p, hits.matcher, title)
        out.append(
            {
                "number": p.number,
                "html": mark_spans(p.text, hits.spans[p.number], hits.first_hit[p.number], current),
                "empty": not p.text.strip(),
                "hits": len(hits.spans[p.number]),
                "method": p.method,
                "ocr_confidence": p.ocr_confidence,
                "picture": picture,
            }
        )
    return out


def _part_views(hits: PageHits, part: int, url) -> list[dict]:
    if hits.parts <= 1:
        return []
    out = []
    for i in range(1, hits.parts + 1):
        first, last = hits.part_range(i)
        out.append({"n": i, "first": first, "last": last, "url": url(part=i), "current": i == part})
    return out


def _hitbar(hits: PageHits, current: int, url, page_url) -> dict:
    """Next/previous hit links (they wrap round) and the pages that have hits."""
    total = hits.total

    def hit_url(n: int) -> str:
        return url(hit=n) + f"#hit-{n}"

    nxt = current + 1 if current < total else 1
    prv = current - 1 if current > 1 else total
    return {
        "total": total,
        "current": current,
        "next_url": hit_url(nxt) if total else None,
        "prev_url": hit_url(prv) if total else None,
        "pages_with_hits": [
            {"number": n, "hits": len(s), "url": page_url(n)} for n, s in hits.spans.items() if s
        ][:200],
        "searchable": hits.matcher is not None and not hits.matcher.empty,
    }


def _source_view(s: Source) -> dict:
    kinds = dict(SourceKind.choices)
    return {
        "kind": kinds.get(s.kind, s.kind),
        "location": public_location(s),
        "is_url": s.is_url,
        "gone": s.status == SourceStatus.GONE,
        "gone_since": s.gone_since,
        "filename": s.filename,
        "container": s.container,
        "fetched_at": s.fetched_at,
        "last_modified": s.last_modified,
    }


_TAG_PARAMS = {"authorities": "council", "companies": "company", "systems": "system"}


def _tag_views(tags: dict | None) -> dict | None:
    if not tags:
        return None

    def link(param: str, name: str) -> str:
        return reverse("search") + "?" + urlencode({param: name})

    issuing = tags.get("issuing_authority")
    out: dict = {
        "issuing_authority": {"name": issuing, "url": link("council", issuing)} if issuing else None
    }
    for key, param in _TAG_PARAMS.items():
        out[key] = [{"name": n, "url": link(param, n)} for n in tags.get(key) or [] if n]
    out["any"] = bool(issuing or out["authorities"] or out["companies"] or out["systems"])
    return out


_EVIDENCE_KINDS = {
    "authority": "Public body",
    "council": "Public body",
    "issuing_authority": "Issuing body",
    "company": "Company",
    "system": "System",
}


def _evidence_views(evidence: list[dict], page_url) -> list[dict]:
    """Evidence grouped by tag: [{kind, name, items: [{page, url, snippet}]}]."""
    groups: dict[tuple[str, str], dict] = {}
    for e in evidence:
        kind = str(e.get("kind") or "")
        name = str(e.get("name") or "")
        key = (kind, name)
        g = groups.setdefault(
            key, {"kind": _EVIDENCE_KINDS.get(kind, kind.capitalize()), "name": name, "items": []}
        )
        page = e.get("page")
        if len(g["items"]) < 5:
            g["items"].append(
                {
                    "page": page,
                    "url": page_url(page) if isinstance(page, int) else "",
                    "snippet": str(e.get("snippet") or ""),
                }
            )
    return list(groups.values())
