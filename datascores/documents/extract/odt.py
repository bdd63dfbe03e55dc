"""OpenDocument text, spreadsheets and presentations, through odfpy."""

from __future__ import annotations

import io

import odf.load  # noqa: F401 - odfpy imports it inside load(): preload it here
from odf import dc, meta
from odf.opendocument import load

from .. import sniff
from ._common import Budget, paginate
from .base import Context, Extracted

TEXTNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLENS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_SKIP = {(TEXTNS, "tracked-changes"), (TEXTNS, "sequence-decls"), (TEXTNS, "variable-decls")}


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        document = load(io.BytesIO(data))
        blocks = list(_blocks(document.body, sheets=ctx.mime_type == sniff.ODS))
    except Exception as exc:  # odfpy surfaces zip and XML errors as assorted exceptions
        raise budget.corrupt(exc) from None
    paginate(blocks, budget)
    metadata = _meta(document)
    return budget.result(title=metadata.pop("title", ""), metadata=metadata)


def _blocks(element, sheets: bool = False):
    """Paragraphs and table rows in document order; a spreadsheet's tables (its sheets)
    each start with their name, as XLSX sheets do."""
    for child in element.childNodes:
        qname = getattr(child, "qname", None)
        if qname is None or qname in _SKIP:
            continue
        if sheets and qname == (TABLENS, "table"):
            yield f"Sheet: {child.getAttribute('name') or ''}".rstrip()
            yield from _blocks(child)
        elif qname in _PARAGRAPHS:
            yield _text(child)
        elif qname == (TABLENS, "table-row"):
            cells = [
                " ".join(_text(p) for p in _blocks_of(cell))
                for cell in child.childNodes
                if getattr(cell, "qname", None) == (TABLENS, "table-cell")
            ]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield "\t".join(cells)
        else:
            yield from _blocks(child, sheets)


def _blocks_of(cell):
    for child in cell.childNodes:
        if getattr(child, "qname", None) in _PARAGRAPHS:
            yield child


def _text(element) -> str:
    """Text of a paragraph: spaces, tabs and line breaks as ODF encodes them."""
    parts: list[str] = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        name = getattr(child, "qname", (None, None))[1]
        if name == "s":
            parts.append(" " * int(child.getAttribute("c") or 1))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name in ("note-citation",):
            continue
        else:
            parts.append(_text(child))
    return "".join(parts)


def _meta(document) -> dict:
    found: dict = {}
    for key, kind in (
        ("title", dc.Title),
        ("author", dc.Creator),
        ("modified", dc.Date),
        ("created", meta.CreationDate),
    ):
        nodes = document.meta.getElementsByType(kind)
        if nodes:
            value = " ".join(str(nodes[0]).split())[:500]
            if value:
                found[key] = value
    return found
