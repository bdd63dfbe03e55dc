"""Page pictures (rendered from the original, cached), hit boxes from stored word boxes
(pdfium's text layer and Tesseract's OCR), and spreadsheets/CSVs shown as tables."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from datascores.documents.extract import extract
from datascores.documents.extract.base import Context
from datascores.documents.models import Page
from tests.documents.fixtures import png_file, text_pdf, xlsx_file
from web import pages as page_pictures

from .conftest import make_document, tag_and_index

pytestmark = pytest.mark.django_db

PDF_TEXT = [
    "Quarterly report on the Xylofinder risk model.\nThe council reviewed its scores.",
    "Second page: nothing to see here.",
]


@pytest.fixture(autouse=True)
def page_cache(settings, tmp_path):
    settings.PAGE_CACHE_DIR = tmp_path / "pages"
    return settings.PAGE_CACHE_DIR


def pdf_document(pages: list[str] = PDF_TEXT, title: str = "Xylofinder report"):
    """A document from a real PDF, with the pages and word boxes extraction stores."""
    data = text_pdf(pages, title=title)
    doc = make_document(title, pages, data=data, file_type="pdf")
    result = extract(data, Context(filename="r.pdf", mime_type="application/pdf"))
    for p in result.pages:
        Page.objects.filter(document=doc, number=p.number).update(layout=p.layout or {})
    return doc


def image_document(lines: list[str], title: str = "Scanned letter"):
    """An image document whose page text and boxes come from Tesseract, as the OCR stage
    stores them."""
    from datascores.documents.ocr import ocr_pages

    data = png_file(lines)
    [ocr] = ocr_pages(data, "image/png", [1], Context())
    doc = make_document(title, [ocr.text], data=data, file_type="image", ocr_confidence=90.0)
    doc.blob.mime_type = "image/png"
    doc.blob.save()
    Page.objects.filter(document=doc, number=1).update(layout=ocr.layout or {})
    return doc


def webp(response) -> Image.Image:
    body = b"".join(response.streaming_content)
    return Image.open(io.BytesIO(body))


def test_a_page_picture_is_rendered_once_then_served_from_the_cache(client, monkeypatch):
    doc = pdf_document()
    response = client.get(f"/documents/{doc.pk}/pages/1-600.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    image = webp(response)
    assert image.format == "WEBP" and image.width == 600
    assert 1.3 < image.height / image.width < 1.5  # A4
    cached = page_pictures.cache_path(doc.blob.sha256, 1, 600)
    assert cached.is_file()

    # A second request never renders again.
    def no_render(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("datascores.documents.isolation.run_isolated", no_render)
    again = client.get(f"/documents/{doc.pk}/pages/1-600.webp")
    assert again.status_code == 200
    assert "immutable" in again["Cache-Control"]
    assert webp(again).size == image.size
    # The large size is its own file.
    monkeypatch.undo()
    assert webp(client.get(f"/documents/{doc.pk}/pages/2-1200.webp")).width == 1200


def test_a_worker_renders_the_picture_when_one_runs(client, monkeypatch):
    doc = pdf_document()
    sent = []
    from web import tasks

    def delay(*args):
        sent.append(args)
        tasks.render_page.apply(args=args)  # what the worker does

    monkeypatch.setattr("datascores.documents.workers.worker_available", lambda: True)
    monkeypatch.setattr(page_pictures, "_worker_seen", [0.0, False])  # ask afresh
    monkeypatch.setattr(tasks.render_page, "delay", delay)
    response = client.get(f"/documents/{doc.pk}/pages/1-600.webp")
    assert response.status_code == 200
    assert sent == [(doc.pk, 1, 600)]


def test_a_busy_worker_is_not_waited_for_twice(client, monkeypatch, settings):
    doc = pdf_document()
    settings.PAGE_RENDER_WAIT = 0.2
    sent = []
    from web import tasks

    monkeypatch.setattr("datascores.documents.workers.worker_available", lambda: True)
    monkeypatch.setattr(page_pictures, "_worker_seen", [0.0, False])
    monkeypatch.setattr(tasks.render_page, "delay", lambda *a: sent.append(a))  # never runs
    assert client.get(f"/documents/{doc.pk}/pages/1-600.webp").status_code == 200
    assert client.get(f"/documents/{doc.pk}/pages/2-600.webp").status_code == 200
    assert sent == [(doc.pk, 1, 600)]  # the second picture was rendered here at once


def test_bad_page_requests_are_not_found(client):
    doc = pdf_document()
    assert client.get(f"/documents/{doc.pk}/pages/3-600.webp").status_code == 404
    assert client.get(f"/documents/{doc.pk}/pages/1-601.webp").status_code == 404
    text_doc = make_document("Plain", ["text"], file_type="docx")
    text_doc.blob.mime_type = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    text_doc.blob.save()
    assert client.get(f"/documents/{text_doc.pk}/pages/1-600.webp").status_code == 404


def test_a_hostile_pdf_fails_in_its_child_not_the_site(client, settings):
    settings.EXTRACT_TIME_LIMIT = 10
    doc = make_document("Broken", ["x"], data=b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF")
    response = client.get(f"/documents/{doc.pk}/pages/1-600.webp")
    # A picture saying so (the reader's page keeps working; its text is still shown).
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"could not be drawn" in response.content
    assert response["Cache-Control"] == "no-store"
    assert not page_pictures.cache_path(doc.blob.sha256, 1, 600).exists()
    # The failure is remembered: no second child is forked, and the document page stops
    # offering that page's picture.
    assert page_pictures.failed_before(doc.blob.sha256, 1)
    html = client.get(f"/documents/{doc.pk}").content.decode()
    assert "/pages/1-600.webp" not in html and "No text" not in html


def _boxes(html: str) -> list[tuple[int, int, int, int]]:
    return [
        tuple(int(v) for v in m)
        for m in re.findall(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', html)
    ]


def test_hits_are_marked_on_the_picture_of_a_text_pdf(client):
    doc = pdf_document()
    tag_and_index(doc)
    html = client.get(f"/documents/{doc.pk}?q=xylofinder").content.decode()
    # Both pages are shown as pictures, lazily, in two sizes, with alt text.
    imgs = re.findall(r"<img [^>]*>", html)
    page_imgs = [i for i in imgs if "/pages/" in i]
    assert len(page_imgs) == 2
    assert all('loading="lazy"' in i and "600w" in i and "1200w" in i for i in page_imgs)
    assert 'alt="Page 1 of “Xylofinder report”' in page_imgs[0]
    # One hit, on page 1: one box, where reportlab drew the word (x=72pt + "Quarterly
    # report on the " on an A4 page, the first line near the top).
    [(x, y, w, h)] = _boxes(html)
    assert 2000 < x < 5000 and 400 < y < 1200
    assert 600 < w < 2000 and 50 < h < 300


def test_hits_are_marked_on_an_ocr_image(client):
    doc = image_document(["Notes of the meeting", "The Xylofinder model was discussed"])
    tag_and_index(doc)
    html = client.get(f"/documents/{doc.pk}?q=xylofinder").content.decode()
    [(x, y, w, h)] = _boxes(html)
    # render_lines types from x=250 of 2480 px; the second line starts at y=300+116.
    assert 1000 < x < 5000  # after "The "
    assert 1000 < y < 1600
    assert w > 500 and h > 100
    assert f"/documents/{doc.pk}/pages/1-600.webp" in html
    # The picture itself comes from the image file.
    assert webp(client.get(f"/documents/{doc.pk}/pages/1-600.webp")).width == 600


def test_the_reader_chooses_text_pictures_or_both(client):
    doc = pdf_document()
    both = client.get(f"/documents/{doc.pk}").content.decode()
    assert "doc-page--both" in both and "/pages/1-600.webp" in both
    text = client.get(f"/documents/{doc.pk}?view=text").content.decode()
    assert "/pages/1-600.webp" not in text and "Quarterly report" in text
    pictures = client.get(f"/documents/{doc.pk}?view=pages").content.decode()
    # Pictures alone: the text is still there, folded, for search engines and screen readers.
    assert "/pages/1-600.webp" in pictures and "<summary>Text of page 1</summary>" in pictures
    # Hit links keep the chosen view.
    tag_and_index(doc)
    hits = client.get(f"/documents/{doc.pk}?q=xylofinder&view=pages").content.decode()
    assert "view=pages" in re.search(r'href="([^"]*)"[^>]*data-hit="next"', hits).group(1)


def _table_document(title: str, data: bytes, file_type: str, mime: str):
    doc = make_document(title, ["(text)"], file_type=file_type)
    doc.blob.file.save(f"t.{file_type}", ContentFile(data), save=False)
    doc.blob.mime_type = mime
    doc.blob.size = len(data)
    doc.blob.save()
    return doc


def test_a_spreadsheet_is_shown_as_tables(client):
    doc = _table_document(
        "Contracts",
        xlsx_file(),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    html = client.get(f"/documents/{doc.pk}").content.decode()
    assert "<h3>Contracts</h3>" in html and "<h3>Systems</h3>" in html
    assert "<td>Quillmarsh Analytics</td><td>48000</td><td>2023-04-01 00:00:00</td>" in html
    assert "<td>Xylofinder</td><td>Risk scoring of households</td>" in html
    assert "Show all rows" not in html  # short sheets are shown whole
    assert "/pages/" not in html  # no pictures for a spreadsheet


def ods_file() -> bytes:
    """An OpenDocument spreadsheet as LibreOffice writes one: repeated cells and a last
    row repeated a million times (the empty rest of the sheet)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="Payments")
    for values in (["Supplier", "Amount"], ["Quillmarsh <b>Analytics</b>", "£48,000"]):
        row = TableRow()
        for v in values:
            cell = TableCell()
            cell.addElement(P(text=v))
            row.addElement(cell)
        sheet.addElement(row)
    row = TableRow(numberrowsrepeated=2)
    for v in ("same", "same"):
        cell = TableCell()
        cell.addElement(P(text=v))
        row.addElement(cell)
    sheet.addElement(row)
    sheet.addElement(TableRow(numberrowsrepeated=1048000))
    doc.spreadsheet.addElement(sheet)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def test_an_ods_spreadsheet_is_shown_as_a_table(client):
    doc = _table_document(
        "Payments", ods_file(), "ods", "application/vnd.oasis.opendocument.spreadsheet"
    )
    html = client.get(f"/documents/{doc.pk}").content.decode()
    assert "<h3>Payments</h3>" in html
    assert "<td>Quillmarsh &lt;b&gt;Analytics&lt;/b&gt;</td><td>£48,000</td>" in html
    assert html.count("<td>same</td><td>same</td>") == 2
    assert "Show all rows" not in html  # the million empty rows are not rows


