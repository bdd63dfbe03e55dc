import shutil

import pytest

from datascores.documents.extract import Context, ExtractionError, FailureCode
from datascores.documents.ocr import ocr_pages, tessdata_dir

from . import fixtures
from .helpers import run


def _words(text: str) -> set[str]:
    return set(text.lower().split())


def test_scanned_pdf_page_is_read_back():
    data = fixtures.scanned_pdf()
    (page,) = ocr_pages(data, "application/pdf", [1], Context())
    assert page.number == 1
    assert page.method == "ocr"
    assert page.ocr_confidence > 50
    for line in fixtures.SCAN_LINES:
        assert _words(line) <= _words(page.text), (line, page.text)


def test_garbled_layer_flagged_then_read_by_ocr():
    data = fixtures.garbled_pdf()
    flagged = [p.number for p in run(data, "garbled.pdf").pages if p.needs_ocr]
    assert flagged == [1]
    (page,) = ocr_pages(data, "application/pdf", flagged, Context())
    assert "Integrated Analytical Hub" in page.text


def test_each_tiff_frame_is_read_separately():
    data = fixtures.tiff_frames([["Alpha frame text"], ["Bravo frame text"]])
    pages = ocr_pages(data, "image/tiff", [1, 2], Context())
    assert [p.number for p in pages] == [1, 2]
    assert "Alpha" in pages[0].text and "Bravo" not in pages[0].text
    assert "Bravo" in pages[1].text


def test_blank_page_has_no_text_and_no_confidence():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (1200, 1600), 255).save(buf, format="PNG")
    (page,) = ocr_pages(buf.getvalue(), "image/png", [1], Context())
    assert page.text == ""
    assert page.ocr_confidence is None


def test_page_numbers_out_of_range_are_ignored():
    assert ocr_pages(fixtures.scanned_pdf(), "application/pdf", [5], Context()) == []


def test_tessdata_prefix_is_honoured(tmp_path):
    shutil.copy(tessdata_dir() / "eng.traineddata", tmp_path / "eng.traineddata")
    assert tessdata_dir(Context(tessdata_prefix=str(tmp_path))) == tmp_path


def test_missing_language_data_needs_a_tool():
    with pytest.raises(ExtractionError) as info:
        ocr_pages(fixtures.png_file(), "image/png", [1], Context(ocr_language="zzz"))
    assert info.value.code == FailureCode.NEEDS_TOOL
    assert "zzz.traineddata" in info.value.reason
