"""What a file is, judged from its bytes: FOI responses often arrive with wrong extensions."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import PurePath
from typing import BinaryIO

import olefile

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
MSG = "application/vnd.ms-outlook"
OLE = "application/x-ole-storage"
ENCRYPTED_OFFICE = "application/x-encrypted-office"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
ZIP = "application/zip"
RTF = "application/rtf"
EML = "message/rfc822"
HTML = "text/html"
TEXT = "text/plain"
CSV = "text/csv"
OCTET = "application/octet-stream"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# BITMAPCOREHEADER, the OS/2 2.x headers, BITMAPINFOHEADER and its V2-V5 successors.
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
# OOXML parts that identify the application; checked against member names.
_OOXML_PARTS = [
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
]
_ODF = {
    "application/vnd.oasis.opendocument.text": ODT,
    "application/vnd.oasis.opendocument.spreadsheet": ODS,
    "application/vnd.oasis.opendocument.presentation": ODP,
}
_SAMPLE = 64 * 1024
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]?")
_MAIL_HEADERS = {
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"received",
    b"return-path",
    b"mime-version",
    b"content-type",
    b"reply-to",
    b"sender",
    b"delivered-to",
}
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
# A local file header: version needed (at most 6.3), flags, a known compression method.
_LOCAL_HEADER = re.compile(rb"PK\x03\x04[\x00-\x3f]\x00..(?:[\x00-\x0e\x5d-\x63])\x00", re.S)
# Bounded, and never starting inside a run of digits: a long run of digits cost quadratic
# time with an unbounded \d+ (100 KB took 30 s).
_PDF_OBJECT = re.compile(rb"(?<!\d)\d{1,10}\s+\d{1,5}\s+obj\b")
_HTML_TAGS = re.compile(rb"<(?:html|head|body|title|div|p|table|meta|script|a\s)[\s>]", re.I)


def sniff_mime(data: bytes, filename: str = "") -> str:
    """MIME type from the bytes; the filename only breaks ties between text types.

    A magic number counts only when the structure behind it checks out, so a text that
    happens to begin with "BM", "GIF89a" or "%PDF-" is still read as text.
    """
    return _sniff(data[:_SAMPLE], len(data), data, filename)


def sniff_file(fh: BinaryIO, filename: str = "") -> str:
    """sniff_mime for an open binary file, reading only what it needs: the first 64 KB,
    and for a ZIP or OLE container its directory, so a large file never sits in memory.
    The file is left positioned at its start."""
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    head = fh.read(_SAMPLE)
    try:
        return _sniff(head, size, fh, filename)
    finally:
        fh.seek(0)


def _sniff(head: bytes, size: int, whole: bytes | BinaryIO, filename: str) -> str:
    """head: the first bytes (up to 64 KB); whole: all of it, as bytes or a seekable file,
    opened only for containers, whose directories can lie anywhere."""
    if not head:
        return OCTET
    if _is_pdf(whole if isinstance(whole, bytes) else head):
        return PDF
    if head.startswith(_OLE_MAGIC):
        # Unreadable as a compound file: text that happens to start so, or a damaged one.
        return _sniff_ole(whole) or _text_or(head, size, filename, OLE)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        start = whole[: _SAMPLE * 4] if isinstance(whole, bytes) else head
        return _sniff_zip(whole, start) or _text_or(head, size, filename, ZIP)
    if _RTF.match(head):
        return RTF
    image = image_type(head, size)
    if image:
        return image
    return _sniff_text(head, size, filename)


def _text_or(head: bytes, size: int, filename: str, otherwise: str) -> str:
    found = _sniff_text(head, size, filename)
    return otherwise if found == OCTET else found


_RTF = re.compile(rb"\{\\rtf(?:1|\\|\{)")


def image_type(data: bytes, size: int | None = None) -> str | None:
    """The image MIME type whose header (not just magic) the bytes carry, or None.
    data may be the head of a file of `size` bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png" if data[12:16] == b"IHDR" else None
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg" if _is_jpeg(data, len(data) if size is None else size) else None
    if data.startswith((b"II*\x00", b"MM\x00*")):
        order = "little" if data[:2] == b"II" else "big"
        first_ifd = int.from_bytes(data[4:8], order)
        return "image/tiff" if len(data) >= 8 and 8 <= first_ifd < len(data) else None
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif" if _is_gif(data) else None
    if data.startswith(b"BM"):
        return "image/bmp" if _is_bmp(data) else None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp" if data[12:16] in (b"VP8 ", b"VP8L", b"VP8X") else None
    return None


