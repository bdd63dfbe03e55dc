"""The text of a Word 97-2003 binary document (.doc), read in Python over olefile.

Following [MS-DOC]: the File Information Block (FIB) at the start of the WordDocument
stream says which table stream holds the piece table (the Clx) and how many characters
each part of the document has (main text, footnotes, headers, comments, endnotes, text
boxes). The piece table maps character positions to byte ranges of the WordDocument
stream, each either 8-bit (cp1252, "compressed") or UTF-16. Word 6/95 files (nFib 101-105)
keep their text as one 8-bit run between fcMin and fcMac.

Special characters become text a reader expects: paragraph marks line breaks, table cell
marks tabs, field codes (between 0x13 and 0x14) are dropped while their results stay.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import olefile

from .wordlist import list_labels

WORD_IDENT = 0xA5EC
# nFib: Word 6 wrote 101 (0x65), Word 95 104 (0x68), Word 97 and later 193 (0xC1; its
# betas 0xC0).
_NFIB_WORD97 = 0xC0
# FIB offsets (bytes from the start of the WordDocument stream).
_FLAGS = 0x000A
_FC_MIN, _FC_MAC = 0x0018, 0x001C
_CCP_FIELDS = 0x004C  # ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ccpHdrTxbx
_FC_CLX, _LCB_CLX = 0x01A2, 0x01A6
# FIB flag bits.
_F_COMPLEX = 0x0004
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_F_OBFUSCATED = 0x8000

# Compressed (8-bit) text is cp1252 [MS-DOC 2.4.1 lists the bytes that differ from
# Latin-1; cp1252 also gives the euro sign 0x80]; bytes cp1252 leaves undefined stay as
# their Latin-1 characters.
_COMPRESSED = str.maketrans(
    {i: bytes([i]).decode("cp1252", "ignore") or chr(i) for i in range(0x80, 0xA0)}
)

# Part names in the order the FIB counts their characters.
PARTS = ("main", "footnotes", "headers", "macro", "comments", "endnotes", "textboxes",
         "header_textboxes")  # fmt: skip


class WordFormatError(ValueError):
    """Not a Word 97-2003 document this reader understands (or a damaged one)."""


class WordEncrypted(WordFormatError):
    """The document is protected by a password (or obfuscated)."""


@dataclass
class WordText:
    parts: dict[str, str]  # part name -> text with special characters resolved
    word_version: int  # nFib

    @property
    def main(self) -> str:
        return self.parts.get("main", "")


def read_word(data: bytes) -> WordText:
    """The text of each part of a .doc file given as bytes."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as exc:
        raise WordFormatError(f"not an OLE compound file ({exc})") from None
    with ole:
        if not ole.exists("WordDocument"):
            raise WordFormatError("no WordDocument stream")
        word = ole.openstream("WordDocument").read()
        fib = _fib(word)
        if fib.version < _NFIB_WORD97:
            return WordText({"main": resolve(_word6_text(word, fib))}, fib.version)
        table_name = "1Table" if fib.flags & _F_WHICH_TABLE else "0Table"
        if not ole.exists(table_name):
            raise WordFormatError(f"no {table_name} stream")
        table = ole.openstream(table_name).read()
    cps, pieces = _piece_table(table, fib)
    raw = piece_text(word, cps, pieces, fib)
    labels = list_labels(word, table, max(fib.ccp[0], 0), cps, pieces, raw)
    parts: dict[str, str] = {}
    start = 0
    for name, count in zip(PARTS, fib.ccp, strict=True):
        if count > 0:
            text = raw[start : start + count]
            if name == "main" and labels:
                text = _with_labels(text, labels)
            parts[name] = resolve(text)
            start += count
    return WordText(parts, fib.version)


def _with_labels(text: str, labels: dict[int, str]) -> str:
    """The text with each list paragraph's number put in front of it."""
    out: list[str] = []
    last = 0
    for cp in sorted(labels):
        out.append(text[last:cp])
        out.append(labels[cp])
        last = cp
    out.append(text[last:])
    return "".join(out)


@dataclass
class Fib:
    version: int
    flags: int
    ccp: tuple[int, ...]
    fc_clx: int
    lcb_clx: int
    fc_min: int
    fc_mac: int


def _fib(word: bytes) -> Fib:
    if len(word) < 0x20:
        raise WordFormatError("the WordDocument stream is too short for a FIB")
    ident, version = struct.unpack_from("<HH", word, 0)
    if ident != WORD_IDENT:
        raise WordFormatError(f"bad FIB identifier {ident:#06x}")
    (flags,) = struct.unpack_from("<H", word, _FLAGS)
    if flags & (_F_ENCRYPTED | _F_OBFUSCATED):
        raise WordEncrypted("the document is encrypted")
    fc_min, fc_mac = struct.unpack_from("<II", word, _FC_MIN)
    if version < _NFIB_WORD97:
        return Fib(version, flags, (), 0, 0, fc_min, fc_mac)
    if len(word) < _LCB_CLX + 4:
        raise WordFormatError("the FIB is truncated")
    ccp = struct.unpack_from("<8i", word, _CCP_FIELDS)
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FC_CLX)
    return Fib(version, flags, ccp, fc_clx, lcb_clx, fc_min, fc_mac)


