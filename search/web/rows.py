"""One search hit as one CSV row, and the first matching snippet for every hit."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse

from datascores.documents.models import Page
from search.backends.base import Hit
from search.snippets import PageMatches, page_score, select

from .export import join_values
from .highlight import HitMatcher, plain_snippet

CSV_HEADER = (
    "id",
    "title",
    "document_url",
    "source_urls",
    "source_type",
    "issuing_authority",
    "authorities_mentioned",
    "companies",
    "systems",
    "date",
    "foi_status",
    "whatdotheyknow_request_url",
    "pages",
    "first_matching_snippet",
)
SNIPPET_BATCH = 200

_WDTK = re.compile(r"^(https?://(?:www\.)?whatdotheyknow\.com/request/[^/?#]+)", re.IGNORECASE)


def request_url(urls: Iterable[str]) -> str:
    """The WhatDoTheyKnow request a document came from, if any of its URLs is one."""
    for u in urls or ():
        m = _WDTK.match(u or "")
        if m:
            return m.group(1)
    return ""


class DocumentPaths:
    """/documents/<id> for many ids: reverse() once, then substitute (reverse is slow)."""

    def __init__(self) -> None:
        probe = reverse("document", args=[987654321])
        self.head, _, self.tail = probe.partition("987654321")

    def __call__(self, doc_id: int) -> str:
        return f"{self.head}{doc_id}{self.tail}"


def csv_row(hit: Hit, base_url: str = "", paths: DocumentPaths | None = None) -> list[Any]:
    """The export columns for one hit (see CSV_HEADER)."""
    f = hit.fields or {}
    urls = f.get("urls") or []
    path = paths(hit.id) if paths else reverse("document", args=[hit.id])
    return [
        hit.id,
        hit.title,
        base_url + path,
        join_values(urls),
        f.get("source_type") or "",
        f.get("issuing_authority") or "",
        join_values(f.get("councils") or []),
        join_values(f.get("companies") or []),
        join_values(f.get("systems") or []),
        f.get("date") or "",
        f.get("foi_status") or "",
        request_url(urls),
        f.get("page_count") if f.get("page_count") is not None else "",
        plain_snippet(hit.snippets[0].html) if hit.snippets else "",
    ]


def with_first_snippet(hits: Iterable[Hit], q: str) -> Iterator[Hit]:
    """Give each hit its best snippet when the backend's scan did not.

    Pages are read from the database in batches of SNIPPET_BATCH documents, so memory
    stays flat; a query without words to find (filters only) costs nothing here.
    """
    matcher = HitMatcher.for_query(q) if q else None
    if matcher is None or matcher.empty:
        yield from hits
        return
    it = iter(hits)
    while chunk := list(itertools.islice(it, SNIPPET_BATCH)):
        need = [h.id for h in chunk if not h.snippets]
        if need:
            pages: dict[int, list[PageMatches]] = {}
            rows = (
                Page.objects.filter(document_id__in=need)
                .order_by("document_id", "number")
                .values_list("document_id", "number", "text")
            )
            for doc_id, number, text in rows.iterator(chunk_size=2000):
                spans = matcher.spans(text)
                if spans:
                    pages.setdefault(doc_id, []).append(
                        PageMatches(number, text, spans, page_score(text, spans))
                    )
            for h in chunk:
                if not h.snippets and h.id in pages:
                    h.snippets = select(pages[h.id], 1)
        yield from chunk
