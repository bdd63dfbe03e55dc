"""Plain text and CSV: decoded robustly, read only up to the character limit, and cut
into pages so that a 100 MB file costs no more than the limit."""

from __future__ import annotations

import codecs

from ._common import Budget, mb, paginate
from .base import Context, Extracted, NoticeCode

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def decode(data: bytes, max_chars: int) -> tuple[str, str, bool]:
    """(text, encoding, truncated): at most max_chars characters of data."""
    encoding, start = "", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, start = name, len(bom)
            break
    # No encoding needs more than 4 bytes a character: never decode more than that.
    limit = start + max_chars * 4
    chunk = data[start:limit]
    final = limit >= len(data)
    if not encoding:
        encoding = "utf-8"
        try:
            codecs.getincrementaldecoder("utf-8")().decode(chunk[: 1 << 20], final)
        except UnicodeDecodeError as exc:
            if exc.start < len(chunk[: 1 << 20]) - 4 or final:
                encoding = "cp1252"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(chunk, final)
    truncated = not final or len(text) > max_chars
    return text[:max_chars], encoding, truncated


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    text, encoding, truncated = decode(data, ctx.max_text_chars)
    paginate(text.splitlines(), budget)
    if truncated and not budget.truncated:
        budget.warn(
            NoticeCode.TRUNCATED,
            f"Text truncated: only the first {ctx.max_text_chars:,} characters of this "
            f"{mb(len(data))} file were read.",
        )
    return budget.result(metadata={"encoding": encoding})
