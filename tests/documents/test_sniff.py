import io
import random
import zipfile

import pytest
from PIL import Image, features

from datascores.documents import sniff
from datascores.documents.extract.registry import file_type_for
from datascores.documents.sniff import sniff_mime

from . import fixtures


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("make", "misleading_name", "expected", "label"),
    [
        (fixtures.text_pdf, "letter.docx", sniff.PDF, "pdf"),
        (fixtures.docx_file, "letter.pdf", sniff.DOCX, "docx"),
        (fixtures.xlsx_file, "sheet.csv", sniff.XLSX, "xlsx"),
        (fixtures.pptx_file, "deck.zip", sniff.PPTX, "pptx"),
        (fixtures.odt_file, "note.zip", sniff.ODT, "odt"),
        (fixtures.zip_file, "bundle.docx", sniff.ZIP, "zip"),
        (lambda: fixtures.RTF, "memo.txt", sniff.RTF, "rtf"),
        (lambda: fixtures.HTML, "page.txt", sniff.HTML, "html"),
        (fixtures.eml_file, "mail.txt", sniff.EML, "eml"),
        (fixtures.tiff_frames, "scan.pdf", "image/tiff", "image"),
        (fixtures.png_file, "scan.jpg", "image/png", "image"),
    ],
)
def test_type_comes_from_the_bytes_not_the_extension(make, misleading_name, expected, label):
    data = make()
    mime = sniff_mime(data, misleading_name)
    assert mime == expected
    assert file_type_for(mime) == label
    # The same from an open file, which is left open at its start.
    with io.BytesIO(data) as fh:
        fh.seek(5)
        assert sniff.sniff_file(fh, misleading_name) == expected
        assert not fh.closed and fh.tell() == 0


def test_sniffing_a_large_file_reads_its_head_and_the_zip_directory_only(tmp_path):
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("data.bin", random.Random(5).randbytes(8 << 20))
        zf.writestr("word/document.xml", b"<w/>")
    assert path.stat().st_size > 8 << 20

    class Counting(io.FileIO):
        read_bytes = 0

        def read(self, size=-1):
            chunk = super().read(size)
            Counting.read_bytes += len(chunk)
            return chunk

        def readinto(self, buffer):
            n = super().readinto(buffer)
            Counting.read_bytes += n or 0
            return n

    with Counting(path, "rb") as fh:
        assert sniff.sniff_file(fh, "bundle.zip") == sniff.DOCX
    assert Counting.read_bytes < 1 << 20


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("BMP", "image/bmp"), ("TIFF", "image/tiff")],
)
def test_images(fmt, mime):
    assert sniff_mime(_image(fmt)) == mime


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_webp():
    assert sniff_mime(_image("WEBP")) == "image/webp"


@pytest.mark.parametrize(
    ("streams", "expected", "label"),
    [
        ({"WordDocument": b"w", "1Table": b"t"}, sniff.DOC, "doc"),
        ({"__substg1.0_0037001F": b"s", "__properties_version1.0": b"p"}, sniff.MSG, "msg"),
        ({"Workbook": b"w"}, sniff.XLS, "xls"),
        ({"EncryptionInfo": b"i", "EncryptedPackage": b"p"}, sniff.ENCRYPTED_OFFICE, "other"),
        ({"Something": b"s"}, sniff.OLE, "other"),
    ],
)
def test_ole_compound_files_are_told_apart_by_their_streams(streams, expected, label):
    mime = sniff_mime(fixtures.ole_file(streams), "file.doc")
    assert mime == expected
    assert file_type_for(mime) == label


