import random

import pytest

from datascores.documents import sniff
from datascores.documents.extract import (
    SUPPORTED_MIME_TYPES,
    Context,
    ExtractionError,
    FailureCode,
    extract,
)
from datascores.documents.extract import text as text_module

from . import fixtures
from .helpers import run


def test_supported_types_cover_the_formats_foi_responses_arrive_in():
    for mime in (
        sniff.PDF,
        sniff.DOCX,
        sniff.XLSX,
        sniff.PPTX,
        sniff.DOC,
        sniff.RTF,
        sniff.ODT,
        sniff.HTML,
        sniff.TEXT,
        sniff.CSV,
        sniff.EML,
        sniff.MSG,
        sniff.ZIP,
        "image/png",
        "image/jpeg",
        "image/tiff",
    ):
        assert mime in SUPPORTED_MIME_TYPES


def test_zero_bytes_are_empty():
    with pytest.raises(ExtractionError) as info:
        extract(b"", Context(filename="nothing.pdf"))
    assert info.value.code == FailureCode.EMPTY


def test_unrecognised_bytes_are_unsupported_with_a_sentence():
    rng = random.Random(3)
    junk = bytes(rng.randrange(256) for _ in range(2048))
    with pytest.raises(ExtractionError) as info:
        run(junk, "mystery.pdf")
    assert info.value.code == FailureCode.UNSUPPORTED
    assert "could not be recognised" in info.value.reason


def test_legacy_excel_is_unsupported_and_says_so():
    with pytest.raises(ExtractionError) as info:
        run(fixtures.ole_file({"Workbook": b"\x09\x08"}), "old.xls")
    assert info.value.code == FailureCode.UNSUPPORTED
    assert ".xls" in info.value.reason


def test_password_protected_office_file_is_encrypted():
    data = fixtures.ole_file({"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"\x00"})
    with pytest.raises(ExtractionError) as info:
        run(data, "locked.docx")
    assert info.value.code == FailureCode.ENCRYPTED


def test_wrong_extension_is_read_by_content():
    result = run(fixtures.docx_file(), "actually-a-word-file.pdf")
    assert "Nettlebridge" in result.pages[0].text


def test_a_bug_in_a_reader_becomes_an_error_with_a_reason(monkeypatch):
    def broken(data, ctx, budget):
        raise KeyError("oops")

    monkeypatch.setattr(text_module, "extract", broken)
    with pytest.raises(ExtractionError) as info:
        run(b"hello there\n", "a.txt")
    assert info.value.code == FailureCode.ERROR
    assert "KeyError" in info.value.reason


def test_document_without_any_text_is_no_text():
    import io

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    with pytest.raises(ExtractionError) as info:
        run(buf.getvalue(), "blank.docx")
    assert info.value.code == FailureCode.NO_TEXT
