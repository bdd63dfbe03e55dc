"""Text extraction: ``extract(data, ctx)`` picks the module for the sniffed MIME type.

Each format module turns bytes into pages of text (and members, for containers) or
raises ExtractionError with a FailureCode and a sentence a person can read. OCR is a
separate stage (ocr.py) for the pages flagged needs_ocr.
"""

from __future__ import annotations

import importlib
import logging

from .. import sniff
from ..isolation import is_out_of_memory
from .base import Context, Extracted, ExtractionError, FailureCode, Member, PageText

log = logging.getLogger(__name__)

_MODULES = {
    sniff.PDF: "pdf",
    sniff.DOCX: "docx",
    "application/vnd.ms-word.document.macroenabled.12": "docx",
    sniff.XLSX: "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": "xlsx",
    sniff.PPTX: "pptx",
    sniff.DOC: "doc",
    sniff.RTF: "rtf",
    "text/rtf": "rtf",
    sniff.ODT: "odt",
    sniff.ODS: "odt",
    sniff.ODP: "odt",
    sniff.HTML: "html",
    "application/xhtml+xml": "html",
    sniff.TEXT: "text",
    sniff.CSV: "text",
    sniff.EML: "mail",
    sniff.MSG: "mail",
    sniff.ZIP: "archive",
    "image/png": "image",
    "image/jpeg": "image",
    "image/tiff": "image",
    "image/gif": "image",
    "image/bmp": "image",
    "image/webp": "image",
}
SUPPORTED_MIME_TYPES = frozenset(_MODULES)

_KIND = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
    "doc": "Word (.doc)",
    "rtf": "RTF",
    "odt": "OpenDocument",
    "html": "HTML",
    "text": "text",
    "mail": "e-mail",
    "archive": "ZIP",
    "image": "image",
}

_UNSUPPORTED = {
    sniff.XLS: "This is a legacy Excel workbook (.xls, Excel 97-2003), which cannot be read yet; "
    "saving it as .xlsx would make it readable.",
    sniff.PPT: "This is a legacy PowerPoint presentation (.ppt, PowerPoint 97-2003), which cannot "
    "be read; saving it as .pptx or PDF would make it readable.",
    sniff.OLE: "This is an OLE compound file that is not a Word, Excel, PowerPoint or Outlook "
    "document, so it cannot be read.",
    sniff.OCTET: "The type of this file could not be recognised from its contents (it is not a "
    "PDF, an Office or OpenDocument file, an image, an e-mail, a ZIP archive, HTML or text).",
}


def extract(data: bytes, ctx: Context) -> Extracted:
    """Pages of text (and members) from a file's bytes, or ExtractionError."""
    if not data:
        raise ExtractionError(FailureCode.EMPTY, "The file is empty (0 bytes).")
    mime = (ctx.mime_type or sniff.sniff_mime(data, ctx.filename)).split(";")[0].strip().lower()
    ctx.mime_type = mime
    if mime == sniff.ENCRYPTED_OFFICE:
        raise ExtractionError(
            FailureCode.ENCRYPTED,
            "This Office document is protected by a password, so it cannot be read.",
        )
    name = _MODULES.get(mime)
    if name is None:
        reason = _UNSUPPORTED.get(mime) or f"Files of type {mime} cannot be read."
        raise ExtractionError(FailureCode.UNSUPPORTED, reason)
    module = importlib.import_module(f".{name}", __name__)
    try:
        result: Extracted = module.extract(data, ctx)
    except (ExtractionError, MemoryError):
        raise
    except RecursionError:
        raise ExtractionError(
            FailureCode.CORRUPT,
            f"This {_KIND[name]} file is nested too deeply to be read "
            "(a malformed or hostile file).",
        ) from None
    except Exception as exc:
        if is_out_of_memory(exc):
            raise MemoryError(str(exc)) from exc
        log.exception("Unexpected error extracting %r (%s)", ctx.filename, mime)
        raise ExtractionError(
            FailureCode.ERROR,
            f"Reading this {_KIND[name]} file failed unexpectedly ({type(exc).__name__}: {exc}).",
        ) from None
    _enforce_limits(result, ctx)
    if not result.members and not any(p.text.strip() or p.needs_ocr for p in result.pages):
        raise ExtractionError(FailureCode.NO_TEXT, f"No text was found in this {_KIND[name]} file.")
    return result


def _enforce_limits(result: Extracted, ctx: Context) -> None:
    """The limits every module should already keep, kept here once more."""
    if len(result.pages) > ctx.max_pages:
        result.warnings.append(f"Only the first {ctx.max_pages:,} pages were kept.")
        del result.pages[ctx.max_pages :]
    room = ctx.max_text_chars
    for page in result.pages:
        if len(page.text) > room:
            page.text = page.text[: max(room, 0)]
            if not any("characters" in w for w in result.warnings):
                result.warnings.append(
                    f"Text truncated after {ctx.max_text_chars:,} characters; "
                    "the rest was not read."
                )
        room -= len(page.text)
    result.title = " ".join((result.title or "").split())[:500]


__all__ = [
    "SUPPORTED_MIME_TYPES",
    "Context",
    "Extracted",
    "ExtractionError",
    "FailureCode",
    "Member",
    "PageText",
    "extract",
]
