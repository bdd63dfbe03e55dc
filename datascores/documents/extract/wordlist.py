"""Automatic list numbers ("1.", "a)", "iv.") of a Word 97-2003 document, which Word
keeps in paragraph and list formatting rather than in the text [MS-DOC].

A paragraph is in a list when its properties (PAPX, found through the PlcBtePapx and
its 512-byte FKP pages by the file offset of the paragraph mark) carry sprmPIlfo: an
index into the list format overrides (PlfLfo), each naming a list (PlfLst) whose levels
say how to count and how to write the number. Numbers are counted per list in document
order, a level restarting when a higher level is used.

Everything here is best effort: numbering that cannot be worked out is left out, never
allowed to fail the document's text.
"""

from __future__ import annotations

import bisect
import re
import struct
from dataclasses import dataclass, field

# FibRgFcLcb97 offsets in the WordDocument stream.
_FC_PLCF_BTE_PAPX = 0x0102
_FC_PLF_LST = 0x02E2
_FC_PLF_LFO = 0x02EA
_SPRM_P_ILVL = 0x260A
_SPRM_P_ILFO = 0x460B
_SPRM_T_DEF_TABLE = 0xD608
_SPRM_P_CHG_TABS = 0xC615
_PARAGRAPH_END = re.compile("[\r\x07]")
_FOLLOW = {0: "\t", 1: " ", 2: ""}


@dataclass
class Level:
    start: int = 1
    nfc: int = 0  # number format: 0 decimal, 1/2 upper/lower roman, 3/4 upper/lower letter
    text: str = ""  # the number's template: characters 0-8 stand for levels' numbers
    placeholders: tuple[int, ...] = ()  # 1-based positions of those characters in text
    follow: str = "\t"


@dataclass
class ListDef:
    levels: list[Level]


@dataclass
class Override:
    lsid: int
    starts: dict[int, int] = field(default_factory=dict)  # level -> restart value
    levels: dict[int, Level] = field(default_factory=dict)  # level -> replacement


def list_labels(word: bytes, table: bytes, ccp_text: int, cps, pieces, raw: str) -> dict:
    """{character position of a paragraph's start: its number and the separator after
    it} for the main text's list paragraphs; {} when there are none or they cannot be
    read."""
    try:
        lists = _lists(word, table)
        overrides = _overrides(word, table)
        if not lists or not overrides:
            return {}
        runs = _papx_runs(word, table)
        return _number(raw[:ccp_text], cps, pieces, runs, lists, overrides)
    except (struct.error, IndexError, ValueError, KeyError, OverflowError):
        return {}


# --- list definitions ------------------------------------------------------------------


def _lists(word: bytes, table: bytes) -> dict[int, ListDef]:
    fc, lcb = struct.unpack_from("<II", word, _FC_PLF_LST)
    if not lcb:
        return {}
    plf = table[fc : fc + lcb]
    (count,) = struct.unpack_from("<h", plf, 0)
    heads = []
    for i in range(count):
        at = 2 + 28 * i
        (lsid,) = struct.unpack_from("<i", plf, at)
        simple = plf[at + 26] & 0x01
        heads.append((lsid, 1 if simple else 9))
    # The levels (LVL) of every list follow the list headers, in the same order; they
    # lie in the table stream right after the PlfLst, outside its declared length.
    pos = fc + 2 + 28 * count
    lists: dict[int, ListDef] = {}
    for lsid, levels in heads:
        parsed = []
        for _ in range(levels):
            level, pos = _level(table, pos)
            parsed.append(level)
        lists[lsid] = ListDef(parsed)
    return lists


def _level(data: bytes, pos: int) -> tuple[Level, int]:
    """One LVL (LVLF, grpprlPapx, grpprlChpx, xst) at pos; and where the next begins."""
    (start,) = struct.unpack_from("<i", data, pos)
    nfc = data[pos + 4]
    numbers = tuple(p for p in data[pos + 6 : pos + 15] if p)
    follow = _FOLLOW.get(data[pos + 15], "")
    chpx, papx = data[pos + 24], data[pos + 25]
    pos += 28 + papx + chpx
    (length,) = struct.unpack_from("<H", data, pos)
    raw = data[pos + 2 : pos + 2 + 2 * length]
    if len(raw) != 2 * length:
        raise ValueError("a list level's number text is cut short")
    text = raw.decode("utf-16-le", "replace")
    return Level(start, nfc, text, numbers, follow), pos + 2 + 2 * length


def _overrides(word: bytes, table: bytes) -> dict[int, Override]:
    """1-based list format override index (what sprmPIlfo holds) -> its override."""
    fc, lcb = struct.unpack_from("<II", word, _FC_PLF_LFO)
    if not lcb:
        return {}
    (count,) = struct.unpack_from("<i", table, fc)
    found: dict[int, Override] = {}
    counts = []
    for i in range(count):
        at = fc + 4 + 16 * i
        (lsid,) = struct.unpack_from("<i", table, at)
        found[i + 1] = Override(lsid)
        counts.append(table[at + 12])
    pos = fc + 4 + 16 * count
    for i, levels in enumerate(counts):
        pos += 4  # the LFOData's cp
        for _ in range(levels):
            start, flags = struct.unpack_from("<iI", table, pos)
            pos += 8
            ilvl = flags & 0x0F
            if flags & 0x10:  # fStartAt
                found[i + 1].starts[ilvl] = start
            if flags & 0x20:  # fFormatting: a whole level follows
                level, pos = _level(table, pos)
                found[i + 1].levels[ilvl] = level
    return found