def test_a_long_csv_shows_its_first_rows_and_streams_the_rest(client):
    rows = ["id,name,note"] + [f'{i},Row {i},"<script>alert({i})</script>"' for i in range(1, 201)]
    doc = _table_document("Big CSV", "\n".join(rows).encode(), "csv", "text/csv")
    html = client.get(f"/documents/{doc.pk}").content.decode()
    assert "<td>Row 29</td>" in html and "<td>Row 30</td>" not in html  # header + 29 rows
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    link = re.search(r'href="([^"]*table\?sheet=0)"', html).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert body.count("<tr>") == 201
    assert "<td>Row 200</td>" in body
    assert "<script>" not in body


def test_show_all_stops_at_its_row_cap(client, monkeypatch):
    monkeypatch.setattr("web.tables.MAX_ROWS", 50)
    rows = ["n"] + [str(i) for i in range(1, 101)]
    doc = _table_document("Long CSV", "\n".join(rows).encode(), "csv", "text/csv")
    body = b"".join(client.get(f"/documents/{doc.pk}/table?sheet=0").streaming_content).decode()
    assert body.count("<tr>") == 50
    assert "Only the first 50 rows are shown" in body
    assert f"/documents/{doc.pk}/original" in body


def test_a_csv_that_is_one_huge_line_stays_bounded(client, monkeypatch):
    monkeypatch.setattr("web.tables.MAX_LINE_CHARS", 1000)
    data = b"a,b\n1,2\n" + b"x" * 50_000 + b"\n3,4\n"
    doc = _table_document("One line", data, "csv", "text/csv")
    body = b"".join(client.get(f"/documents/{doc.pk}/table?sheet=0").streaming_content).decode()
    assert "<td>1</td><td>2</td>" in body and "<td>3</td><td>4</td>" in body
    # The long line arrives in 1,000-character pieces, each cell cut to MAX_CELL_CHARS.
    assert max(len(c) for c in re.findall(r"<td>(x+)</td>", body)) <= 500


