import io

import pypdfium2 as pdfium
import pytest

from datascores.documents.extract import ExtractionError, FailureCode
from datascores.documents.extract import pdf as pdf_module
from datascores.documents.extract.pdf import parse_pdf_date

from . import fixtures
from .helpers import all_text, run


def test_text_layer_words_land_on_their_pages():
    result = run(fixtures.text_pdf(), "report.pdf")
    assert [p.number for p in result.pages] == [1, 2, 3]
    assert "Xylofinder" in result.pages[0].text
    assert "Brambleworth" in result.pages[1].text
    assert "Quillmarsh" in result.pages[2].text
    assert "Xylofinder" not in result.pages[1].text
    assert not any(p.needs_ocr for p in result.pages)
    assert all(p.method == "text" for p in result.pages)


def test_title_and_dates_from_metadata():
    result = run(fixtures.text_pdf(title="Evaluation of the pilot"), "x.pdf")
    assert result.title == "Evaluation of the pilot"
    assert result.metadata["author"] == "Test Council"
    assert result.metadata["created"][:4].isdigit()


def test_title_falls_back_to_the_first_line():
    result = run(fixtures.text_pdf(title=""), "x.pdf")
    assert result.title == "Predictive analytics pilot"


def test_scanned_pdf_pages_need_ocr():
    result = run(fixtures.scanned_pdf(pages=2), "scan.pdf")
    assert len(result.pages) == 2
    assert all(p.needs_ocr and p.text == "" for p in result.pages)


def test_garbled_text_layer_is_dropped_and_flagged_for_ocr():
    data = fixtures.garbled_pdf()
    raw = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert sum(ord(c) < 32 for c in raw) > 100  # the fixture really is garbage
    result = run(data, "garbled.pdf")
    assert result.pages[0].needs_ocr
    assert result.pages[0].text == ""


def _caption_over_image_pdf(cover: bool) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.drawString(72, 800, "Think Family Data Process Map")
    if cover:
        image = fixtures.render_lines(["Diagram words only in the picture"], size=(1200, 900))
        c.drawImage(ImageReader(image), 50, 100, width=500, height=600)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_caption_over_a_large_image_needs_ocr_but_a_title_page_does_not():
    with_image = run(_caption_over_image_pdf(cover=True), "map.pdf").pages[0]
    assert with_image.needs_ocr
    assert "Think Family Data Process Map" in with_image.text  # kept until OCR replaces it
    title_only = run(_caption_over_image_pdf(cover=False), "cover.pdf").pages[0]
    assert not title_only.needs_ocr


def test_user_password_fails_as_encrypted():
    with pytest.raises(ExtractionError) as info:
        run(fixtures.encrypted_pdf("secret"), "locked.pdf")
    assert info.value.code == FailureCode.ENCRYPTED
    assert "password" in info.value.reason


def test_empty_user_password_is_tried_and_opens():
    result = run(fixtures.encrypted_pdf(""), "owner-locked.pdf")
    assert "Xylofinder" in all_text(result)


def test_truncated_pdf_is_corrupt():
    data = fixtures.text_pdf()
    with pytest.raises(ExtractionError) as info:
        run(data[: len(data) // 2], "cut.pdf")
    assert info.value.code == FailureCode.CORRUPT
    assert "PDF" in info.value.reason


def test_pdf_missing_its_tail_is_read_with_a_warning():
    data = fixtures.text_pdf()
    cut = data[: data.rindex(b"xref")]  # pages intact, cross-reference table lost
    result = run(cut, "tail.pdf")
    assert "Quillmarsh" in all_text(result)
    assert any("truncated" in w for w in result.warnings)


def test_page_limit_keeps_the_first_pages_and_warns():
    result = run(fixtures.text_pdf(), "long.pdf", max_pages=2)
    assert len(result.pages) == 2
    assert result.metadata["pages_in_file"] == 3
    assert any("first 2 of 3 pages" in w for w in result.warnings)


def test_character_limit_truncates_and_warns():
    result = run(fixtures.text_pdf(), "long.pdf", max_text_chars=100)
    assert sum(len(p.text) for p in result.pages) <= 100
    assert any("truncated" in w for w in result.warnings)


def test_pdfminer_reads_what_pdfium_refuses(monkeypatch):
    def refuse(data):
        raise pdfium.PdfiumError("Failed to load document", err_code=3)

    monkeypatch.setattr(pdf_module, "open_pdf", refuse)
    result = run(fixtures.text_pdf(), "odd.pdf")
    assert len(result.pages) == 3
    assert "Brambleworth" in result.pages[1].text
    assert any("pdfminer" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D:20180530181859+01'00'", "2018-05-30T18:18:59+01:00"),
        ("D:20180417165046", "2018-04-17T16:50:46"),
        ("D:20180711113644Z", "2018-07-11T11:36:44+00:00"),
        ("D:2017", "2017-01-01T00:00:00"),
        ("garbage", None),
        ("D:20181340", None),
    ],
)
def test_pdf_dates(raw, expected):
    assert parse_pdf_date(raw) == expected