# --- paragraph properties --------------------------------------------------------------


def _papx_runs(word: bytes, table: bytes) -> list[tuple[int, int, int, int]]:
    """(first fc, end fc, ilfo, ilvl) of each run of paragraphs with list formatting,
    sorted by fc."""
    fc, lcb = struct.unpack_from("<II", word, _FC_PLCF_BTE_PAPX)
    count = (lcb - 4) // 8
    plc = table[fc : fc + lcb]
    pages = struct.unpack_from(f"<{count}I", plc, 4 * (count + 1))
    runs = []
    for pn in pages:
        fkp = word[(pn & 0x3FFFFF) * 512 :][:512]
        crun = fkp[511]
        fcs = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
        for i in range(crun):
            offset = fkp[4 * (crun + 1) + 13 * i] * 2
            if not offset:
                continue
            ilfo, ilvl = _list_sprms(_grpprl(fkp, offset))
            if ilfo:
                runs.append((fcs[i], fcs[i + 1], ilfo, ilvl))
    runs.sort()
    return runs


def _grpprl(fkp: bytes, offset: int) -> bytes:
    """The sprms of a PapxInFkp (after its 2-byte style index)."""
    cb = fkp[offset]
    if cb:
        return fkp[offset + 3 : offset + 1 + 2 * cb - 1]
    return fkp[offset + 4 : offset + 2 + 2 * fkp[offset + 1]]


def _list_sprms(grpprl: bytes) -> tuple[int, int]:
    """(ilfo, ilvl) from a grpprl: 0, 0 when the paragraph is in no list."""
    ilfo = ilvl = 0
    pos = 0
    while pos + 2 <= len(grpprl):
        (op,) = struct.unpack_from("<H", grpprl, pos)
        pos += 2
        size = _operand_size(op, grpprl, pos)
        if op == _SPRM_P_ILFO:
            (ilfo,) = struct.unpack_from("<h", grpprl, pos)
        elif op == _SPRM_P_ILVL:
            ilvl = grpprl[pos]
        pos += size
    return (ilfo if ilfo > 0 else 0), min(ilvl, 8)


def _operand_size(op: int, grpprl: bytes, pos: int) -> int:
    spra = op >> 13
    fixed = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
    if spra in fixed:
        return fixed[spra]
    if op == _SPRM_T_DEF_TABLE:
        return 2 + struct.unpack_from("<H", grpprl, pos)[0] - 1
    if op == _SPRM_P_CHG_TABS and grpprl[pos] == 255:
        raise ValueError("sprmPChgTabs with a long operand")
    return 1 + grpprl[pos]


# --- counting --------------------------------------------------------------------------


def _number(text: str, cps, pieces, runs, lists, overrides) -> dict[int, str]:
    starts = [r[0] for r in runs]
    counters: dict[int, list[int | None]] = {}
    labels: dict[int, str] = {}
    paragraph_start = 0
    for end in _PARAGRAPH_END.finditer(text):
        cp = end.start()
        fc = _fc_of(cp, cps, pieces)
        at = bisect.bisect_right(starts, fc) - 1
        if at >= 0 and runs[at][0] <= fc < runs[at][1]:
            _, _, ilfo, ilvl = runs[at]
            label = _label(ilfo, ilvl, lists, overrides, counters)
            if label:
                labels[paragraph_start] = label
        paragraph_start = cp + 1
    return labels


def _fc_of(cp: int, cps, pieces) -> int:
    i = bisect.bisect_right(cps, cp) - 1
    fc_raw = pieces[i]
    if fc_raw & 0x40000000:
        return (fc_raw & 0x3FFFFFFF) // 2 + (cp - cps[i])
    return (fc_raw & 0x3FFFFFFF) + 2 * (cp - cps[i])


def _label(ilfo, ilvl, lists, overrides, counters) -> str:
    override = overrides.get(ilfo)
    definition = lists.get(override.lsid) if override else None
    if definition is None or ilvl >= len(definition.levels):
        return ""
    levels = [override.levels.get(i, lv) for i, lv in enumerate(definition.levels)]
    count = counters.setdefault(override.lsid, [None] * 9)
    current = count[ilvl]
    count[ilvl] = override.starts.get(ilvl, levels[ilvl].start) if current is None else current + 1
    for deeper in range(ilvl + 1, 9):
        count[deeper] = None
    level = levels[ilvl]
    if level.nfc == 23:  # a bullet
        return _bullet(level.text) + level.follow
    if level.nfc == 255:
        return ""
    chars = list(level.text)
    for position in level.placeholders:
        index = position - 1
        if 0 <= index < len(chars) and ord(chars[index]) < 9:
            of = ord(chars[index])
            value = count[of] if count[of] is not None else levels[of].start
            chars[index] = _format(value, levels[of].nfc)
    return "".join(chars) + level.follow


def _bullet(text: str) -> str:
    """Symbol-font bullets live in the private use area: show them as a bullet."""
    return "".join("\u2022" if "\ue000" <= c <= "\uf8ff" else c for c in text) or "\u2022"


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def _format(value: int, nfc: int) -> str:
    if nfc in (1, 2) and 0 < value < 4000:
        roman = ""
        for amount, letters in _ROMAN:
            while value >= amount:
                roman += letters
                value -= amount
        return roman.upper() if nfc == 1 else roman
    if nfc in (3, 4) and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if nfc == 3 else letter
    if nfc == 22:
        return f"{value:02d}"
    return str(value)
