"""Test files generated in code: every fixture is built from scratch, none is shipped."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from email.message import EmailMessage
from pathlib import Path

# Words chosen to be easy to assert on and unlikely to appear by accident.
PDF_PAGES = [
    "Predictive analytics pilot\nThe council procured a risk scoring system called Xylofinder.",
    "Second page\nOfficers reviewed the quarterly outputs of Brambleworth.",
    "Third page\nThe contract with Quillmarsh Analytics ends in March.",
]
SCAN_LINES = [
    "Integrated Analytical Hub",
    "Police have offered office space",
    "Project board meets every month",
]


def find_font() -> Path:
    """A TrueType font on this machine: DejaVu or Liberation if installed, else the Vera
    font that ships inside reportlab (a project dependency), so this never fails."""
    candidates = [
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    ]
    try:
        import matplotlib

        candidates.append(Path(matplotlib.__file__).parent / "mpl-data/fonts/ttf/DejaVuSans.ttf")
    except ImportError:
        pass
    import reportlab

    candidates.append(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")
    for path in candidates:
        if path.is_file():
            return path
    raise RuntimeError("no TrueType font found")


def text_pdf(pages: list[str] | None = None, title: str = "Pilot evaluation report") -> bytes:
    """A PDF with a real text layer: one page per string, lines split on newlines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(title)
    c.setAuthor("Test Council")
    for text in pages or PDF_PAGES:
        y = 780
        c.setFont("Helvetica", 12)
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    """A text PDF encrypted with the given user password ("" opens without one)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(user_password, ownerPassword="owner-secret", canPrint=1)
    c = canvas.Canvas(buf, encrypt=enc)
    c.drawString(72, 780, "Confidential evaluation of the Xylofinder model")
    c.showPage()
    c.save()
    return buf.getvalue()


def render_lines(lines: list[str], size: tuple[int, int] = (2480, 3508), dpi: int = 300):
    """A white A4 page at 300 dpi with the lines typed on it, as a Pillow image."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(find_font()), size=int(dpi * 14 / 72))
    y = 300
    for line in lines:
        draw.text((250, y), line, fill=0, font=font)
        y += int(dpi * 28 / 72)
    image.info["dpi"] = (dpi, dpi)
    return image


def scanned_pdf(lines: list[str] | None = None, pages: int = 1) -> bytes:
    """An image-only PDF, like a scanner's: no text layer at all."""
    images = [render_lines(lines or SCAN_LINES) for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=300, save_all=True, append_images=images[1:])
    return buf.getvalue()


def build_pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered PDF objects (1 = catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def garbled_pdf(lines: list[str] | None = None, seed: int = 7) -> bytes:
    """A scan whose invisible text layer is garbage, as a broken font encoding leaves it.

    The page shows the lines as an image; its text layer holds runs of control
    characters (codes 1-31 through glyph names no reader can map back to Unicode).
    """
    image = render_lines(lines or SCAN_LINES)
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=90)
    rng = random.Random(seed)
    words = [bytes(rng.randint(1, 31) for _ in range(rng.randint(3, 9))) for _ in range(60)]
    escaped = b" ".join(b"".join(b"\\%03o" % c for c in word) for word in words)
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q BT 3 Tr /F1 10 Tf 72 760 Td (" + escaped + b") Tj ET"
    differences = b"[1 " + b" ".join(b"/g%d" % i for i in range(1, 32)) + b"]"
    width, height = image.size
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b"/Encoding << /Type /Encoding /Differences " + differences + b" >> >>",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % (width, height, len(jpeg.getvalue()))
            + jpeg.getvalue()
            + b"\nendstream",
        ]
    )


