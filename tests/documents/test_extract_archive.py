import io
import zipfile

import pytest

from datascores.documents.extract import Context, ExtractionError, FailureCode, extract
from datascores.documents.extract.archive import safe_name
from datascores.documents.sniff import sniff_mime

from . import fixtures
from .helpers import run


def test_members_become_members_and_junk_is_skipped():
    pdf = fixtures.text_pdf()
    result = run(fixtures.zip_file({"responses/letter.pdf": pdf, "notes.txt": b"Notes"}), "b.zip")
    assert {m.name: m.data for m in result.members} == {
        "responses/letter.pdf": pdf,
        "notes.txt": b"Notes",
    }
    listing = result.pages[0].text
    assert "responses/letter.pdf" in listing and "notes.txt" in listing
    assert "__MACOSX" not in listing and ".DS_Store" not in listing


def test_nesting_deeper_than_the_limit_fails_at_the_limit():
    data, depth = fixtures.nested_zip(6), 0
    with pytest.raises(ExtractionError) as info:
        while True:
            result = extract(data, Context(mime_type=sniff_mime(data), depth=depth))
            (member,) = result.members
            data, depth = member.data, depth + 1
    assert info.value.code == FailureCode.ARCHIVE_LIMIT
    assert depth == Context().max_nesting_depth == 3
    assert "nested 3 levels" in info.value.reason


def test_nesting_within_the_limit_reaches_the_bottom():
    data = fixtures.nested_zip(3)
    for depth in range(3):
        result = extract(data, Context(mime_type=sniff_mime(data), depth=depth))
        data = result.members[0].data
    assert data == b"The innermost Quillmarsh file"


def test_zip_bomb_with_honest_headers_is_refused_before_inflating():
    bomb = fixtures.zip_bomb(64 << 20)
    assert len(bomb) < 200_000
    with pytest.raises(ExtractionError) as info:
        run(bomb, "bomb.zip", zip_max_total_bytes=16 << 20)
    assert info.value.code == FailureCode.ARCHIVE_LIMIT
    assert "64 MB" in info.value.reason


def test_zip_bomb_with_lying_headers_yields_nothing_and_says_why():
    bomb = fixtures.zip_bomb(64 << 20, lie=True)
    assert zipfile.ZipFile(io.BytesIO(bomb)).infolist()[0].file_size == 1000
    result = run(bomb, "liar.zip", zip_max_total_bytes=16 << 20)
    assert result.members == []
    assert any("claims 1,000 bytes" in w for w in result.warnings)


def test_member_count_limit():
    members = {f"file{i}.txt": b"x" for i in range(12)}
    with pytest.raises(ExtractionError) as info:
        run(fixtures.zip_file(members), "many.zip", zip_max_members=10)
    assert info.value.code == FailureCode.ARCHIVE_LIMIT
    assert "12 files" in info.value.reason


def test_total_size_limit_counts_real_bytes():
    members = {"a.txt": b"a" * 6000, "b.txt": b"b" * 6000}
    with pytest.raises(ExtractionError) as info:
        run(fixtures.zip_file(members), "big.zip", zip_max_total_bytes=10_000)
    assert info.value.code == FailureCode.ARCHIVE_LIMIT


def test_path_traversal_names_are_rejected_harmlessly():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../etc/passwd", b"evil")
        zf.writestr("/abs/path.txt", b"evil")
        zf.writestr("ok/./fine.txt", b"fine")
    result = run(buf.getvalue(), "evil.zip")
    assert [m.name for m in result.members] == ["ok/fine.txt"]
    assert sum("outside the archive" in w for w in result.warnings) == 2


def test_safe_name():
    assert safe_name("a/b/../c") is None
    assert safe_name("C:\\Windows\\x") is None
    assert safe_name("dir\\file.txt") == "dir/file.txt"
    assert safe_name("./a//b") == "a/b"


def test_encrypted_member_is_skipped_with_a_warning():
    data = bytearray(fixtures.zip_file({"secret.txt": b"hidden", "open.txt": b"visible"}))
    # Set the 'encrypted' flag of secret.txt in its local and central headers.
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at : at + name_at + 10] == b"secret.txt":
                data[at + flag_at] |= 1
            at = data.find(signature, at + 4)
    result = run(bytes(data), "mixed.zip")
    assert [m.name for m in result.members] == ["open.txt"]
    assert any("secret.txt" in w and "encrypted" in w for w in result.warnings)


def test_damaged_zip_is_corrupt():
    data = fixtures.zip_file()
    with pytest.raises(ExtractionError) as info:
        extract(data[: len(data) // 2], Context(mime_type="application/zip"))
    assert info.value.code == FailureCode.CORRUPT


def test_a_damaged_member_is_skipped_and_the_rest_kept():
    import zipfile as zf_mod

    data = bytearray(fixtures.zip_file({"good.txt": b"fine text " * 50, "bad.txt": b"x" * 5000}))
    # Corrupt bad.txt's compressed bytes (not its headers): its checksum will fail.
    with zf_mod.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("bad.txt")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + 8] = b"\x00" * 8
    result = extract(bytes(data), Context(mime_type="application/zip"))
    assert [m.name for m in result.members] == ["good.txt"]
    assert any("bad.txt" in w and "damaged" in w for w in result.warnings)
