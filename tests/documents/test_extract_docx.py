import io
import zipfile

import pytest

from datascores.documents import sniff
from datascores.documents.extract import Context, ExtractionError, FailureCode, extract

from . import fixtures
from .helpers import all_text, run


def test_paragraphs_tables_headers_and_footers():
    result = run(fixtures.docx_file(), "response.docx")
    text = all_text(result)
    assert "We hold information about the Nettlebridge scoring model." in text
    assert "Quillmarsh Analytics\t£48,000" in text  # a table row, cells tab-separated
    assert "Harrowgate Borough Council letterhead" in text
    assert "Registered office footer text" in text
    # Document order: the table sits between the two paragraphs around it.
    assert text.index("Nettlebridge") < text.index("Quillmarsh") < text.index("Closing paragraph")


def test_core_properties_give_title_author_and_dates():
    result = run(fixtures.docx_file(), "response.docx")
    assert result.title == "Response to request FOI-2024-117"
    assert result.metadata["author"] == "Information Governance Team"
    assert result.metadata["created"].startswith("2024-03-05")


def _rewrite(data: bytes, name: str, transform) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, transform(body) if info.filename == name else body)
    return out.getvalue()


def test_text_boxes_and_content_controls_are_read():
    extra = (
        b"<w:sdt><w:sdtContent><w:p><w:r><w:t>Inside a content control</w:t></w:r></w:p>"
        b"</w:sdtContent></w:sdt>"
        b"<w:p><w:r><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'><v:textbox>"
        b"<w:txbxContent><w:p><w:r><w:t>Inside a text box</w:t></w:r></w:p></w:txbxContent>"
        b"</v:textbox></v:shape></w:pict></w:r></w:p>"
        b"<w:p><w:r><w:instrText> PAGE </w:instrText>"
        b"<w:delText>deleted words</w:delText></w:r></w:p>"
    )
    data = _rewrite(
        fixtures.docx_file(),
        "word/document.xml",
        lambda b: b.replace(b"<w:sectPr", extra + b"<w:sectPr", 1),
    )
    text = all_text(run(data, "boxes.docx"))
    assert "Inside a content control" in text
    assert "Inside a text box" in text
    assert "deleted words" not in text
    assert "PAGE" not in text


def test_truncated_docx_is_corrupt():
    data = fixtures.docx_file()
    with pytest.raises(ExtractionError) as info:
        run(data[: len(data) // 2], "cut.docx")
    assert info.value.code == FailureCode.CORRUPT
    assert "Word" in info.value.reason


def test_docx_without_its_document_part_is_corrupt():
    data = fixtures.docx_file()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        dst.writestr("word/placeholder.xml", b"<x/>")
    # Without its main part the bytes sniff as a plain zip; told it is a DOCX (as the
    # pipeline would be for a blob sniffed earlier), the reader reports it damaged.
    assert sniff.sniff_mime(out.getvalue()) == sniff.ZIP
    with pytest.raises(ExtractionError) as info:
        extract(out.getvalue(), Context(filename="hollow.docx", mime_type=sniff.DOCX))
    assert info.value.code == FailureCode.CORRUPT


def test_entity_expansion_is_not_performed():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Plain words &b;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = _rewrite(fixtures.docx_file(), "word/document.xml", lambda _: bomb)
    text = all_text(run(data, "entities.docx"))
    assert "Plain words" in text
    assert "aaaaaaaaaa" not in text


def test_character_limit():
    result = run(fixtures.docx_file(), "response.docx", max_text_chars=40)
    assert sum(len(p.text) for p in result.pages) <= 40
    assert any("truncated" in w for w in result.warnings)
