"""Spreadsheets and CSV files shown as tables: the first rows on the document page (read in
an isolated child, like extraction), and every row on a "show all" page streamed row by row.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_safe

from datascores.documents.models import Document, Status

TABLE_TYPES = ("xlsx", "ods", "csv")
PREVIEW_ROWS = 30
MAX_COLUMNS = 60
MAX_SHEETS = 20
MAX_CELL_CHARS = 500
MAX_LINE_CHARS = 1_000_000
MAX_ROWS = 200_000  # "show all" stops here (a sheet can unpack to millions of rows)


def is_table(doc: Document) -> bool:
    return doc.file_type in TABLE_TYPES


def _cell(value) -> str:
    if value is None:
        return ""
    text = value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value)
    return text[:MAX_CELL_CHARS]


def _encoding(head: bytes) -> str:
    """UTF-8 (with or without a BOM) when the start decodes as UTF-8, else Windows-1252."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8-sig"


def iter_sheets(path: str, file_type: str) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """(sheet name, rows) for each sheet; each row a list of cell strings."""
    if file_type == "csv":
        with open(path, "rb") as raw:
            head = raw.read(65536)
            encoding = _encoding(head)
            try:
                dialect = csv.Sniffer().sniff(head[:8192].decode(encoding, "replace"), ",;\t|")
            except csv.Error:
                dialect = csv.excel
            raw.seek(0)
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            # Lines are read at most MAX_LINE_CHARS at a time: a hostile file that is one
            # 100 MB line never becomes one 100 MB string.
            lines = iter(lambda: text.readline(MAX_LINE_CHARS), "")
            yield "", _csv_rows(csv.reader(lines, dialect))
        return
    if file_type == "ods":
        yield from _ods_sheets(path)
        return
    from openpyxl import load_workbook

    # A file object: the blob store's names have no extension for openpyxl to check.
    fh = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    book = load_workbook(fh, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets[:MAX_SHEETS]:
            yield (
                str(sheet.title),
                (
                    [_cell(c) for c in row[:MAX_COLUMNS]]
                    for row in sheet.iter_rows(values_only=True)
                ),
            )
    finally:
        book.close()
        fh.close()


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MAX_REPEAT = 1000  # ODS writes "1,048,000 empty rows follow" as one repeated row


def _ods_sheets(path: str) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """An OpenDocument spreadsheet's sheets, read from content.xml as a stream (lxml
    iterparse, each row dropped once read): a huge sheet never sits in memory."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as fh:
        events = etree.iterparse(
            fh, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False
        )
        sheets = 0
        for event, element in events:
            if event == "start" and element.tag == _TABLE + "table":
                sheets += 1
                if sheets > MAX_SHEETS:
                    return
                yield element.get(_TABLE + "name", ""), _ods_rows(events)


def _ods_rows(events) -> Iterator[list[str]]:
    empty = 0
    for event, element in events:
        if event != "end":
            continue
        if element.tag == _TABLE + "table":
            return
        if element.tag != _TABLE + "table-row":
            continue
        cells = _ods_cells(element)
        repeat = _repeat(element.get(_TABLE + "number-rows-repeated"))
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
        if not cells:
            empty += repeat  # empty rows count only if something follows them
            continue
        for _ in range(min(empty, MAX_REPEAT)):
            yield []
        empty = 0
        for _ in range(min(repeat, MAX_REPEAT)):
            yield list(cells)


def _ods_cells(row) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if not cell.tag.endswith("table-cell"):  # table-cell and covered-table-cell
            continue
        text = "\n".join("".join(p.itertext()) for p in cell.iter(_TEXT + "p"))
        cells.extend(
            [_cell(text)] * min(_repeat(cell.get(_TABLE + "number-columns-repeated")), MAX_COLUMNS)
        )
        if len(cells) >= MAX_COLUMNS:
            break
    del cells[MAX_COLUMNS:]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _repeat(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _csv_rows(reader) -> Iterator[list[str]]:
    """Rows until the end or the first row the csv module refuses (a field over its limit)."""
    try:
        for row in reader:
            yield [_cell(c) for c in row[:MAX_COLUMNS]]
    except csv.Error:
        return


def read_preview(path: str, file_type: str, rows: int) -> list[dict]:
    """The first `rows` rows of each sheet (runs in the isolated child)."""
    out = []
    for name, sheet_rows in iter_sheets(path, file_type):
        taken = list(itertools.islice(sheet_rows, rows + 1))
        while taken and not any(taken[-1]):
            taken.pop()
        width = max((len(r) for r in taken), default=0)
        out.append(
            {
                "name": name,
                "rows": [r + [""] * (width - len(r)) for r in taken[:rows]],
                "more": len(taken) > rows,
            }
        )
    return out


def preview(doc: Document) -> list[dict] | None:
    """The tables to show on the document page, or None when they cannot be read."""
    from datascores.documents.extract.base import ExtractionError
    from datascores.documents.isolation import run_isolated

    try:
        path = doc.blob.file.path
    except (NotImplementedError, ValueError):
        return None
    try:
        sheets = run_isolated(
            read_preview,
            path,
            doc.file_type,
            PREVIEW_ROWS,
            timeout=settings.EXTRACT_TIME_LIMIT,
            memory_mb=settings.EXTRACT_MEMORY_LIMIT_MB,
        )
    except ExtractionError:
        return None
    for i, sheet in enumerate(sheets):
        sheet["all_url"] = reverse("document_table", args=[doc.pk]) + f"?sheet={i}"
    return sheets


def fits_in_memory(path: str, file_type: str) -> bool:
    """XLSX: openpyxl holds the shared strings whole even in read-only mode, so the web
    process streams a workbook only when its parts unpack (by their declared sizes, which
    Python's zipfile enforces) to at most ZIP_MAX_TOTAL_BYTES. CSV and ODS are streamed."""
    if file_type != "xlsx":
        return True
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return sum(i.file_size for i in archive.infolist()) <= settings.ZIP_MAX_TOTAL_BYTES
    except (OSError, zipfile.BadZipFile):
        return False


@require_safe
def table_all(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every row of one sheet as an HTML table, streamed (never held whole in memory)."""
    doc = get_object_or_404(
        Document.objects.select_related("blob"), pk=pk, status__in=(Status.DONE, Status.FAILED)
    )
    if not is_table(doc):
        raise Http404("This document is not a spreadsheet.")
    try:
        index = int(request.GET.get("sheet", "0"))
    except ValueError:
        index = 0
    path = doc.blob.file.path
    if not fits_in_memory(path, doc.file_type):
        return HttpResponse(
            "This spreadsheet unpacks to more than the site reads outside its isolated "
            "readers; download the original instead.",
            status=413,
            content_type="text/plain",
        )
    title = escape(doc.title or f"Document {doc.pk}")
    back = escape(doc.get_absolute_url())
    original = reverse("document_original", args=[doc.pk])
    css = escape(_static("css/site.css"))

    def rows() -> Iterator[str]:
        yield (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title}: all rows</title><link rel="stylesheet" href="{css}"></head>'
            f'<body class="table-all"><main><p><a href="{back}">‹ Back to the document</a></p>'
        )
        for i, (name, sheet_rows) in enumerate(iter_sheets(path, doc.file_type)):
            if i != index:
                continue
            yield f"<h1>{title}{': ' + escape(name) if name else ''}</h1>"
            yield '<div class="table-wrap"><table class="sheet"><tbody>'
            n = 0
            for n, row in enumerate(itertools.islice(sheet_rows, MAX_ROWS + 1), 1):
                if n > MAX_ROWS:
                    break
                cells = "".join(f"<td>{escape(c)}</td>" for c in row)
                yield f'<tr><th scope="row">{n}</th>{cells}</tr>\n'
            yield "</tbody></table></div>"
            if n > MAX_ROWS:
                yield (
                    f"<p>Only the first {MAX_ROWS:,} rows are shown here; "
                    f'<a href="{escape(original)}">download the original</a> for the rest.</p>'
                )
        yield "</main></body></html>"

    response = StreamingHttpResponse(rows(), content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _static(path: str) -> str:
    from django.templatetags.static import static

    return static(path)