def _word6_text(word: bytes, fib: Fib) -> str:
    if fib.flags & _F_COMPLEX:
        raise WordFormatError("a fast-saved Word 6/95 document")
    if not 0 < fib.fc_min <= fib.fc_mac <= len(word):
        raise WordFormatError("the text range is outside the WordDocument stream")
    return word[fib.fc_min : fib.fc_mac].decode("cp1252", "replace")


def piece_text(word: bytes, cps, pieces, fib: Fib) -> str:
    """All the document's characters, in character-position order, from the piece table."""
    total = sum(max(c, 0) for c in fib.ccp)
    out: list[str] = []
    for i, fc_raw in enumerate(pieces):
        start, end = cps[i], cps[i + 1]
        if end <= start:
            continue
        if start >= total + 1:
            break
        out.append(_piece(word, fc_raw, end - start))
    return "".join(out)


def _piece_table(table: bytes, fib: Fib) -> tuple[tuple[int, ...], list[int]]:
    """(character positions, the fc of each piece) from the Clx in the table stream."""
    clx = table[fib.fc_clx : fib.fc_clx + fib.lcb_clx]
    if len(clx) != fib.lcb_clx or not clx:
        raise WordFormatError("the piece table lies outside the table stream")
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        if pos + 3 > len(clx):
            raise WordFormatError("a truncated Prc in the piece table")
        (size,) = struct.unpack_from("<h", clx, pos + 1)
        pos += 3 + max(size, 0)
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise WordFormatError("no Pcdt in the piece table")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    if len(plc) != lcb or (lcb - 4) % 12:
        raise WordFormatError("a PlcPcd of impossible size")
    count = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    # Each PCD is 8 bytes: 2 of flags, the 4-byte fc, 2 of properties.
    pieces = [struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0] for i in range(count)]
    return cps, pieces


def _piece(word: bytes, fc_raw: int, n: int) -> str:
    """n characters at fc: 8-bit cp1252 when the fc is flagged compressed, else UTF-16."""
    compressed = bool(fc_raw & 0x40000000)
    offset = (fc_raw & 0x3FFFFFFF) // 2 if compressed else fc_raw & 0x3FFFFFFF
    length = n if compressed else 2 * n
    chunk = word[offset : offset + length]
    if len(chunk) < length:
        raise WordFormatError("a piece of text lies outside the WordDocument stream")
    if compressed:
        return chunk.decode("latin-1").translate(_COMPRESSED)
    return chunk.decode("utf-16-le", "replace")


# Characters with a meaning in Word's text stream.
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_REPLACE = str.maketrans(
    {
        "\r": "\n",  # paragraph mark
        "\x0b": "\n",  # line break
        "\x0c": "\n",  # page or section break
        "\x0e": "\n",  # column break
        "\x1e": "-",  # non-breaking hyphen
        "\x1f": None,  # optional hyphen
        "\xa0": " ",
        "\x01": None,  # picture anchor
        "\x08": None,  # drawn object anchor
        "\x02": None,  # auto-numbered footnote reference
        "\x05": None,  # comment reference
        "\x03": None,  # footnote separators
        "\x04": None,
        "\x00": None,
    }
)


def resolve(raw: str) -> str:
    """Word's special characters as plain text: fields show their results, table rows
    become lines of tab-separated cells."""
    if _FIELD_BEGIN in raw:
        raw = _strip_field_codes(raw)
    raw = raw.replace("\x07\r\x07", "\x07\x07")
    raw = raw.replace("\x07\x07", "\n").replace("\x07", "\t")
    return raw.translate(_REPLACE)


def _strip_field_codes(raw: str) -> str:
    """Drop each field's instructions (0x13 .. 0x14), keep its result (0x14 .. 0x15)."""
    out: list[str] = []
    # One entry per open field: True while still in its instructions; `hiding` counts
    # the True entries, so a hostile run of nested fields costs linear time.
    stack: list[bool] = []
    hiding = 0
    for ch in raw:
        if ch == _FIELD_BEGIN:
            stack.append(True)
            hiding += 1
        elif ch == _FIELD_SEPARATOR and stack:
            if stack[-1]:
                stack[-1] = False
                hiding -= 1
        elif ch == _FIELD_END and stack:
            hiding -= stack.pop()
        elif not hiding:
            out.append(ch)
    return "".join(out)