def test_truncated_docx_is_still_recognised_as_docx():
    data = fixtures.docx_file()
    assert sniff_mime(data[: len(data) // 2]) == sniff.DOCX


def test_text_encodings():
    assert sniff_mime("Plain words, café.\n".encode()) == sniff.TEXT
    assert sniff_mime("Plain words, café.\n".encode("cp1252")) == sniff.TEXT
    assert sniff_mime("\ufeffUTF-16 words\n".encode("utf-16-le")) == sniff.TEXT
    assert sniff_mime(b"\xef\xbb\xbfUTF-8 with BOM\n") == sniff.TEXT


def test_csv_versus_text_uses_the_extension_only_to_break_the_tie():
    table = b"name,value,year\nQuillmarsh,48000,2023\nBrambleworth,12500,2024\n"
    assert sniff_mime(table, "register.csv") == sniff.CSV
    assert sniff_mime(table) == sniff.CSV
    assert sniff_mime(table, "register.txt") == sniff.TEXT
    prose = b"This letter explains, at length, why we hold no information.\nThanks.\n"
    assert sniff_mime(prose, "letter.txt") == sniff.TEXT
    assert sniff_mime(prose) == sniff.TEXT


def test_email_needs_real_mail_headers_at_the_start():
    assert sniff_mime(b"From: a@example.org\nTo: b@example.org\nSubject: hi\n\nBody\n") == sniff.EML
    assert sniff_mime(b"Note: this is just text\nwith a colon in the first line\n") == sniff.TEXT


def test_html_without_doctype():
    assert sniff_mime(b"<html><body><p>Hello</p></body></html>") == sniff.HTML
    assert sniff_mime(b"  <div><p>One</p><p>Two</p><table></table></div>") == sniff.HTML


def test_binary_and_empty():
    rng = random.Random(1)
    junk = bytes(rng.randrange(256) for _ in range(4096))
    assert sniff_mime(junk, "report.pdf") == sniff.OCTET
    assert sniff_mime(b"") == sniff.OCTET
    assert file_type_for(sniff.OCTET) == "other"


def test_file_type_labels_ignore_parameters_and_case():
    assert file_type_for("Text/HTML; charset=utf-8") == "html"
    assert file_type_for("text/csv") == "csv"
    assert file_type_for("image/webp") == "image"
    assert file_type_for("") == "other"


def test_pdf_header_after_junk_counts_but_a_mention_does_not():
    pdf = fixtures.text_pdf()
    assert sniff_mime(b"\x00\x00junk from a mail gateway\n" + pdf) == sniff.PDF
    assert sniff_mime(b"Notes: files start with %PDF-1.4 as their magic.\n") == sniff.TEXT


@pytest.mark.parametrize(
    "start",
    [
        b"BM",
        b"BMBC response",
        b"GIF89a",
        b"GIF87a",
        b"%PDF-1.7",
        b"{\\rtf",
        b"RIFF0000WEBP",
        b"\xff\xd8\xff",
    ],
    ids=lambda s: s.decode("latin-1"),
)
def test_text_that_begins_with_another_formats_magic_number_is_text(start):
    text = start + b" response to your request of 3 March about the data sharing pilot.\n" * 3
    assert sniff_mime(text, "a.txt") == sniff.TEXT


def test_issue_9_bmbc_response_is_text():
    assert sniff_mime(b"BMBC response\n", "a.txt") == sniff.TEXT


def test_images_whose_magic_is_not_followed_by_a_header_are_not_images():
    png = _image("PNG")
    assert sniff_mime(png[:8] + b"\x00" * 8 + png[16:]) != "image/png"
    bmp = bytearray(_image("BMP"))
    bmp[14:18] = (99).to_bytes(4, "little")  # no DIB header is 99 bytes long
    assert sniff_mime(bytes(bmp)) != "image/bmp"


def test_pdf_header_followed_by_a_long_run_of_digits_is_typed_and_objects_still_found():
    # A hostile page of digits once made the object pattern backtrack quadratically.
    assert sniff_mime(b"%PDF-1.4\n" + b"7" * 200_000, "x.pdf") == "text/plain"
    body = b"%PDF-1.4\n" + b"7" * 2_000 + b"\n12 0 obj\n<< >>\nendobj\n"
    assert sniff_mime(body, "x.pdf") == "application/pdf"
