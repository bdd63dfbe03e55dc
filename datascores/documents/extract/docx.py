"""DOCX (and DOCM/DOTX): paragraphs, tables, text boxes, headers and footers, footnotes.

Read straight from the package's XML with lxml rather than through python-docx, which
skips text boxes and content controls and refuses macro-enabled documents; FOI letters
use all three.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator

from lxml import etree

from ._common import Budget, first_line_title, paginate, plausible_title, read_member
from .base import Context, Extracted, ExtractionError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_KINDS = ("header", "footer", "footnotes", "endnotes")
# Untrusted XML: no entity expansion, no network, no DTD loading.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, recover=False
)


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise budget.corrupt(exc) from None
    with zf:
        try:
            return _extract(zf, ctx, budget)
        except ExtractionError:
            raise
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as exc:
            raise budget.corrupt(exc) from None


def _extract(zf: zipfile.ZipFile, ctx: Context, budget: Budget) -> Extracted:
    limit = ctx.zip_max_total_bytes
    main = main_part(zf, default="word/document.xml")
    related = _related_parts(zf, main, limit)
    body = etree.fromstring(read_member(zf, main, limit), PARSER)
    blocks: list[str] = []
    headers = _unique_texts(zf, related.get("header", []), limit)
    footers = _unique_texts(zf, related.get("footer", []), limit)
    notes = _unique_texts(zf, related.get("footnotes", []) + related.get("endnotes", []), limit)
    blocks.extend(headers)
    content = body.find(f"{W}body")
    blocks.extend(block_texts(content if content is not None else body))
    blocks.extend(notes)
    blocks.extend(footers)
    paginate(blocks, budget)
    props = core_properties(zf, limit)
    title = props.pop("title", "")
    if not plausible_title(title):
        # Not the dispatcher's fallback: the first page starts with the letterhead.
        body_text = "\n".join(b for b in blocks[len(headers) :] if b.strip())
        title = first_line_title(body_text)
    return budget.result(title=title, metadata=props)


RELS_LIMIT = 1024 * 1024


def main_part(zf: zipfile.ZipFile, default: str) -> str:
    """The package's main part, as named by its root relationships."""
    try:
        # Relationship parts are tiny; a bomb hidden here is refused like any other.
        root = etree.fromstring(read_member(zf, "_rels/.rels", RELS_LIMIT), PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return default
    for rel in root.iter(REL):
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
            return rel.get("Target", default).lstrip("/")
    return default


def _related_parts(zf: zipfile.ZipFile, main: str, limit: int) -> dict[str, list[str]]:
    folder, name = posixpath.split(main)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, list[str]] = {}
    try:
        root = etree.fromstring(read_member(zf, rels_name, limit), PARSER)
    except KeyError:
        return found
    names = set(zf.namelist())
    for rel in root.iter(REL):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in _KINDS and rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            if target in names and target not in found.get(kind, []):
                found.setdefault(kind, []).append(target)
    for kind in found:
        found[kind].sort(key=_natural)
    return found


def _natural(name: str) -> tuple[int, str]:
    digits = "".join(c for c in name if c.isdigit())
    return (int(digits) if digits else 0, name)


def _unique_texts(zf: zipfile.ZipFile, names: list[str], limit: int) -> list[str]:
    """Header/footer texts, each once: every section tends to repeat the same footer."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        root = etree.fromstring(read_member(zf, name, limit), PARSER)
        text = "\n".join(t for t in block_texts(root) if t.strip())
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def block_texts(element) -> Iterator[str]:
    """Paragraphs and table rows under element, in document order."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{W}p":
            yield paragraph_text(child)
        elif tag == f"{W}tbl":
            for row in child.iterchildren(f"{W}tr"):
                cells = []
                for cell in row.iterchildren(f"{W}tc"):
                    cells.append(" ".join(t for t in block_texts(cell) if t.strip()))
                if any(cells):
                    yield "\t".join(cells)
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag") or (
            isinstance(tag, str) and tag != MC_FALLBACK and not tag.endswith("}sectPr")
        ):
            yield from block_texts(child)


def paragraph_text(p) -> str:
    """The text of one paragraph, with text boxes inside it on lines of their own."""
    parts: list[str] = []
    boxes: list[str] = []
    _collect(p, parts, boxes)
    text = "".join(parts)
    return "\n".join([text, *boxes]) if boxes else text


def _collect(element, parts: list[str], boxes: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag == MC_FALLBACK:
            continue  # comments, and the legacy copy of a drawing next to its modern one
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag in (f"{W}tab", f"{W}ptab"):
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}txbxContent":
            boxes.extend(t for t in block_texts(child) if t.strip())
        elif tag in (f"{W}delText", f"{W}instrText", f"{W}rPr", f"{W}pPr"):
            continue  # deleted text, field codes, formatting
        else:
            _collect(child, parts, boxes)


_CORE = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}creator": "author",
    "{http://purl.org/dc/elements/1.1/}subject": "subject",
    "{http://purl.org/dc/elements/1.1/}description": "description",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords": "keywords",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy": (
        "last_modified_by"
    ),
    "{http://purl.org/dc/terms/}created": "created",
    "{http://purl.org/dc/terms/}modified": "modified",
}


def core_properties(zf: zipfile.ZipFile, limit: int) -> dict:
    """Title, author and dates from docProps/core.xml (dates stay ISO 8601 strings)."""
    try:
        root = etree.fromstring(read_member(zf, "docProps/core.xml", min(limit, 1 << 20)), PARSER)
    except (KeyError, etree.XMLSyntaxError, ExtractionError):
        return {}
    props: dict = {}
    for child in root.iterchildren():
        key = _CORE.get(child.tag)
        value = " ".join((child.text or "").split())[:500]
        if key and value:
            props[key] = value
    return props
