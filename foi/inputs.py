"""Request references from what people have: a list of links, or a spreadsheet of them.

The 2018 researchers kept a spreadsheet with a column of WhatDoTheyKnow request links;
any cell holding a request link counts, wherever its column is. A plain list (one id,
url_title or link a line) works too.
"""

from __future__ import annotations

import csv
import io
import re

_LINK = re.compile(r"(?:https?://[^\s,;\"']+)?/request/[^\s,;\"'<>]+")
_BARE = re.compile(r"^(\d+|[a-z0-9][a-z0-9_-]*[a-z0-9_])$", re.I)
_HEADER_WORDS = {"url", "link", "links", "request", "requests", "id", "ids", "wdtk", "foi"}


def refs_from_text(text: str) -> tuple[list[str], list[str]]:
    """(references in order without repeats, rows after the first that held none)."""
    refs: list[str] = []
    skipped: list[str] = []
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for n, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        cells = [c.strip() for c in row if c and c.strip()]
        if not cells:
            continue
        found = [link for cell in cells for link in _LINK.findall(cell)]
        bare = len(cells) == 1 and _BARE.match(cells[0])
        if not found and bare and cells[0].lower() not in _HEADER_WORDS:
            found = [cells[0]]
        if not found:
            if n:  # the first row may be a header
                skipped.append(", ".join(cells)[:200])
            continue
        for ref in found:
            if ref not in refs:
                refs.append(ref)
    return refs, skipped


def decode_upload(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