def _is_jpeg(data: bytes, size: int) -> bool:
    """After the start-of-image marker, segments (0xFF, a marker, a length) chain within
    the file, as far as the sample shows: text that begins "\xff\xd8\xff" does not."""
    pos, seen = 2, 0
    while pos + 4 <= len(data) and seen < 4:
        marker = data[pos + 1]
        if data[pos] != 0xFF or marker < 0xC0 or marker == 0xFF:
            return False
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return True
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length >= size:
            return False
        pos += 2 + length
        seen += 1
    return seen > 0 and (pos >= len(data) or seen == 4)


def _is_gif(data: bytes) -> bool:
    """A logical screen of some size, then (after any colour table) a block introducer."""
    if len(data) < 14:
        return False
    width = int.from_bytes(data[6:8], "little")
    height = int.from_bytes(data[8:10], "little")
    flags = data[10]
    table = 3 * (2 ** ((flags & 0x07) + 1)) if flags & 0x80 else 0
    after = 13 + table
    return width > 0 and height > 0 and after < len(data) and data[after] in b"!,;"


def _is_bmp(data: bytes) -> bool:
    """BITMAPFILEHEADER then a DIB header of a known size: a file size, pixel offset and
    dimensions that fit together (a text starting "BM" has none of these)."""
    if len(data) < 26:
        return False
    declared = int.from_bytes(data[2:6], "little")
    offset = int.from_bytes(data[10:14], "little")
    header = int.from_bytes(data[14:18], "little")
    if header not in _BMP_HEADER_SIZES or offset < 14 + header:
        return False
    if declared and declared < offset:
        return False
    if header == 12:
        width = int.from_bytes(data[18:20], "little")
        height = int.from_bytes(data[20:22], "little")
        planes = int.from_bytes(data[22:24], "little")
    else:
        if len(data) < 30:
            return False
        width = int.from_bytes(data[18:22], "little", signed=True)
        height = int.from_bytes(data[22:26], "little", signed=True)
        planes = int.from_bytes(data[26:28], "little")
    return width > 0 and height != 0 and planes == 1


def _is_pdf(data: bytes) -> bool:
    """A %PDF-n.m header at the start (or, as readers allow, within the first KB after
    junk) with the body of a PDF after it: an object, a cross-reference or an end
    marker. A text that merely begins with or mentions %PDF- is not a PDF."""
    at = data.find(b"%PDF-", 0, 1024)
    if at == -1 or not _PDF_VERSION.match(data, at):
        return False
    if _PDF_OBJECT.search(data, at, at + _SAMPLE):
        return True
    return b"%%EOF" in data[-2048:] and b"trailer" in data[-_SAMPLE:]


_PDF_VERSION = re.compile(rb"%PDF-\d\.\d")


def _sniff_ole(whole: bytes | BinaryIO) -> str | None:
    """OLE2 compound files: legacy Word, Excel, PowerPoint, Outlook, encrypted OOXML;
    None when it cannot be read as one."""
    try:
        with olefile.OleFileIO(_file(whole)) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception:
        return None
    top = {n.split("/")[0] for n in names}
    if "WordDocument" in top:
        return DOC
    if any(n.startswith("__substg1.0_") for n in top):
        return MSG
    if "Workbook" in top or "Book" in top:
        return XLS
    if "PowerPoint Document" in top:
        return PPT
    if "EncryptedPackage" in top:
        return ENCRYPTED_OFFICE
    return OLE


