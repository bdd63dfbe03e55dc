"""The contract every format module keeps: bytes in, pages of text (and members) out.

A format module exposes ``extract(data: bytes, ctx: Context, budget: Budget) -> Extracted``
and raises ``ExtractionError`` with a code from ``FailureCode`` and a sentence a person
can read. It adds pages and members through the budget (see _common.Budget), which
numbers pages, keeps the page and character limits and records the warnings; the
dispatcher (``extract/__init__.py``) picks the module, supplies the fallback title and
cuts whatever is still over a limit.

Extraction runs in a child process with time and memory limits (see isolation.py), so a
module may simply let a hostile file blow up; it should still raise ExtractionError for
every failure it can recognise, because that gives the user a better reason.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from ..outcomes import FailureCode


@dataclass
class PageText:
    number: int  # 1-based
    text: str
    method: str = "text"  # "text" (from the file) or "ocr"
    ocr_confidence: float | None = None
    needs_ocr: bool = False  # no usable text layer: the OCR stage should read this page
    # Word boxes (see extract/layout.py), or None where the reader knows no positions.
    layout: dict | None = None


@dataclass
class Member:
    """A file inside this one (a ZIP member, an e-mail attachment): becomes a child document.

    Its bytes wait in a file, so that a large member travels from the extraction child to
    the worker as a path rather than through the worker's memory.
    """

    name: str
    path: str
    size: int

    def open(self) -> BinaryIO:
        return open(self.path, "rb")

    @property
    def data(self) -> bytes:
        """The member's bytes (reads the whole file: prefer open() or the path)."""
        return Path(self.path).read_bytes()


class Notice(str):
    """A problem that did not stop extraction (a member skipped, text truncated), shown
    to the user beside a "done" status: a sentence, with a code to recognise it by."""

    code: str

    def __new__(cls, code: str, message: str) -> Notice:
        obj = super().__new__(cls, message)
        obj.code = code
        return obj

    @property
    def message(self) -> str:
        return str(self)

    def __reduce__(self):
        return (Notice, (self.code, str(self)))


class NoticeCode:
    TRUNCATED = "truncated"  # the character limit cut the text
    PAGE_LIMIT = "page_limit"  # pages (slides, sheets, frames) beyond the limit not read
    PART_SKIPPED = "part_skipped"  # a member, attachment or page could not be read
    PARTIAL = "partial"  # the file looks incomplete, or was read only in part
    FALLBACK = "fallback"  # read by a fallback reader


@dataclass
class Extracted:
    pages: list[PageText]
    title: str = ""
    metadata: dict = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    # Where the members' files are; cleanup() removes it once they have been stored.
    scratch_dir: str = ""

    def cleanup(self) -> None:
        """Remove the members' files (call once they have been stored)."""
        if self.scratch_dir:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)
            self.scratch_dir = ""

    def __del__(self) -> None:
        # A safety net: the files go with the last reference to the result at the latest.
        # (The extraction child never runs this: it leaves with os._exit.)
        self.cleanup()


def _setting(name: str):
    return field(default_factory=lambda: getattr(settings, name))


@dataclass
class Context:
    """What a format module may need to know beyond the bytes. The limits default to the
    Django settings (settings.py holds every default)."""

    filename: str = ""
    mime_type: str = ""
    depth: int = 0  # nesting depth of containers above this file
    max_text_chars: int = _setting("MAX_TEXT_CHARS")
    max_pages: int = _setting("MAX_PAGES")
    zip_max_members: int = _setting("ZIP_MAX_MEMBERS")
    zip_max_total_bytes: int = _setting("ZIP_MAX_TOTAL_BYTES")
    max_nesting_depth: int = _setting("MAX_NESTING_DEPTH")
    ocr_dpi: int = _setting("OCR_DPI")
    ocr_language: str = _setting("OCR_LANGUAGE")
    tessdata_prefix: str = _setting("TESSDATA_PREFIX")
    # Where members' files are written ("" = the system's temporary directory).
    scratch_dir: str = ""


class ExtractionError(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


__all__ = [
    "Context",
    "Extracted",
    "ExtractionError",
    "FailureCode",
    "Member",
    "Notice",
    "NoticeCode",
    "PageText",
]