def test_show_all_refuses_a_workbook_that_unpacks_too_large(client, settings):
    doc = _table_document(
        "Contracts",
        xlsx_file(),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert client.get(f"/documents/{doc.pk}/table?sheet=0").status_code == 200
    settings.ZIP_MAX_TOTAL_BYTES = 1000
    response = client.get(f"/documents/{doc.pk}/table?sheet=0")
    assert response.status_code == 413
    assert b"download the original" in response.content


def test_a_cp1252_csv_is_read(client):
    data = "name;amount\nCaf\xe9 contract;\xa3100\n".encode("cp1252")
    doc = _table_document("Legacy CSV", data, "csv", "text/csv")
    html = client.get(f"/documents/{doc.pk}").content.decode()
    assert "<td>Café contract</td><td>£100</td>" in html


def test_boxes_follow_a_rotated_page(client):
    """A page with /Rotate 90 is shown turned, and its word boxes turn with it: the box
    lies on the word's ink in the rendered picture."""
    import pypdfium2 as pdfium
    from PIL import ImageOps

    pdf = pdfium.PdfDocument(text_pdf(["The Xylofinder model, turned"]))
    pdf[0].set_rotation(90)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    data = buf.getvalue()
    doc = make_document("Turned", ["The Xylofinder model, turned"], data=data)
    [page] = extract(data, Context(filename="t.pdf", mime_type="application/pdf")).pages
    Page.objects.filter(document=doc, number=1).update(layout=page.layout)
    tag_and_index(doc)
    [(x, y, w, h)] = _boxes(client.get(f"/documents/{doc.pk}?q=xylofinder").content.decode())
    image = webp(client.get(f"/documents/{doc.pk}/pages/1-600.webp")).convert("L")
    assert image.width > image.height  # landscape, as displayed
    W, H = image.size
    crop = image.crop((x * W // 10000, y * H // 10000, (x + w) * W // 10000, (y + h) * H // 10000))
    ink = ImageOps.invert(crop).getbbox()
    assert ink is not None  # the word's ink is inside its box
    assert w < h  # the word runs down the page, as turned


@pytest.mark.django_db(transaction=True)
def test_the_pipeline_stores_word_boxes_from_the_text_layer_and_from_ocr():
    from datascores.documents.models import Status
    from datascores.documents.pipeline import ingest_bytes
    from tests.documents.fixtures import scanned_pdf

    def ingest(data: bytes, name: str):
        doc = ingest_bytes(data, filename=name, location=f"/in/{name}").document
        doc.refresh_from_db()
        assert doc.status == Status.DONE, doc.failure_reason
        return doc

    text = ingest(text_pdf(["Xylofinder pilot"]), "text.pdf")
    [words] = [p.layout["words"] for p in text.pages.all()]
    assert [w[4] for w in words] == ["Xylofinder", "pilot"]
    scanned = ingest(scanned_pdf(["Xylofinder scanned letter"]), "scan.pdf")
    page = scanned.pages.get()
    assert page.method == "ocr"
    assert "Xylofinder" in [w[4] for w in page.layout["words"]]
    assert page.layout["w"] > 0 and all(
        0 <= v <= 10000 for w in page.layout["words"] for v in w[:4]
    )


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge picture (a decompression bomb's first move)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_an_image_bomb_gets_the_placeholder(client):
    doc = make_document("Bomb", ["x"], data=_png_claiming(60_000, 60_000), file_type="image")
    doc.blob.mime_type = "image/png"
    doc.blob.save()
    response = client.get(f"/documents/{doc.pk}/pages/1-600.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert page_pictures.failed_before(doc.blob.sha256, 1)
