"""What a file is, judged from its bytes: FOI responses often arrive with wrong extensions."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

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
_IMAGE_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
]
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
_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_HTML_TAGS = re.compile(rb"<(?:html|head|body|title|div|p|table|meta|script|a\s)[\s>]", re.I)


def sniff_mime(data: bytes, filename: str = "") -> str:
    """MIME type from the bytes; the filename only breaks ties between text types."""
    if not data:
        return OCTET
    head = data[:16]
    if _is_pdf(data):
        return PDF
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(data)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(data)
    if head.startswith(b"{\\rtf"):
        return RTF
    for magic, mime in _IMAGE_MAGIC:
        if head.startswith(magic):
            if mime == "image/bmp" and len(data) < 26:
                continue
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return _sniff_text(data, filename)


def _is_pdf(data: bytes) -> bool:
    """A %PDF- header at the start, or (as readers allow) within the first KB before the
    first object: a text that merely mentions %PDF- is not a PDF."""
    at = data.find(b"%PDF-", 0, 1024)
    if at == -1:
        return False
    return at == 0 or not data[:at].strip() or bool(_PDF_OBJECT.search(data, at, at + 4096))


def _sniff_ole(data: bytes) -> str:
    """OLE2 compound files: legacy Word, Excel, PowerPoint, Outlook, encrypted OOXML."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception:
        return OLE  # unreadable: the extractor reports it as corrupt
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


def _sniff_zip(data: bytes) -> str:
    """ZIP containers: OOXML and ODF by their members, anything else is a plain zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200:
                    declared = zf.read("mimetype").decode("ascii", "replace").strip()
                    if declared in _ODF:
                        return _ODF[declared]
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        # No central directory (a truncated upload): look at local header names instead.
        start = data[: _SAMPLE * 4]
        for part, mime in _OOXML_PARTS:
            if part.encode() in start:
                return mime
        m = re.match(
            rb"PK\x03\x04.{26}mimetype(application/vnd\.oasis\.opendocument\.\w+)", data, re.S
        )
        if m and m.group(1).decode() in _ODF:
            return _ODF[m.group(1).decode()]
        return ZIP
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


def _sniff_text(data: bytes, filename: str) -> str:
    sample = data[:_SAMPLE]
    text = _decode_sample(sample, truncated=len(data) > _SAMPLE)
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


_FILE_TYPES = {
    PDF: "pdf",
    DOCX: "docx",
    DOC: "doc",
    XLSX: "xlsx",
    XLS: "xls",
    PPTX: "pptx",
    RTF: "rtf",
    ODT: "odt",
    HTML: "html",
    TEXT: "txt",
    CSV: "csv",
    EML: "eml",
    MSG: "msg",
    ZIP: "zip",
}


def file_type_for(mime: str) -> str:
    """Short label for the file-type facet."""
    mime = (mime or "").split(";")[0].strip().lower()
    if mime.startswith("image/"):
        return "image"
    return _FILE_TYPES.get(mime, "other")
