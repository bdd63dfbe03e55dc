"""The contract every format module keeps: bytes in, pages of text (and members) out.

A format module exposes ``extract(data: bytes, ctx: Context) -> Extracted`` and raises
``ExtractionError`` with a code from ``FailureCode`` and a sentence a person can read.
Extraction runs in a child process with time and memory limits (see isolation.py), so a
module may simply let a hostile file blow up; it should still raise ExtractionError for
every failure it can recognise, because that gives the user a better reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..outcomes import FailureCode


@dataclass
class PageText:
    number: int  # 1-based
    text: str
    method: str = "text"  # "text" (from the file) or "ocr"
    ocr_confidence: float | None = None
    needs_ocr: bool = False  # no usable text layer: the OCR stage should read this page


@dataclass
class Member:
    """A file inside this one (a ZIP member, an e-mail attachment): becomes a child document."""

    name: str
    data: bytes


@dataclass
class Extracted:
    pages: list[PageText]
    title: str = ""
    metadata: dict = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    # Problems that did not stop extraction (a member skipped, text truncated): shown
    # to the user alongside a "done" status.
    warnings: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What a format module may need to know beyond the bytes."""

    filename: str = ""
    mime_type: str = ""
    depth: int = 0  # nesting depth of containers above this file
    max_text_chars: int = 5_000_000
    max_pages: int = 2000
    zip_max_members: int = 1000
    zip_max_total_bytes: int = 200 * 1024 * 1024
    max_nesting_depth: int = 3
    antiword: str = "antiword"
    ocr_enabled: bool = True
    ocr_dpi: int = 300
    ocr_language: str = "eng"
    tessdata_prefix: str = ""


class ExtractionError(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


__all__ = ["Context", "Extracted", "ExtractionError", "FailureCode", "Member", "PageText"]