def _file(whole: bytes | BinaryIO) -> BinaryIO:
    if isinstance(whole, bytes | bytearray | memoryview):
        return io.BytesIO(whole)
    whole.seek(0)
    return whole  # zipfile and olefile leave a file they were given open


def _sniff_zip(whole: bytes | BinaryIO, head: bytes) -> str | None:
    """ZIP containers: OOXML and ODF by their members, anything else is a plain zip;
    None when neither the directory nor a local header can be read."""
    try:
        with zipfile.ZipFile(_file(whole)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200:
                    declared = zf.read("mimetype").decode("ascii", "replace").strip()
                    if declared in _ODF:
                        return _ODF[declared]
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        # No central directory (a truncated upload): look at local header names instead.
        for part, mime in _OOXML_PARTS:
            if part.encode() in head:
                return mime
        m = re.match(
            rb"PK\x03\x04.{26}mimetype(application/vnd\.oasis\.opendocument\.\w+)", head, re.S
        )
        if m and m.group(1).decode() in _ODF:
            return _ODF[m.group(1).decode()]
        return ZIP if _LOCAL_HEADER.match(head) else None
    for part, mime in _OOXML_PARTS:
        if part in names:
            return mime
    return ZIP


def _decode_sample(sample: bytes, truncated: bool) -> str | None:
    """Decode a text sample, or None if it does not look like text."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return sample[3:].decode("utf-8", "replace")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return sample.decode("utf-16", "replace")
    if b"\x00" in sample:
        return None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample boundary is still UTF-8.
        if truncated and exc.start >= len(sample) - 3:
            text = sample[: exc.start].decode("utf-8")
        else:
            text = sample.decode("cp1252", "replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\x0c")
    odd = controls + text.count("\ufffd")
    if text and odd / len(text) > 0.01:
        return None
    return text


def _sniff_text(sample: bytes, size: int, filename: str) -> str:
    text = _decode_sample(sample, truncated=size > len(sample))
    if text is None:
        return OCTET
    raw = text.encode("utf-8", "replace")
    if _looks_like_email(raw):
        return EML
    if _HTML_START.match(raw) or len(_HTML_TAGS.findall(raw[:4096])) >= 3:
        return HTML
    ext = PurePath(filename).suffix.lower()
    if _looks_tabular(text):
        return TEXT if ext in {".txt", ".text", ".log", ".md"} else CSV
    if ext in {".csv", ".tsv"} and not any(len(line) > 500 for line in text.splitlines()[:50]):
        return CSV
    return TEXT


def _looks_like_email(raw: bytes) -> bool:
    """RFC 822: a block of 'Name: value' header lines at the start, some of them mail ones."""
    lines = raw.lstrip(b"\r\n").split(b"\n")
    if lines and lines[0].startswith(b"From ") and not lines[0].startswith(b"From: "):
        lines = lines[1:]  # mbox separator line
    known = 0
    headers = 0
    for line in lines[:200]:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t") and headers:
            continue  # folded continuation
        if not _HEADER_LINE.match(line):
            return False
        headers += 1
        if line.split(b":", 1)[0].strip().lower() in _MAIL_HEADERS:
            known += 1
    return known >= 2 and headers >= 2


def _looks_tabular(text: str) -> bool:
    """Several lines with the same (non-zero) count of one delimiter."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and len(text) >= _SAMPLE - 1:
        lines = lines[:-1]  # the last sampled line may be cut short
    if len(lines) < 2:
        return False
    for delim in (",", "\t", ";", "|"):
        counts = [line.count(delim) for line in lines]
        if min(counts) >= 1 and sum(c == counts[0] for c in counts) >= 0.8 * len(counts):
            return True
    return False


def file_type_for(mime: str) -> str:
    """The file-type facet value: declared in extract/registry.py (import it from there;
    this alias stays until the pipeline does)."""
    from .extract.registry import file_type_for as declared

    return declared(mime)
