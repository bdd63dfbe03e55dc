"""PDF: pdfium's text layer page by page; pdfminer.six when pdfium cannot open the file.

Pages whose text layer is missing, garbage, or a caption over an image are flagged
needs_ocr for the OCR stage.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
from datetime import UTC, datetime, timedelta, timezone

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from .. import quality
from ._common import Budget, clean_text, plausible_title
from .base import Context, Extracted, ExtractionError, FailureCode, NoticeCode, PageText
from .layout import pdfium_layout

log = logging.getLogger(__name__)

_ENCRYPTED = (
    "This PDF is protected by a password; it could not be opened without one "
    "(the empty password was tried)."
)


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """Open with pdfium, trying the empty password; ENCRYPTED if a real one is needed."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code != pdfium_c.FPDF_ERR_PASSWORD:
            raise
    try:
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError(FailureCode.ENCRYPTED, _ENCRYPTED) from None
        raise


def extract(data: bytes, ctx: Context, budget: Budget) -> Extracted:
    try:
        pdf = open_pdf(data)
    except pdfium.PdfiumError as exc:
        log.info("pdfium could not open %r (%s); trying pdfminer", ctx.filename, exc)
        return _extract_pdfminer(data, budget)
    try:
        return _extract_pdfium(pdf, data, budget)
    finally:
        pdf.close()


def _extract_pdfium(pdf: pdfium.PdfDocument, data: bytes, budget: Budget) -> Extracted:
    total = len(pdf)
    if total == 0:
        raise ExtractionError(FailureCode.CORRUPT, "This PDF has no pages.")
    for index in range(total):
        if budget.page_limit_reached(total):
            break
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            budget.warn(
                NoticeCode.PART_SKIPPED, f"Page {index + 1} is damaged and could not be read."
            )
            budget.add_page("", number=index + 1)
            continue
        try:
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_range()
                added = _add_page(
                    index + 1, raw, budget, lambda p=page: image_coverage(p, quality.IMAGE_COVERAGE)
                )
                if added is not None and added.text:
                    added.layout = pdfium_layout(page, textpage, raw)
            finally:
                textpage.close()
        finally:
            page.close()
        if budget.truncated:
            break
    metadata = _metadata(pdf.get_metadata_dict(skip_empty=True))
    if len(budget.pages) < total:
        metadata["pages_in_file"] = total
    if b"%%EOF" not in data[-2048:]:
        budget.warn(
            NoticeCode.PARTIAL,
            "The PDF seems to be truncated (it has no end-of-file marker); "
            "some of its content may be missing.",
        )
    return budget.result(title=_title(metadata.pop("title", "")), metadata=metadata)


def _add_page(number: int, raw: str, budget: Budget, coverage) -> PageText | None:
    """A page from its raw text layer; coverage() is only computed for sparse pages."""
    # pdfium marks a hyphen it found at a line break with U+FFFE.
    raw = raw.replace("\ufffe", "-")
    verdict = quality.judge_page(raw, coverage)
    if verdict == quality.GARBAGE:
        return budget.add_page("", number=number, needs_ocr=True)
    return budget.add_page(raw, number=number, needs_ocr=verdict == quality.SPARSE)


MAX_COVERAGE_OBJECTS = 2000


