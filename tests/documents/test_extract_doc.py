"""Legacy .doc (Word 97-2003) read in Python: documents built to [MS-DOC] by the
fixtures, and the real FOI .doc files of the shared corpus (skipped when it is absent),
compared with antiword where antiword happens to be installed."""

import io
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import olefile
import pytest

from datascores.documents import sniff
from datascores.documents.extract import Context, ExtractionError, FailureCode, extract
from datascores.documents.extract.wordbin import WordFormatError, read_word, resolve

from . import fixtures
from .helpers import all_text

CORPUS = Path(
    os.environ.get("DATASCORES_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus"
)
LETTER = (
    "Freedom of Information request 11917\r"
    "Dear requester,\r"
    "We use the combined predictive model to identify households.\r"
)


def _read(data: bytes):
    return extract(data, Context(filename="letter.doc", mime_type=sniff.sniff_mime(data)))


def test_an_8bit_word97_document_is_read():
    data = fixtures.word97_doc(LETTER + "Prices rose \u201csharply\u201d \u2013 by 5\u20ac.\r")
    assert sniff.sniff_mime(data, "letter.pdf") == sniff.DOC
    result = _read(data)
    text = all_text(result)
    assert "We use the combined predictive model to identify households." in text
    assert "Prices rose \u201csharply\u201d \u2013 by 5\u20ac." in text
    assert result.title == "Freedom of Information request 11917"


def test_a_unicode_word97_document_is_read_from_either_table_stream():
    for table in ("0Table", "1Table"):
        data = fixtures.word97_doc("Łódź and Zürich councils replied.\r", unicode=True, table=table)
        assert "Łódź and Zürich councils replied." in all_text(_read(data))


def test_fields_show_their_result_and_tables_become_tab_separated_rows():
    body = (
        'See the \x13 HYPERLINK "https://example.org/x" \x14council website\x15 for more.\r'
        "Page \x13 PAGE \x142\x15 of the reply.\r"
        "System\x07Supplier\x07\x07Connect\x07In house\x07\x07"
    )
    text = all_text(_read(fixtures.word97_doc(body)))
    assert "See the council website for more." in text
    assert "HYPERLINK" not in text and "PAGE" not in text
    assert "System\tSupplier" in text
    assert "Connect\tIn house" in text


def test_footnotes_and_text_boxes_are_read_and_headers_appear_once():
    data = fixtures.word97_doc(
        {
            "main": LETTER,
            "footnotes": "Footnote: the model was retired in 2019.\r",
            "headers": "Quillmarsh Council\r\rQuillmarsh Council\r",
            "comments": "Reviewer: check this before sending\r",
            "textboxes": "Boxed: contact the records office\r",
        }
    )
    text = all_text(_read(data))
    assert "the model was retired in 2019" in text
    assert "contact the records office" in text
    assert text.count("Quillmarsh Council") == 1
    assert "Reviewer" not in text  # comments are not part of the document


@pytest.mark.parametrize("unicode", [False, True], ids=["8bit", "utf16"])
def test_automatic_list_numbers_are_written_as_word_shows_them(unicode):
    body = (
        "Your request\rFirst question\rSub point\rAnother sub point\rSecond question\r"
        "A bullet\rThird question\rClosing words\r"
    )
    lists = {1: (1, 0), 2: (1, 1), 3: (1, 1), 4: (1, 0), 5: (2, 0), 6: (1, 0)}
    text = all_text(_read(fixtures.word97_doc(body, unicode=unicode, lists=lists)))
    assert text.splitlines() == [
        "Your request",
        "1.\tFirst question",
        "a)\tSub point",
        "b)\tAnother sub point",
        "2.\tSecond question",
        "\u2022\tA bullet",
        "3.\tThird question",
        "Closing words",
    ]


def test_list_formatting_that_cannot_be_read_leaves_the_text_alone():
    data = bytearray(fixtures.word97_doc("Intro\rFirst question\r", lists={1: (1, 0)}))
    at = data.index(struct.pack("<HH", 0xA5EC, 0xC1))
    struct.pack_into("<I", data, at + 0x2E2, 10_000_000)  # the list table is nowhere
    assert all_text(_read(bytes(data))).splitlines() == ["Intro", "First question"]


def test_title_comes_from_the_summary_information():
    result = _read(fixtures.word97_doc(LETTER, title="Response to request 11917"))
    assert result.title == "Response to request 11917"


def test_a_password_protected_document_is_encrypted():
    with pytest.raises(ExtractionError) as info:
        _read(fixtures.word97_doc(LETTER, flags=0x0100))
    assert info.value.code == FailureCode.ENCRYPTED


@pytest.mark.parametrize(
    "damage",
    [
        "no_table_stream",
        "bad_ident",
        "clx_outside",
        "piece_outside",
        "piece_outside_unicode",
        "short_fib",
    ],
)
def test_damaged_documents_are_corrupt_with_a_reason(damage):
    data = fixtures.word97_doc(LETTER)
    if damage == "no_table_stream":
        data = fixtures.word97_doc(LETTER, table="0Table", flags=0x0200)  # claims 1Table
    elif damage == "bad_ident":
        data = data.replace(struct.pack("<HH", 0xA5EC, 0xC1), b"\x00\x00\xc1\x00", 1)
    elif damage == "clx_outside":
        at = data.index(struct.pack("<HH", 0xA5EC, 0xC1))
        data = bytearray(data)
        struct.pack_into("<I", data, at + 0x1A2, 10_000_000)
        data = bytes(data)
    elif damage.startswith("piece_outside"):
        # The piece table and FIB of a long letter over a WordDocument stream cut short.
        full = fixtures.word97_doc(LETTER * 200, unicode=damage.endswith("unicode"))
        at = full.index(struct.pack("<HH", 0xA5EC, 0xC1))
        data = fixtures.ole_file(
            {
                "WordDocument": full[at : at + 0x400].ljust(4096, b"\x00"),
                "1Table": _clx_of(full),
            }
        )
    elif damage == "short_fib":
        data = fixtures.ole_file({"WordDocument": b"\xec\xa5\xc1\x00" * 4, "1Table": b"\x00"})
    with pytest.raises(ExtractionError) as info:
        _read(data)
    assert info.value.code == FailureCode.CORRUPT
    assert "Word (.doc)" in info.value.reason


def _clx_of(doc: bytes) -> bytes:
    """The 1Table stream of a fixture document (the piece table at its start)."""
    with olefile.OleFileIO(io.BytesIO(doc)) as ole:
        return ole.openstream("1Table").read()


@pytest.mark.parametrize("version", [101, 104], ids=["word6", "word95"])
def test_word6_and_95_documents_keep_their_text_in_one_run(version):
    fib = bytearray(0x300)
    struct.pack_into("<HH", fib, 0, 0xA5EC, version)
    text = b"A Word 95 reply about the data warehouse.\r"
    struct.pack_into("<II", fib, 0x18, len(fib), len(fib) + len(text))
    data = fixtures.ole_file({"WordDocument": (bytes(fib) + text).ljust(4096, b"\x00")})
    word = read_word(data)
    assert word.main == "A Word 95 reply about the data warehouse.\n"
    assert word.word_version == version


def test_special_characters_resolve_to_plain_text():
    assert resolve("a\x0bb\x0cc\x1ed\x1fe\x01f") == "a\nb\nc-def"
    assert resolve("\x13 outer \x13 inner \x14x\x15 \x14result\x15!") == "result!"
    with pytest.raises(WordFormatError):
        read_word(b"not a compound file at all")


# --- the real corpus ---------------------------------------------------------------------

CORPUS_DOCS = sorted((CORPUS / "foi").glob("*.doc")) if (CORPUS / "foi").is_dir() else []


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_DOCS, reason="shared corpus not available")
@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("NHS Manchester CCG FOI report 11917.doc", "We use the combined predictive model"),
        (
            "[Connect Measure] 2018-04-06 - 16079 - Response.doc",
            "the associated system is CareFirst 6",
        ),
    ],
)
def test_real_legacy_word_files(name, phrase):
    data = (CORPUS / "foi" / name).read_bytes()
    assert sniff.sniff_mime(data, name) == sniff.DOC
    result = extract(data, Context(filename=name, mime_type=sniff.DOC))
    assert phrase in " ".join(all_text(result).split())
    assert result.metadata.get("created")


@pytest.mark.corpus
@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed to compare")
@pytest.mark.parametrize("path", CORPUS_DOCS, ids=lambda p: p.name)
def test_every_word_antiword_finds_is_found(path):
    """Fidelity against antiword: the same words, and each list number antiword writes
    ("1.", "2.") too. (antiword leaves out the numbers of lists inside tables, which Word
    shows and this reader writes.)"""
    expected = subprocess.run(
        ["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)], capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")
    result = extract(path.read_bytes(), Context(filename=path.name, mime_type=sniff.DOC))

    def words(text: str) -> list[str]:
        return [w for w in re.findall(r"[^\W\d_]{2,}", text.lower()) if w != "pic"]

    assert words(all_text(result)) == words(expected)
    numbers = re.compile(r"^\s*(\d+[.)])\s", re.M)
    assert set(numbers.findall(expected)) <= set(numbers.findall(all_text(result)))
