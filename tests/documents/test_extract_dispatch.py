import json
import pickle
import random

import pytest

from datascores.documents import sniff
from datascores.documents.extract import (
    SUPPORTED_MIME_TYPES,
    Context,
    ExtractionError,
    FailureCode,
    Notice,
    NoticeCode,
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


def test_truncation_is_a_coded_notice_given_once():
    text = ("A long line of response text about the pilot. " * 40 + "\n") * 200
    result = run(text.encode(), "long.txt", max_text_chars=5000)
    truncated = [w for w in result.warnings if w.code == NoticeCode.TRUNCATED]
    assert len(truncated) == 1
    assert sum(len(p.text) for p in result.pages) <= 5000


def test_page_limit_is_a_coded_notice_and_pages_are_numbered_in_order():
    result = run(
        fixtures.text_pdf([f"Page {n} words about data sharing" for n in range(6)]),
        "a.pdf",
        max_pages=4,
    )
    assert [p.number for p in result.pages] == [1, 2, 3, 4]
    assert [w.code for w in result.warnings] == [NoticeCode.PAGE_LIMIT]
    assert "first 4 of 6 pages" in result.warnings[0]


def test_notices_survive_the_trip_from_the_extraction_child_as_sentences():
    notice = Notice(NoticeCode.PARTIAL, "Only part was read.")
    back = pickle.loads(pickle.dumps(notice))  # noqa: S301 - our own bytes
    assert back == "Only part was read." and back.code == NoticeCode.PARTIAL
    assert json.dumps([back]) == '["Only part was read."]'


def test_the_dispatcher_supplies_the_title_when_the_reader_has_none():
    result = run(b"\n\nSchool admissions data sharing agreement\n\nDear requester, ...\n", "a.txt")
    assert result.title == "School admissions data sharing agreement"
    table = run(b"name,value,year\nQuillmarsh,48000,2023\nBrambleworth,12500,2024\n", "r.csv")
    assert table.title == ""


def test_members_wait_in_files_until_cleanup(tmp_path):
    data = fixtures.zip_file({"a.txt": b"first member", "b.txt": b"second member"})
    result = run(data, "bundle.zip", scratch_dir=str(tmp_path))
    assert [(m.name, m.size) for m in result.members] == [("a.txt", 12), ("b.txt", 13)]
    for member in result.members:
        assert member.path.startswith(str(tmp_path))
        with member.open() as fh:
            assert fh.read() == member.data
    result.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_extraction_leaves_no_member_files(tmp_path, monkeypatch):
    from datascores.documents.extract import archive

    def crash(n):  # the reader breaks after it has written the first member
        raise RuntimeError("listing failed")

    monkeypatch.setattr(archive, "_size", crash)
    data = fixtures.zip_file({"a.txt": b"first member", "b.txt": b"second member"})
    with pytest.raises(ExtractionError) as info:
        run(data, "bundle.zip", scratch_dir=str(tmp_path))
    assert info.value.code == FailureCode.ERROR
    assert list(tmp_path.iterdir()) == []


def test_member_files_go_with_the_last_reference_to_the_result(tmp_path):
    result = run(fixtures.zip_file({"a.txt": b"first member"}), "b.zip", scratch_dir=str(tmp_path))
    assert list(tmp_path.iterdir())
    del result
    assert list(tmp_path.iterdir()) == []


def test_memory_running_out_inside_a_reader_is_memory_not_a_damaged_file(monkeypatch):
    from datascores.documents.extract import xlsx

    def exhausted(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(xlsx, "load_workbook", exhausted)
    with pytest.raises(MemoryError):
        run(fixtures.xlsx_file(), "sheet.xlsx")


def test_the_dispatcher_cuts_what_a_reader_let_past_the_limits(monkeypatch):
    from datascores.documents.extract.base import Extracted, PageText

    def careless(data, ctx, budget):  # ignores the budget entirely
        pages = [PageText(number=n, text="word " * 400) for n in range(1, 11)]
        return Extracted(pages=pages, warnings=["A plain sentence from an old reader."])

    monkeypatch.setattr(text_module, "extract", careless)
    result = run(b"hello there\n", "a.txt", max_pages=3, max_text_chars=5000)
    assert len(result.pages) == 3
    assert sum(len(p.text) for p in result.pages) == 5000
    assert [w.code for w in result.warnings] == [
        NoticeCode.PARTIAL,
        NoticeCode.PAGE_LIMIT,
        NoticeCode.TRUNCATED,
    ]


def test_isolated_extraction_leaves_no_files_when_the_child_is_killed(tmp_path, monkeypatch):
    from datascores.documents.extract import archive, extract_isolated

    def hang(n):  # the reader stalls after writing its members
        while True:
            pass

    monkeypatch.setattr(archive, "_size", hang)
    data = fixtures.zip_file({"a.txt": b"first member", "b.txt": b"second member"})
    ctx = Context(filename="b.zip", mime_type=sniff.ZIP, scratch_dir=str(tmp_path))
    with pytest.raises(ExtractionError) as info:
        extract_isolated(data, ctx, timeout=1, memory_mb=300)
    assert info.value.code == FailureCode.TIMEOUT
    assert list(tmp_path.iterdir()) == []


def test_isolated_extraction_hands_members_over_as_files(tmp_path):
    from datascores.documents.extract import extract_isolated

    data = fixtures.zip_file({"a.txt": b"first member"})
    ctx = Context(filename="b.zip", mime_type=sniff.ZIP, scratch_dir=str(tmp_path))
    result = extract_isolated(data, ctx, timeout=30, memory_mb=300)
    (member,) = result.members
    assert member.data == b"first member"
    result.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_isolated_extraction_can_read_the_file_itself(tmp_path):
    from datascores.documents.extract import extract_isolated

    path = tmp_path / "letter.pdf"
    path.write_bytes(fixtures.text_pdf(["The Brambleworth model was retired in 2019."]))
    ctx = Context(filename="letter.pdf", mime_type=sniff.PDF)
    result = extract_isolated(path, ctx, timeout=30, memory_mb=500)
    assert "retired in 2019" in result.pages[0].text
    with pytest.raises(ExtractionError) as info:
        extract_isolated(tmp_path / "gone.pdf", ctx, timeout=30, memory_mb=500)
    assert info.value.code == FailureCode.ERROR
