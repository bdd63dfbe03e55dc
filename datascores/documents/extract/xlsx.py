"""XLSX (and XLSM): one page per sheet, its name first, then rows of tab-separated cells."""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ._common import Budget, iso
from .base import Context, Extracted, ExtractionError, FailureCode, NoticeCode

# Spreadsheets are where FOI answers hide their bulk; beyond this many cells a sheet is a
# data dump better downloaded than searched.
MAX_CELLS = 2_000_000


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about every unknown extension
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise budget.corrupt(exc) from None
    except Exception as exc:  # openpyxl raises assorted errors on malformed XML
        raise budget.corrupt(exc) from None
    try:
        return _extract(book, budget)
    finally:
        book.close()


def _extract(book, budget: Budget) -> Extracted:
    cells = 0
    sheets = book.worksheets
    for sheet in sheets:
        if budget.page_limit_reached(len(sheets), unit="sheets") or budget.truncated:
            break
        if not hasattr(sheet, "iter_rows"):
            continue  # a chart sheet
        try:
            lines, cells = _sheet_lines(sheet, cells, budget.max_chars - budget.chars)
        except Exception as exc:
            raise budget.corrupt(exc) from None
        budget.add_page("\n".join(lines))
        if cells > MAX_CELLS:
            budget.warn(
                NoticeCode.PARTIAL,
                f"Only the first {MAX_CELLS:,} cells were read; the rest of the workbook was not.",
            )
            break
    if not budget.pages:
        raise ExtractionError(FailureCode.NO_TEXT, "This workbook has no worksheets.")
    props = book.properties
    metadata = {
        k: v
        for k, v in {
            "author": props.creator or "",
            "last_modified_by": props.lastModifiedBy or "",
            "created": iso(props.created),
            "modified": iso(props.modified),
            "sheets": [s.title for s in sheets],
        }.items()
        if v
    }
    return budget.result(title=(props.title or "").strip(), metadata=metadata)


def _sheet_lines(sheet, cells: int, room: int) -> tuple[list[str], int]:
    """A sheet's name and its rows as tab-separated lines, until the cell count (carried
    over from earlier sheets) passes MAX_CELLS or the lines fill the room left."""
    lines = [f"Sheet: {sheet.title}"]
    size = 0
    for row in sheet.iter_rows(values_only=True):
        values = [_cell(v) for v in row]
        while values and not values[-1]:
            values.pop()
        if not values:
            continue
        cells += len(values)
        line = "\t".join(values)
        lines.append(line)
        size += len(line) + 1
        if cells > MAX_CELLS or size > room:
            break
    return lines, cells


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return " ".join(text.split()) if ("\n" in text or "\t" in text) else text