def docx_file() -> bytes:
    from datetime import datetime

    import docx

    document = docx.Document()
    document.core_properties.title = "Response to request FOI-2024-117"
    document.core_properties.author = "Information Governance Team"
    document.core_properties.created = datetime(2024, 3, 5, 9, 30)
    section = document.sections[0]
    section.header.paragraphs[0].text = "Harrowgate Borough Council letterhead"
    section.footer.paragraphs[0].text = "Registered office footer text"
    document.add_heading("Freedom of Information response", level=1)
    document.add_paragraph("We hold information about the Nettlebridge scoring model.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Supplier"
    table.cell(0, 1).text = "Contract value"
    table.cell(1, 0).text = "Quillmarsh Analytics"
    table.cell(1, 1).text = "£48,000"
    document.add_paragraph("Closing paragraph after the table.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_file() -> bytes:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Contracts"
    first.append(["Supplier", "Value", "Start"])
    first.append(["Quillmarsh Analytics", 48000, date(2023, 4, 1)])
    first.append(["Brambleworth Ltd", 12500.5, date(2024, 1, 15)])
    second = book.create_sheet("Systems")
    second.append(["System", "Purpose"])
    second.append(["Xylofinder", "Risk scoring of households"])
    book.properties.title = "Contracts register"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def pptx_file() -> bytes:
    from pptx import Presentation

    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Data sharing briefing"
    first.placeholders[1].text = "Partners: police, health, schools"
    first.notes_slide.notes_text_frame.text = "Speaker mentions the Nettlebridge dashboard"
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Next steps"
    second.placeholders[1].text = "Procure Xylofinder licence"
    buf = io.BytesIO()
    deck.save(buf)
    return buf.getvalue()


RTF = (
    rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}"
    rb"{\info{\title Quarterly data report}{\author Records Office}"
    rb"{\creatim\yr2022\mo6\dy14\hr10\min0}}"
    rb"\f0\fs24 The Nettlebridge model flags households.\par "
    rb"Second paragraph with caf\'e9 and \b bold\b0  text.\par }"
)


def odt_file() -> bytes:
    from odf import dc, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Open format briefing"))
    document.text.addElement(text.H(outlinelevel=1, text="Briefing on Brambleworth"))
    document.text.addElement(text.P(text="The Brambleworth tool is used by three councils."))
    buf = io.BytesIO()
    document.write(buf)
    return buf.getvalue()


HTML = b"""<!DOCTYPE html>
<html><head><title>Algorithm register entry</title>
<meta name="description" content="Register entry">
<style>body { color: red } .secretstyle {}</style>
<script>var trackingCode = "scriptjunk";</script></head>
<body>
<header><a href="/">Home</a> Headerjunk banner</header>
<nav><ul><li>Navjunk one</li><li>Navjunk two</li></ul></nav>
<main><h1>Xylofinder risk model</h1>
<p>The council uses Xylofinder to <b>prioritise</b> visits.</p>
<table><tr><td>Owner</td><td>Children's services</td></tr></table></main>
<div class="cookie-banner">Cookiejunk accept</div>
<footer>Footerjunk copyright</footer>
</body></html>"""


def eml_file(attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "FOI Officer <foi@harrowgate.example>"
    message["To"] = "requester@example.org"
    message["Subject"] = "Your request FOI-2024-117"
    message["Date"] = "Tue, 05 Mar 2024 10:15:00 +0000"
    message.set_content("Dear requester,\n\nPlease find the Quillmarsh contract attached.\n")
    message.add_attachment(
        attachment if attachment is not None else text_pdf(),
        maintype="application",
        subtype="pdf",
        filename="contract.pdf",
    )
    return message.as_bytes()


def zip_file(members: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("responses/", b"")
        for name, data in (
            members or {"responses/letter.pdf": text_pdf(), "notes.txt": b"Brambleworth notes"}
        ).items():
            zf.writestr(name, data)
        zf.writestr("__MACOSX/responses/._letter.pdf", b"\x00\x05\x16\x07junk")
        zf.writestr(".DS_Store", b"\x00\x00\x00\x01Bud1")
    return buf.getvalue()


def nested_zip(depth: int) -> bytes:
    """A zip holding a zip holding ... depth levels, with a text file at the bottom."""
    data = zip_file({"bottom.txt": b"The innermost Quillmarsh file"})
    for level in range(depth - 1):
        data = zip_file({f"level{depth - 1 - level}.zip": data})
    return data


def zip_bomb(actual_bytes: int, lie: bool = False) -> bytes:
    """A small zip that inflates to actual_bytes of zeros; lie=True makes its headers
    claim a mere 1000 bytes."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("zeros.txt", "w", force_zip64=True) as fh,
    ):
        chunk = b"\x00" * (1 << 20)
        for _ in range(actual_bytes // len(chunk)):
            fh.write(chunk)
    data = bytearray(buf.getvalue())
    if lie:
        _patch_sizes(data, 1000)
    return bytes(data)


def _patch_sizes(data: bytearray, size: int) -> None:
    """Rewrite the uncompressed size in the local header, zip64 extras and the central
    directory, leaving the compressed stream as it is."""
    for signature, field, name_len_at in ((b"PK\x03\x04", 22, 26), (b"PK\x01\x02", 24, 28)):
        at = data.find(signature)
        while at != -1:
            name_len, extra_len = struct.unpack_from("<HH", data, at + name_len_at)
            if struct.unpack_from("<I", data, at + field)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, at + field, size)
            extra_at = at + name_len_at + (18 if signature == b"PK\x01\x02" else 4) + name_len
            end = extra_at + extra_len
            while extra_at + 4 <= end:
                tag, length = struct.unpack_from("<HH", data, extra_at)
                if tag == 0x0001 and length >= 8:  # zip64: uncompressed size comes first
                    struct.pack_into("<Q", data, extra_at + 4, size)
                extra_at += 4 + length
            at = data.find(signature, at + 4)


def tiff_frames(frames: list[list[str]] | None = None) -> bytes:
    """A multi-page TIFF, one typed page per frame."""
    pages = [render_lines(lines) for lines in (frames or [["First frame"], ["Second frame"]])]
    buf = io.BytesIO()
    pages[0].save(
        buf,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        dpi=(300, 300),
        compression="tiff_deflate",
    )
    return buf.getvalue()


def png_file(lines: list[str] | None = None) -> bytes:
    buf = io.BytesIO()
    render_lines(lines or SCAN_LINES).save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3) holding the named top-level streams.

    Enough for sniffing: legacy .doc has a 'WordDocument' stream, .msg has
    '__substg1.0_*' streams, .xls a 'Workbook' stream. Every stream is padded to 4096
    bytes so it lives in ordinary sectors and no mini stream is needed.
    """
    sector = 512
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = list(streams)
    entries = 1 + len(names)
    dir_sectors = -(-entries // 4)
    bodies = [streams[n].ljust(4096, b"\x00") for n in names]
    data_sectors = sum(len(b) // sector for b in bodies)
    assert 1 + dir_sectors + data_sectors <= 128, "too many streams for one FAT sector"
    fat = [fat_sect]
    for i in range(dir_sectors):  # directory chain: sectors 1..dir_sectors
        fat.append(i + 2 if i + 1 < dir_sectors else end)
    starts = []
    for body in bodies:
        first = len(fat)
        starts.append(first)
        count = len(body) // sector
        fat.extend(first + k + 1 if k + 1 < count else end for k in range(count))
    fat.extend([free] * (128 - len(fat)))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)  # length, type, black
            + struct.pack("<III", free, right, child)  # left, right, child
            + b"\x00" * 16  # CLSID
            + struct.pack("<I", 0)  # state bits
            + b"\x00" * 16  # creation and modification times
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, free, 1 if names else free, end, 0)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else free
        directory += entry(name, 2, right, free, starts[index - 1], len(streams[name]))
    while len(directory) < dir_sectors * sector:  # unused entries: empty, unlinked
        directory += entry("", 0, free, free, 0, 0)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)  # dir sectors (v3: 0), FAT sectors, first dir, txn
        + struct.pack("<IIIII", 4096, end, 0, end, 0)  # cutoff, minifat, count, difat, count
        + struct.pack("<I", 0)  # the FAT is sector 0
        + struct.pack("<I", free) * 108
    )
    fat_bytes = struct.pack("<128I", *fat)
    return header + fat_bytes + directory + b"".join(bodies)


def word97_doc(
    parts: dict[str, str] | str,
    *,
    unicode: bool = False,
    table: str = "1Table",
    flags: int = 0,
    title: str = "",
    lists: dict[int, tuple[int, int]] | None = None,
) -> bytes:
    """A Word 97-2003 .doc as [MS-DOC] lays it out: a FIB at the start of the
    WordDocument stream, the text after it in one piece (8-bit "compressed" or UTF-16),
    and a piece table (Clx) in the table stream. parts maps FIB part names (main,
    footnotes, headers, comments, endnotes, textboxes) to their text, paragraphs
    ending in "\\r". title, if given, becomes a SummaryInformation stream.

    lists puts main-text paragraphs (by index) in automatic lists: {index: (ilfo,
    ilvl)}, ilfo 1 being a numbered list ("1.", then "a)" at level 1) and ilfo 2 a
    bulleted one, written as paragraph properties (an FKP page) and list tables.
    """
    if isinstance(parts, str):
        parts = {"main": parts}
    order = ("main", "footnotes", "headers", "macro", "comments", "endnotes", "textboxes",
             "header_textboxes")  # fmt: skip
    text = "".join(parts.get(name, "") for name in order) + "\r"
    counts = [len(parts.get(name, "")) for name in order]
    fib = bytearray(0x400)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)  # wIdent, nFib (Word 97+)
    which = 0x0200 if table == "1Table" else 0
    struct.pack_into("<H", fib, 0x0A, which | flags)
    struct.pack_into("<8i", fib, 0x4C, *counts)
    start = len(fib)
    if unicode:
        body = text.encode("utf-16-le")
        fc = start
    else:
        body = text.encode("cp1252")
        fc = (start * 2) | 0x40000000
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, fc, 0)
    clx = b"\x01" + struct.pack("<h", 2) + b"\x00\x00" + b"\x02" + struct.pack("<I", len(plc)) + plc
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))
    document, table_stream = bytes(fib) + body, clx
    if lists:
        paragraphs = parts.get("main", "").split("\r")[:-1]
        document, table_stream = _with_lists(
            bytearray(document), table_stream, paragraphs, lists, unicode
        )
    streams = {"WordDocument": document, table: table_stream}
    if title:
        streams["\x05SummaryInformation"] = _summary_information(title)
    # At least 4096 bytes each, so that they live in ordinary sectors (ole_file writes
    # no mini stream); the FIB and piece table say where the real content ends.
    return ole_file({name: data.ljust(4096, b"\x00") for name, data in streams.items()})


