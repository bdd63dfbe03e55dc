"""A hostile-input corpus, generated in code: encrypted, corrupt, bombs of each kind, path
traversal, billion laughs, giant images, mislabelled files, random bytes and text that
begins with other formats' magic numbers.

Each case is a file name (which may lie about the type), a function making its bytes,
the outcome the worker must record (``done`` or a failure code) and, for ``done``,
the notice codes it must carry. Used by tests/documents/test_hostile.py and by
``benchmarks/extract.py hostile`` (peak worker memory over the corpus).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from PIL import Image

from . import fixtures


@dataclass(frozen=True)
class Case:
    name: str  # the file name it arrives under (the id a regression names)
    make: Callable[[], bytes]
    outcome: str  # "done" or a FailureCode value
    notices: frozenset[str] = field(default_factory=frozenset)  # notice codes when done
    depth: int = 0  # containers above it, as the pipeline counts them
    limits: dict = field(default_factory=dict)  # Context overrides (smaller limits)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, method)
    return buf.getvalue()


def _with_entry(base: bytes, name: str, data: bytes) -> bytes:
    """A copy of an OOXML package with one part replaced."""
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info))
    return out.getvalue()


def _encrypted_member_zip() -> bytes:
    """A zip whose member claims to be encrypted (the flag, in both headers)."""
    data = bytearray(_zip({"secret.txt": b"Encrypted words"}, zipfile.ZIP_STORED))
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        flags = struct.unpack_from("<H", data, at + offset)[0]
        struct.pack_into("<H", data, at + offset, flags | 0x1)
    return bytes(data)


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


def _laughs_docx() -> bytes:
    body = (
        _LAUGHS.replace(b"lolz", b"w:document")
        + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
        b"<w:p><w:r><w:t>Council data sharing agreement</w:t></w:r></w:p></w:body></w:document>"
    )
    return _with_entry(fixtures.docx_file(), "word/document.xml", body)


def _laughs_xlsx() -> bytes:
    base = fixtures.xlsx_file()
    name = next(
        n
        for n in zipfile.ZipFile(io.BytesIO(base)).namelist()
        if n.startswith("xl/worksheets/sheet")
    )
    sheet = (
        _LAUGHS.replace(b"lolz", b"worksheet")
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _with_entry(base, name, sheet)


def _xml_bomb_docx() -> bytes:
    """A docx whose document part inflates to 64 MB (a zip bomb inside the package)."""
    body = b'<w:document xmlns:w="x"><w:body>' + b" " * (64 << 20) + b"</w:body></w:document>"
    return _with_entry(fixtures.docx_file(), "word/document.xml", body)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims enormous dimensions, with one tiny (wrong) data chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _decompression_bomb_png() -> bytes:
    """A real, valid 1-bit 20000 x 20000 PNG: 400 megapixels from about 60 KB."""
    image = Image.new("1", (20_000, 20_000), 1)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _tiff_frames(count: int) -> bytes:
    frames = [Image.new("L", (16, 16), 255) for _ in range(count)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def flate_bomb_pdf(megabytes: int = 300) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` of drawing operators."""
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * (1 << 16)
    parts, size = [], 0
    while size < megabytes << 20:
        parts.append(compressor.compress(chunk))
        size += len(chunk)
    parts.append(compressor.flush())
    stream = b"".join(parts)
    return fixtures.build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        ]
    )


