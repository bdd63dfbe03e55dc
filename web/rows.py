"""One search hit as one CSV row.

The backend's scan brings each hit's display fields and its first matching snippet,
so a row costs no database read; this runs once per exported row and is kept lean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from search.backends.base import Hit

from .highlight import plain_snippet

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
    "request_title",
    "availability",
    "pages",
    "first_matching_snippet",
)
_WDTK = re.compile(r"https?://(?:www\.)?whatdotheyknow\.com/request/[^/?#]+", re.IGNORECASE)


def request_url(urls: Iterable[str]) -> str:
    """The WhatDoTheyKnow request a document came from, if any of its URLs is one."""
    for u in urls or ():
        m = _WDTK.match(u or "")
        if m:
            return m.group()
    return ""


class DocumentPaths:
    """/documents/<id> for many ids: reverse() once, then substitute (reverse is slow)."""

    def __init__(self) -> None:
        probe = reverse("document", args=[987654321])
        self.head, _, self.tail = probe.partition("987654321")

    def __call__(self, doc_id: int) -> str:
        return f"{self.head}{doc_id}{self.tail}"


def csv_row(hit: Hit, base_url: str = "", paths: DocumentPaths | None = None) -> list[Any]:
    """The export columns for one hit (see CSV_HEADER).

    Lists come from the index already stripped and de-duplicated (IndexDoc does it), so
    they are joined as they are; numbers are written as text, as csv would write them.
    """
    f = hit.fields or {}
    urls = f.get("urls") or ()
    path = paths(hit.id) if paths else reverse("document", args=[hit.id])
    page_count = f.get("page_count")
    return [
        str(hit.id),
        hit.title,
        base_url + path,
        "; ".join(urls),
        f.get("source_type") or "",
        f.get("issuing_authority") or "",
        "; ".join(f.get("councils") or ()),
        "; ".join(f.get("companies") or ()),
        "; ".join(f.get("systems") or ()),
        f.get("date") or "",
        f.get("foi_status") or "",
        f.get("request_url") or request_url(urls),
        f.get("request_title") or "",
        f.get("availability") or "",
        "" if page_count is None else str(page_count),
        plain_snippet(hit.snippets[0].html) if hit.snippets else "",
    ]
