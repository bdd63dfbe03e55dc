import pytest

from datascores.documents.extract import ExtractionError, FailureCode
from datascores.documents.extract.text import decode
from datascores.documents.isolation import run_isolated

from .helpers import all_text, run


def test_utf8_cp1252_and_utf16():
    assert "café costs £5" in all_text(run("café costs £5\n".encode(), "a.txt"))
    assert "café costs £5" in all_text(run("café costs £5\n".encode("cp1252"), "a.txt"))
    assert "café costs £5" in all_text(run("\ufeffcafé costs £5\n".encode("utf-16-le"), "a.txt"))


def test_csv_keeps_its_rows():
    result = run(b"name,value\nQuillmarsh,48000\nBrambleworth,12500\n", "register.csv")
    assert result.pages[0].text.splitlines() == [
        "name,value",
        "Quillmarsh,48000",
        "Brambleworth,12500",
    ]
    assert result.title == ""


def test_long_text_is_cut_into_pages_of_a_sensible_size():
    data = b"".join(b"Line %d of a long register of decisions.\n" % i for i in range(20_000))
    result = run(data, "long.txt")
    assert len(result.pages) > 50
    assert all(len(p.text) <= 10_000 for p in result.pages)
    assert [p.number for p in result.pages] == list(range(1, len(result.pages) + 1))
    assert "Line 0 of" in result.pages[0].text
    assert "Line 19999 of" in result.pages[-1].text


def test_decode_never_reads_more_than_it_needs():
    text, encoding, truncated = decode(b"abc" * 1000, max_chars=10)
    assert (text, encoding, truncated) == ("abcabcabca", "utf-8", True)


def test_a_100_mb_text_file_ends_done_with_what_could_be_read_in_bounded_memory():
    line = b"Council minutes: the Xylofinder risk tool was discussed again today.\n"
    data = line * (100 * 1024 * 1024 // len(line) + 1)
    assert len(data) >= 100 * 1024 * 1024
    # In a child limited to 600 MB beyond the parent (which already holds the 100 MB).
    result = run_isolated(run, data, "huge.txt", timeout=120, memory_mb=600)
    assert sum(len(p.text) for p in result.pages) <= 5_000_000
    assert len(result.pages) <= 2000
    assert any("truncated" in w for w in result.warnings)
    assert "Xylofinder" in result.pages[0].text


def test_whitespace_only_file_has_no_text():
    with pytest.raises(ExtractionError) as info:
        run(b" \n\n \t \n", "blank.txt")
    assert info.value.code == FailureCode.NO_TEXT
