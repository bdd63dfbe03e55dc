"""CSV export: Excel-safe cells and a line-at-a-time writer for streaming responses.

Everything here is pure: rows in, CSV text out. The views wrap ``stream_csv`` in a
``StreamingHttpResponse`` over ``backend.scan()``, so memory stays flat however many
rows the result set has.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
# A spreadsheet reads a cell starting with one of these as a formula (or, for tab
# and CR, strips them and then reads the formula): see OWASP "CSV Injection".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_TAG = re.compile(r"<[^>]*>")
# Cells longer than this are cut: Excel refuses cells over 32,767 characters.
MAX_CELL = 32_000


_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)


def neutralise(value: Any) -> str:
    """One cell as text that no spreadsheet will evaluate as a formula."""
    # Called for every cell of every row: the common case (a short, safe string) first.
    if type(value) is str:
        text = value
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "yes" if value else "no"
    elif isinstance(value, int | float):
        return str(value)  # numbers stay numbers: -3 is a value, not an attack
    else:
        text = str(value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    if text and text[0] in _TRIGGER_CHARS:
        return "'" + text
    return text


def join_values(values: Iterable[Any], sep: str = "; ") -> str:
    """Several values in one cell (sources, companies…), de-duplicated in order."""
    if not values:
        return ""
    return sep.join(dict.fromkeys(s for v in values if v is not None and (s := str(v).strip())))


def snippet_text(snippet_html: str) -> str:
    """A highlighted snippet (escaped text with <mark>) as plain text."""
    return " ".join(html.unescape(_TAG.sub("", snippet_html or "")).split())


class _Line:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_line(cells: Sequence[Any]) -> str:
    """One CSV record (CRLF-terminated), every cell neutralised."""
    return csv.writer(_Line()).writerow([neutralise(c) for c in cells])


def stream_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False, batch: int = 500
) -> Iterator[str]:
    """Yield the CSV a few hundred rows at a time: header first, then every row.

    Memory holds one batch, never the result set: the caller's ``rows`` is consumed
    lazily, so a streaming response over a backend scan stays flat however long it is.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    if bom:
        out.write(BOM)
    writer.writerow(list(header))
    pending: list[list[str]] = []
    for row in rows:
        pending.append([neutralise(c) for c in row])
        if len(pending) >= batch:
            writer.writerows(pending)
            pending.clear()
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    writer.writerows(pending)
    yield out.getvalue()