def _with_lists(document, table_stream, paragraphs, lists, unicode):
    """Add paragraph properties (one FKP page) and list definitions to a fixture .doc."""
    width = 2 if unicode else 1
    bounds = [0x400]  # the file offset of each paragraph's start, and of the text's end
    for paragraph in paragraphs:
        bounds.append(bounds[-1] + (len(paragraph) + 1) * width)
    crun = len(paragraphs)
    fkp = bytearray(512)
    fkp[511] = crun
    struct.pack_into(f"<{crun + 1}I", fkp, 0, *bounds)
    free = 510  # PAPXs fill the page from its end, each at an even offset
    for index, (ilfo, ilvl) in lists.items():
        # cb = 5: a 9-byte style index and grpprl (sprmPIlfo, sprmPIlvl)
        papx = b"\x05\x00\x00" + struct.pack("<HhHB", 0x460B, ilfo, 0x260A, ilvl)
        free -= len(papx) + len(papx) % 2
        fkp[free : free + len(papx)] = papx
        fkp[4 * (crun + 1) + 13 * index] = free // 2
    page = -(-len(document) // 512)
    document = bytearray(document.ljust(page * 512, b"\x00")) + fkp

    def level(start_at, nfc, text, numbers):
        lvlf = struct.pack("<iBB", start_at, nfc, 0) + bytes(numbers).ljust(9, b"\x00")
        lvlf += b"\x00" * 13  # tab after the number, no indents, no grpprls
        return lvlf + struct.pack("<H", len(text)) + text.encode("utf-16-le")

    def lstf(lsid, simple):
        return struct.pack("<ii", lsid, 0) + b"\x00" * 18 + bytes([simple, 0])

    bte = struct.pack("<III", bounds[0], bounds[-1], page)
    plf_lst = struct.pack("<h", 2) + lstf(100, 0) + lstf(200, 1)
    levels = level(1, 0, "\x00.", [1]) + level(1, 4, "\x01)", [1])
    levels += b"".join(level(1, 0, f"{chr(n)}.", [1]) for n in range(2, 9))
    levels += level(1, 23, "\uf0b7", [])  # the bulleted list's one level
    lfo = struct.pack("<i", 2) + b"".join(
        struct.pack("<iiiBBBB", lsid, 0, 0, 0, 0, 0, 0) for lsid in (100, 200)
    )
    lfo += struct.pack("<i", 0) * 2  # each override's LFOData: a cp, no levels
    bte_at = len(table_stream)
    lst_at = bte_at + len(bte)
    lfo_at = lst_at + len(plf_lst) + len(levels)  # the levels follow the PlfLst
    struct.pack_into("<II", document, 0x102, bte_at, len(bte))
    struct.pack_into("<II", document, 0x2E2, lst_at, len(plf_lst))
    struct.pack_into("<II", document, 0x2EA, lfo_at, len(lfo))
    return bytes(document), table_stream + bte + plf_lst + levels + lfo


def _summary_information(title: str) -> bytes:
    """A SummaryInformation property set with a code page and a title (PIDSI_TITLE)."""
    value = title.encode("cp1252") + b"\x00"
    value += b"\x00" * (-len(value) % 4)
    codepage = struct.pack("<Ihh", 0x02, 1252, 0)  # VT_I2, padded to 4 bytes
    title_prop = struct.pack("<II", 0x1E, len(title) + 1) + value  # VT_LPSTR
    first = 8 + 2 * 8  # size, count, then two (property id, offset) pairs
    body = struct.pack("<IIII", 1, first, 2, first + len(codepage)) + codepage + title_prop
    section = struct.pack("<II", 8 + len(body), 2) + body
    fmtid = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + b"\x00" * 16 + struct.pack("<I", 1)
    return header + fmtid + struct.pack("<I", len(header) + 20) + section
