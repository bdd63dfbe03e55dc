"""XLSX (and XLSM): one page per sheet, its name first, then rows of tab-separated cells."""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date, datetime, time

from ._common import Budget, clean_text, corrupt, iso
from .base import Context, Extracted, ExtractionError, FailureCode, PageText

# Spreadsheets are where FOI answers hide their bulk; beyond this many cells a sheet is a
# data dump better downloaded than searched.
MAX_CELLS = 2_000_000


def extract(data: bytes, ctx: Context) -> Extracted:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about every unknown extension
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise corrupt("Excel (XLSX)", exc) from None
    except Exception as exc:  # openpyxl raises assorted errors on malformed XML
        raise corrupt("Excel (XLSX)", exc) from None
    try:
        return _extract(book, ctx)
    finally:
        book.close()


def _extract(book, ctx: Context) -> Extracted:
    budget = Budget(ctx)
    pages: list[PageText] = []
    cells = 0
    sheets = book.worksheets
    for sheet in sheets:
        if budget.page_limit_reached(len(sheets), unit="sheets") or budget.truncated:
            break
        if not hasattr(sheet, "iter_rows"):
            continue  # a chart sheet
        lines = [f"Sheet: {sheet.title}"]
        size = 0
        try:
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
                if cells > MAX_CELLS or size > budget.max_chars - budget.chars:
                    break
        except ExtractionError:
            raise
        except Exception as exc:
            raise corrupt("Excel (XLSX)", exc) from None
        budget.pages += 1
        text = budget.take(clean_text("\n".join(lines)))
        pages.append(PageText(number=budget.pages, text=text))
        if cells > MAX_CELLS:
            budget.warnings.append(
                f"Only the first {MAX_CELLS:,} cells were read; the rest of the workbook was not."
            )
            break
    if not pages:
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
    return Extracted(
        pages=pages, title=(props.title or "").strip(), metadata=metadata, warnings=budget.warnings
    )


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
