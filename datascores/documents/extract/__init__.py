"""Text extraction: ``extract(data, ctx)`` reads a file with the module its format names.

The formats are declared once, in registry.py. Each format module turns bytes into pages
of text (and members, for containers) through a Budget, or raises ExtractionError with a
FailureCode and a sentence a person can read. This dispatcher owns what is common: the
format's refusal, the page and character limits, the fallback title, and turning a
reader's unexpected exception into a recorded failure. OCR is a separate stage (ocr.py)
for the pages flagged needs_ocr.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from pathlib import Path

from .. import sniff
from ..isolation import is_out_of_memory, run_isolated
from ._common import Budget, first_line_title, plausible_title
from .base import (
    Context,
    Extracted,
    ExtractionError,
    FailureCode,
    Member,
    Notice,
    NoticeCode,
    PageText,
)
from .registry import SUPPORTED_MIME_TYPES, Format, format_for, reader

log = logging.getLogger(__name__)


def extract(data: bytes, ctx: Context) -> Extracted:
    """Pages of text (and members) from a file's bytes, or ExtractionError."""
    if not data:
        raise ExtractionError(FailureCode.EMPTY, "The file is empty (0 bytes).")
    mime = (ctx.mime_type or sniff.sniff_mime(data, ctx.filename)).split(";")[0].strip().lower()
    ctx.mime_type = mime
    fmt = format_for(mime)
    if fmt is None:
        raise ExtractionError(FailureCode.UNSUPPORTED, f"Files of type {mime} cannot be read.")
    if fmt.refusal:
        raise ExtractionError(*fmt.refusal)
    budget = Budget(ctx, fmt.noun)
    try:
        result = _read(fmt, data, ctx, budget)
    except BaseException:
        budget.discard()
        raise
    _enforce_limits(result, ctx)
    if not result.members and not any(p.text.strip() or p.needs_ocr for p in result.pages):
        budget.discard()
        raise ExtractionError(FailureCode.NO_TEXT, f"No text was found in this {fmt.noun} file.")
    result.title = _title(result, fmt)
    return result


def extract_isolated(
    source: bytes | str | os.PathLike, ctx: Context, *, timeout: float, memory_mb: int
) -> Extracted:
    """extract() in a forked child with a deadline and a memory cap (isolation.py).

    source is the file's bytes or its path; given a path, only the child reads the file,
    so the worker never holds it. The members' files go to a scratch directory this
    process owns: whatever the child left there when it failed or was killed is removed
    here, and result.cleanup() removes the rest once the members are stored.
    """
    scratch = tempfile.mkdtemp(prefix="datascores-extract-", dir=ctx.scratch_dir or None)
    ctx = dataclasses.replace(ctx, scratch_dir=scratch)
    func = extract if isinstance(source, bytes | bytearray) else _extract_file
    try:
        result = run_isolated(func, source, ctx, timeout=timeout, memory_mb=memory_mb)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    result.scratch_dir = scratch
    return result


def _extract_file(path: str | os.PathLike, ctx: Context) -> Extracted:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ExtractionError(
            FailureCode.ERROR, f"The stored original could not be read ({exc.strerror})."
        ) from None
    return extract(data, ctx)


def _read(fmt: Format, data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        result: Extracted = reader(fmt).extract(data, ctx, budget)
    except (ExtractionError, MemoryError):
        raise
    except RecursionError:
        raise ExtractionError(
            FailureCode.CORRUPT,
            f"This {fmt.noun} file is nested too deeply to be read (a malformed or hostile file).",
        ) from None
    except Exception as exc:
        if is_out_of_memory(exc):
            raise MemoryError(str(exc)) from exc
        log.exception("Unexpected error extracting %r (%s)", ctx.filename, fmt.file_type)
        raise ExtractionError(
            FailureCode.ERROR,
            f"Reading this {fmt.noun} file failed unexpectedly ({type(exc).__name__}: {exc}).",
        ) from None
    # A module that built its own lists still gets the budget's warnings and members.
    for notice in budget.warnings:
        if notice not in result.warnings:
            result.warnings.append(notice)
    result.warnings = [
        w if isinstance(w, Notice) else Notice(NoticeCode.PARTIAL, w) for w in result.warnings
    ]
    result.scratch_dir = result.scratch_dir or budget.scratch_dir
    return result


def _enforce_limits(result: Extracted, ctx: Context) -> None:
    """The limits the budget keeps, kept here once more for whatever slipped past it."""
    codes = {w.code for w in result.warnings}
    if len(result.pages) > ctx.max_pages:
        del result.pages[ctx.max_pages :]
        if NoticeCode.PAGE_LIMIT not in codes:
            result.warnings.append(
                Notice(NoticeCode.PAGE_LIMIT, f"Only the first {ctx.max_pages:,} pages were kept.")
            )
    room = ctx.max_text_chars
    for page in result.pages:
        if len(page.text) > room:
            page.text = page.text[: max(room, 0)]
            if NoticeCode.TRUNCATED not in codes:
                codes.add(NoticeCode.TRUNCATED)
                result.warnings.append(
                    Notice(
                        NoticeCode.TRUNCATED,
                        f"Text truncated after {ctx.max_text_chars:,} characters; "
                        "the rest was not read.",
                    )
                )
        room -= len(page.text)


def _title(result: Extracted, fmt: Format) -> str:
    """The reader's title if it is one, else the first heading-like line of the text."""
    title = " ".join((result.title or "").split())[:500]
    if plausible_title(title) or not fmt.text_title:
        return title
    for page in result.pages[:3]:
        if page.text.strip():
            return first_line_title(page.text) or title
    return title


__all__ = [
    "SUPPORTED_MIME_TYPES",
    "Context",
    "Extracted",
    "ExtractionError",
    "FailureCode",
    "Member",
    "Notice",
    "NoticeCode",
    "PageText",
    "extract",
    "extract_isolated",
]
