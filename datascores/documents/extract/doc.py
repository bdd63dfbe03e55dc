"""Legacy Word (.doc, Word 97-2003, and plain Word 6/95), read in Python (wordbin.py).

No system program is needed. On the real FOI .doc files this reader finds every word
and list number antiword finds (and the numbers of lists inside tables, which antiword
drops), in about antiword's time (a few milliseconds a file) without starting a process.
"""

from __future__ import annotations

import io
import struct

import olefile

from ._common import Budget, iso, paginate
from .base import Context, Extracted, ExtractionError, FailureCode
from .wordbin import WordEncrypted, WordFormatError, read_word

# Parts of a document that a reader of it sees, in reading order; comments and macro
# text are not part of the document (the DOCX reader skips comments too).
_BODY_PARTS = ("main", "footnotes", "endnotes", "textboxes")
_REPEATED_PARTS = ("headers", "header_textboxes")


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        word = read_word(data)
    except WordEncrypted:
        raise ExtractionError(
            FailureCode.ENCRYPTED, "This Word document is protected by a password."
        ) from None
    except (WordFormatError, OSError, struct.error, ValueError, IndexError) as exc:
        raise budget.corrupt(exc) from None
    blocks: list[str] = []
    for name in _BODY_PARTS:
        blocks.extend(word.parts.get(name, "").split("\n"))
    # Headers and footers repeat per section: each distinct line once, after the body.
    seen: set[str] = set()
    for name in _REPEATED_PARTS:
        for line in word.parts.get(name, "").split("\n"):
            key = " ".join(line.split())
            if key and key not in seen:
                seen.add(key)
                blocks.append(line)
    paginate(blocks, budget)
    props = _summary(data)
    props["word_version"] = word.word_version
    return budget.result(title=props.pop("title", ""), metadata=props)


def _summary(data: bytes) -> dict:
    """Title, author and dates from the OLE SummaryInformation stream."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            meta = ole.get_metadata()
    except Exception:
        return {}

    def text(value: object) -> str:
        if isinstance(value, bytes):
            value = value.decode("cp1252", "replace")
        return " ".join(str(value or "").split())[:500]

    props = {
        "title": text(meta.title),
        "author": text(meta.author),
        "last_modified_by": text(meta.last_saved_by),
        "created": iso(meta.create_time),
        "modified": iso(meta.last_saved_time),
    }
    return {k: v for k, v in props.items() if v}