def image_coverage(page: pdfium.PdfPage, enough: float = 1.0) -> float:
    """Share of the page area covered by images (form XObjects holding images count whole).

    Stops counting once the share reaches `enough`, and on a page of thousands of
    objects (a vector drawing, image tiles) measures an evenly spaced sample of them and
    scales up: walking 30,000 objects through ctypes took longer than reading the text.
    """
    width, height = page.get_size()
    area = width * height
    if area <= 0:
        return 0.0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    covered = 0.0
    handle = page.raw
    count = pdfium_c.FPDFPage_CountObjects(handle)
    stride = max(1, count // MAX_COVERAGE_OBJECTS)
    for i in range(0, count, stride):
        obj = pdfium_c.FPDFPage_GetObject(handle, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and not _form_has_image(obj):
            continue
        if kind not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        ok = pdfium_c.FPDFPageObj_GetBounds(
            obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
        )
        if not ok:
            continue
        w = min(right.value, width) - max(left.value, 0.0)
        h = min(top.value, height) - max(bottom.value, 0.0)
        if w > 0 and h > 0:
            covered += w * h * stride
            if covered >= area * enough:
                return min(covered / area, 1.0)
    return covered / area


def _form_has_image(form, depth: int = 0) -> bool:
    for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3 and _form_has_image(obj, depth + 1):
            return True
    return False


_PDF_DATE = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?"
)


def parse_pdf_date(value: str) -> str | None:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') as ISO 8601, or None."""
    m = _PDF_DATE.match((value or "").strip())
    if not m:
        return None
    year, month, day, hour, minute, second, sign, tzh, tzm = m.groups()
    try:
        tz = None
        if sign in ("Z", "z"):
            tz = UTC
        elif sign:
            offset = timedelta(hours=int(tzh or 0), minutes=int(tzm or 0))
            tz = timezone(offset if sign == "+" else -offset)
        dt = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return dt.isoformat()


def _metadata(info: dict) -> dict:
    metadata: dict = {}
    for key, name in (
        ("Title", "title"),
        ("Author", "author"),
        ("Subject", "subject"),
        ("Keywords", "keywords"),
        ("Creator", "creator"),
        ("Producer", "producer"),
    ):
        value = clean_text(str(info.get(key) or ""))[:500]
        if value:
            metadata[name] = value
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        parsed = parse_pdf_date(str(info.get(key) or ""))
        if parsed:
            metadata[name] = parsed
    return metadata


_APP_PREFIX = re.compile(r"^(?:Microsoft (?:Word|PowerPoint|Excel) - )", re.I)
_JUNK_TITLES = {
    "untitled",
    "untitled document",
    "document",
    "powerpoint presentation",
    "presentation",
    "slide 1",
    "title",
}


def _title(meta_title: str) -> str:
    """The metadata title, unless it is an application's placeholder or debris ("" then:
    the dispatcher falls back to the first heading-like line)."""
    title = _APP_PREFIX.sub("", meta_title).strip()
    title = re.sub(r"\.(docx?|pptx?|xlsx?|rtf|odt)$", "", title, flags=re.I).strip()
    usable = title.lower() not in _JUNK_TITLES and plausible_title(title)
    return title if usable and not quality.is_garbage(title) else ""


def _extract_pdfminer(data: bytes, budget: Budget) -> Extracted:
    """Fallback for files pdfium refuses; slower, but sometimes more forgiving."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        resources = PDFResourceManager(caching=True)
        out = io.StringIO()
        device = TextConverter(resources, out, laparams=LAParams())
        interpreter = PDFPageInterpreter(resources, device)
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if budget.page_limit_reached():
                break
            out.seek(0)
            out.truncate()
            interpreter.process_page(page)
            _add_page(number, out.getvalue(), budget, 0.0)
            if budget.truncated:
                break
        info = {}
        for entry in document.info or []:
            for key, value in entry.items():
                info[key] = _pdfminer_value(value)
    except PDFPasswordIncorrect:
        raise ExtractionError(FailureCode.ENCRYPTED, _ENCRYPTED) from None
    except ExtractionError:
        raise
    except Exception as exc:
        raise budget.corrupt(exc) from None
    if not budget.pages:
        raise budget.corrupt()
    metadata = _metadata(info)
    budget.warn(
        NoticeCode.FALLBACK, "pdfium could not open this PDF; its text was read with pdfminer."
    )
    return budget.result(title=_title(metadata.pop("title", "")), metadata=metadata)


def _pdfminer_value(value: object) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value)
    return str(value) if value is not None else ""