def big_member_zip(megabytes: int) -> bytes:
    """A zip holding one member of `megabytes` (compressible, so the zip stays small)."""
    line = b"Quillmarsh council data sharing register, row of text.\n"
    return _zip({"register.txt": line * ((megabytes << 20) // len(line))})


def _many_parts_eml(parts: int = 3000) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", "Many parts"
    msg.set_content("A message with very many attachments.")
    for i in range(parts):
        msg.add_attachment(b"x", maintype="application", subtype="octet-stream",
                           filename=f"part-{i}.bin")  # fmt: skip
    return msg.as_bytes()


def _word_fib_at(data: bytes) -> int:
    return data.index(struct.pack("<HH", 0xA5EC, 0xC1))


def _lying_doc() -> bytes:
    """A .doc whose FIB claims two billion characters of text in its one small piece."""
    data = bytearray(fixtures.word97_doc("A short letter.\r"))
    at = _word_fib_at(data)
    struct.pack_into("<i", data, at + 0x4C, 2_000_000_000)
    return bytes(data)


def _lying_pieces_doc() -> bytes:
    """A .doc whose piece table says its one piece holds two billion characters."""
    data = bytearray(fixtures.word97_doc("A short letter.\r"))
    clx = data.index(b"\x01\x02\x00\x00\x00\x02")  # a Prc, then the Pcdt
    struct.pack_into("<I", data, clx + 10 + 4, 2_000_000_000)  # the end of piece 1
    struct.pack_into("<i", data, _word_fib_at(data) + 0x4C, 2_000_000_000)
    return bytes(data)


def _garbage_lists_doc() -> bytes:
    """A numbered .doc whose list tables point at random bytes: its text must survive."""
    data = bytearray(fixtures.word97_doc("Intro\rFirst question\r", lists={1: (1, 0)}))
    at = _word_fib_at(data)
    struct.pack_into("<II", data, at + 0x2E2, 3, 4000)  # the list table: the wrong bytes
    struct.pack_into("<II", data, at + 0x102, 7, 1000)  # paragraph properties likewise
    return bytes(data)


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _prose(prefix: bytes) -> bytes:
    words = b" response to your request about the council's data sharing pilot.\n"
    return prefix + words + b"We hold the information you asked for; it is attached below.\n" * 5


def _truncated(make: Callable[[], bytes]) -> Callable[[], bytes]:
    return lambda: (lambda data: data[: len(data) // 2])(make())


def _deep_html() -> bytes:
    return b"<html><body>" + b"<div>" * 100_000 + b"Deep words here" + b"</div>" * 100_000


def _deep_rtf() -> bytes:
    return b"{\\rtf1\\ansi " + b"{" * 50_000 + b"Deep words" + b"}" * 50_000 + b"}"


CASES: list[Case] = [
    # --- encrypted ---
    Case("encrypted.pdf", lambda: fixtures.encrypted_pdf("secret"), "encrypted"),
    Case(
        "encrypted.docx",
        lambda: fixtures.ole_file({"EncryptionInfo": b"i", "EncryptedPackage": b"p"}),
        "encrypted",
    ),
    Case("encrypted.doc", lambda: fixtures.word97_doc("Secret words\r", flags=0x0100), "encrypted"),
    Case("encrypted-member.zip", _encrypted_member_zip, "done", frozenset({"part_skipped"})),
    # --- corrupt and truncated ---
    Case("truncated.pdf", _truncated(fixtures.text_pdf), "corrupt"),
    Case(
        "truncated-tail.pdf",
        lambda: fixtures.text_pdf().rstrip()[: -len(b"%%EOF")],  # no end-of-file marker
        "done",
        frozenset({"partial"}),
    ),
    Case("truncated.docx", _truncated(fixtures.docx_file), "corrupt"),
    Case("truncated.xlsx", _truncated(fixtures.xlsx_file), "corrupt"),
    Case("truncated.pptx", _truncated(fixtures.pptx_file), "corrupt"),
    Case("truncated.odt", _truncated(fixtures.odt_file), "corrupt"),
    Case("truncated.png", _truncated(fixtures.png_file), "corrupt"),
    Case("truncated.zip", lambda: fixtures.zip_file()[:40], "corrupt"),
    Case(
        "damaged.doc",
        lambda: fixtures.ole_file({"WordDocument": b"\xec\xa5\xc1\x00" * 8, "1Table": b""}),
        "corrupt",
    ),
    Case("lying-character-count.doc", lambda: _lying_doc(), "done"),
    Case("lying-piece-table.doc", lambda: _lying_pieces_doc(), "corrupt"),
    Case("garbage-list-tables.doc", lambda: _garbage_lists_doc(), "done"),
    Case(
        "damaged.msg",
        lambda: fixtures.ole_file({"__substg1.0_0037001F": b"\xff" * 7}),
        "corrupt",
    ),
    Case("random.bin", lambda: _random(65_536, 1), "unsupported_format"),
    Case("random.pdf", lambda: _random(4096, 2), "unsupported_format"),
    Case("empty.pdf", lambda: b"", "empty"),
    # --- bombs ---
    Case(
        "zip-bomb.zip",
        lambda: fixtures.zip_bomb(64 << 20),
        "archive_limit",
        limits={"zip_max_total_bytes": 16 << 20},
    ),
    Case(
        "zip-bomb-lying.zip",
        lambda: fixtures.zip_bomb(64 << 20, lie=True),
        "done",
        frozenset({"part_skipped"}),
        limits={"zip_max_total_bytes": 16 << 20},
    ),
    Case("nested.zip", lambda: fixtures.nested_zip(6), "archive_limit", depth=3),
    Case(
        "zip-bomb-in.docx",
        _xml_bomb_docx,
        "archive_limit",
        limits={"zip_max_total_bytes": 16 << 20},
    ),
    Case("decompression-bomb.png", _decompression_bomb_png, "too_large"),
    Case("giant-dimensions.png", lambda: _png_header(100_000, 100_000), "too_large"),
    Case("flate-bomb.pdf", flate_bomb_pdf, "memory"),
    Case("billion-laughs.docx", _laughs_docx, "corrupt"),
    Case("billion-laughs.xlsx", _laughs_xlsx, "corrupt"),
    Case("deep-nesting.html", _deep_html, "done"),
    Case("deep-nesting.rtf", _deep_rtf, "done"),
    Case("many-parts.eml", _many_parts_eml, "done", frozenset({"partial"})),
    Case("frames-500.tiff", lambda: _tiff_frames(500), "done"),
    Case(
        "frames-500-over-limit.tiff",
        lambda: _tiff_frames(500),
        "done",
        frozenset({"page_limit"}),
        limits={"max_pages": 100},
    ),
    Case(
        "huge-text.txt",
        lambda: b"A line of words about the council.\n" * 50_000,
        "done",
        frozenset({"truncated"}),
        limits={"max_text_chars": 100_000},
    ),
    Case("big-member.zip", lambda: big_member_zip(40), "done"),
    # --- path traversal ---
    Case(
        "traversal.zip",
        lambda: _zip(
            {
                "../../etc/passwd": b"root:x:0:0",
                "/abs/path.txt": b"absolute",
                "C:\\windows\\evil.txt": b"drive",
                "safe/ok.txt": b"A safe member",
            }
        ),
        "done",
        frozenset({"part_skipped"}),
    ),
    # --- mislabelled ---
    Case("letter-really-docx.pdf", fixtures.docx_file, "done"),
    Case("sheet-really-xlsx.csv", fixtures.xlsx_file, "done"),
    Case("scan-really-png.pdf", fixtures.png_file, "done"),
    Case("report-really-pdf.docx", fixtures.text_pdf, "done"),
    Case("random-really.docx", lambda: _random(4096, 3), "unsupported_format"),
    # --- text beginning with another format's magic number ---
    Case("starts-BM.txt", lambda: _prose(b"BMBC"), "done"),
    Case("starts-GIF89a.txt", lambda: _prose(b"GIF89a"), "done"),
    Case("starts-PDF.txt", lambda: _prose(b"%PDF-1.7"), "done"),
    Case("starts-rtf.txt", lambda: _prose(b"{\\rtf"), "done"),
    Case("starts-PK.txt", lambda: _prose(b"PK\x03\x04"), "done"),
    Case("starts-OLE.txt", lambda: _prose(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "done"),
    Case("starts-RIFF-WEBP.txt", lambda: _prose(b"RIFF0000WEBP"), "done"),
    Case("starts-II.txt", lambda: _prose(b"II*"), "done"),
    Case("starts-JPEG.txt", lambda: _prose(b"\xff\xd8\xff\xdb"), "done"),
]
