"""Every file format the system knows, declared once: its MIME types, the value and label
of the file-type facet, and the module under ``extract/`` that reads it (or why it cannot
be read).

The declarations live here, beside the name of each reader module, rather than inside
the readers: a reader imports its format library at module level (so that a worker's
forked children inherit it), and importing them all to label a facet would cost the
site about 0.8 s and 50 MB. This module imports no format library; ``preload()``
imports the readers, for processes that extract.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from .. import sniff
from ..outcomes import FailureCode


@dataclass(frozen=True)
class Format:
    file_type: str  # the file-type facet value stored on documents and in the index
    label: str  # what people read for it
    mime_types: tuple[str, ...]
    module: str = ""  # reader module in this package; "" when the format is not read
    kind: str = ""  # how sentences name it ("This {kind} file is damaged"); label if ""
    refusal: tuple[str, str] | None = None  # (FailureCode, reason) when not read
    # Whether the first heading-like line may serve as the title (not for a table's
    # header row, a sheet, a listing of members or a message without a subject).
    text_title: bool = True

    @property
    def noun(self) -> str:
        return self.kind or self.label


_IMAGES = ("image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp", "image/webp")
_UNRECOGNISED = (
    "The type of this file could not be recognised from its contents (it is not a "
    "PDF, an Office or OpenDocument file, an image, an e-mail, a ZIP archive, HTML or text)."
)

FORMATS: tuple[Format, ...] = (
    Format("pdf", "PDF", (sniff.PDF,), "pdf"),
    Format(
        "docx",
        "Word (DOCX)",
        (sniff.DOCX, "application/vnd.ms-word.document.macroenabled.12"),
        "docx",
    ),
    Format("doc", "Word 97-2003 (DOC)", (sniff.DOC,), "doc", kind="Word (.doc)"),
    Format(
        "xlsx",
        "Excel (XLSX)",
        (sniff.XLSX, "application/vnd.ms-excel.sheet.macroenabled.12"),
        "xlsx",
        text_title=False,
    ),
    Format(
        "xls",
        "Excel 97-2003 (XLS)",
        (sniff.XLS,),
        refusal=(
            FailureCode.UNSUPPORTED,
            "This is a legacy Excel workbook (.xls, Excel 97-2003), which cannot be read yet; "
            "saving it as .xlsx would make it readable.",
        ),
    ),
    Format("pptx", "PowerPoint (PPTX)", (sniff.PPTX,), "pptx"),
    Format(
        "ppt",
        "PowerPoint 97-2003 (PPT)",
        (sniff.PPT,),
        refusal=(
            FailureCode.UNSUPPORTED,
            "This is a legacy PowerPoint presentation (.ppt, PowerPoint 97-2003), which cannot "
            "be read; saving it as .pptx or PDF would make it readable.",
        ),
    ),
    Format("odt", "OpenDocument text (ODT)", (sniff.ODT,), "odt", kind="OpenDocument"),
    Format(
        "ods",
        "OpenDocument spreadsheet (ODS)",
        (sniff.ODS,),
        "odt",
        kind="OpenDocument",
        text_title=False,
    ),
    Format("odp", "OpenDocument presentation (ODP)", (sniff.ODP,), "odt", kind="OpenDocument"),
    Format("rtf", "Rich text (RTF)", (sniff.RTF, "text/rtf"), "rtf", kind="RTF"),
    Format("html", "Web page (HTML)", (sniff.HTML, "application/xhtml+xml"), "html", kind="HTML"),
    Format("txt", "Text", (sniff.TEXT,), "text", kind="text"),
    Format("csv", "CSV", (sniff.CSV,), "text", text_title=False),
    Format("eml", "E-mail", (sniff.EML,), "mail", kind="e-mail", text_title=False),
    Format(
        "msg",
        "Outlook message (MSG)",
        (sniff.MSG,),
        "mail",
        kind="Outlook message (.msg)",
        text_title=False,
    ),
    Format("zip", "ZIP archive", (sniff.ZIP,), "archive", kind="ZIP", text_title=False),
    Format("image", "Image", _IMAGES, "image", kind="image", text_title=False),
    Format(
        "other",
        "Other",
        (sniff.ENCRYPTED_OFFICE,),
        refusal=(
            FailureCode.ENCRYPTED,
            "This Office document is protected by a password, so it cannot be read.",
        ),
    ),
    Format(
        "other",
        "Other",
        (sniff.OLE,),
        refusal=(
            FailureCode.UNSUPPORTED,
            "This is an OLE compound file that is not a Word, Excel, PowerPoint or Outlook "
            "document, so it cannot be read.",
        ),
    ),
    Format("other", "Other", (sniff.OCTET,), refusal=(FailureCode.UNSUPPORTED, _UNRECOGNISED)),
)

_BY_MIME: dict[str, Format] = {mime: f for f in FORMATS for mime in f.mime_types}
_LABELS: dict[str, str] = {f.file_type: f.label for f in FORMATS}
SUPPORTED_MIME_TYPES = frozenset(m for f in FORMATS if f.module for m in f.mime_types)


def _normalise(mime: str) -> str:
    return (mime or "").split(";")[0].strip().lower()


def format_for(mime: str) -> Format | None:
    """The declared format of a MIME type (parameters and case ignored), or None."""
    mime = _normalise(mime)
    found = _BY_MIME.get(mime)
    if found is None and mime.startswith("image/"):
        return _BY_MIME["image/png"]
    return found


def file_type_for(mime: str) -> str:
    """The file-type facet value for a MIME type ("other" when unknown)."""
    found = format_for(mime)
    return found.file_type if found else "other"


def file_type_label(value: str) -> str:
    """What people read for a file-type facet value."""
    if not value:
        return ""
    return _LABELS.get(value, value.upper())


def file_type_choices() -> list[tuple[str, str]]:
    """(value, label) of every file type, in display order, "other" last."""
    return list(_LABELS.items())


def reader(fmt: Format) -> ModuleType:
    """The module that reads a format (imported on first use; preload() imports all)."""
    return importlib.import_module(f"{__package__}.{fmt.module}")


def preload() -> None:
    """Import every reader and the OCR module, with the format libraries they import at
    module level, so that forked extraction children inherit them instead of paying the
    import again per document."""
    for fmt in FORMATS:
        if fmt.module:
            reader(fmt)
    importlib.import_module("datascores.documents.ocr")
