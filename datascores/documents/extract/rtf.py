"""RTF through striprtf."""

from __future__ import annotations

import re

from striprtf.striprtf import rtf_to_text

from ._common import Budget, paginate
from .base import Context, Extracted

_INFO_TITLE = re.compile(r"\{\\title\s+([^{}]*)\}")
_INFO_AUTHOR = re.compile(r"\{\\author\s+([^{}]*)\}")
_CREATED = re.compile(r"\{\\creatim\\yr(\d+)\\mo(\d+)\\dy(\d+)")
# Embedded pictures are long runs of hex; dropping them first spares striprtf the work.
_PICT = re.compile(r"\{\\\*?\\?(?:pict|objdata|blipuid|datastore|themedata)[^{}]*\}", re.S)


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    source = data.decode("cp1252", "replace")
    if not source.lstrip().startswith("{\\rtf"):
        raise budget.corrupt()
    source = _PICT.sub("", source)
    try:
        text = rtf_to_text(source, encoding="cp1252", errors="replace")
    except Exception as exc:  # striprtf is a tokenizer: malformed groups can trip it
        raise budget.corrupt(exc) from None
    paginate(text.splitlines(), budget)
    metadata: dict = {}
    if m := _INFO_AUTHOR.search(source):
        metadata["author"] = m.group(1).strip()[:200]
    if m := _CREATED.search(source):
        year, month, day = (int(g) for g in m.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            metadata["created"] = f"{year:04d}-{month:02d}-{day:02d}"
    m = _INFO_TITLE.search(source)
    return budget.result(title=m.group(1).strip()[:200] if m else "", metadata=metadata)
