"""Build the demo's sample corpus: fictional FOI-style documents in the common formats.

``build_corpus(dest)`` renders every sample in ``samples.SAMPLES`` into ``dest`` and
writes ``manifest.json`` beside the files with each one's title, source type and dates,
so the demo can pass them to ingest. Output is byte-for-byte reproducible: dates are
fixed, ZIP-based formats get fixed member timestamps, and the scanned letter is drawn
with a font found in a fixed order and seeded noise.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import io
import json
import random
import re
import textwrap
import time
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .model import Attachment, Block, Bundle, Email, Letter, Org, Sample, WebPage, Workbook
from .samples import SAMPLES

NOTICE = "Sample document generated for the Data Scores demo — fictional content."
MANIFEST = "manifest.json"
# Members of ZIP-based files (DOCX, XLSX, ZIP) get this timestamp instead of "now".
ZIP_TIME = (2025, 1, 1, 0, 0, 0)

MIME_BY_KIND = {
    "pdf": "application/pdf",
    "scan": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "eml": "message/rfc822",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class ManifestEntry:
    """What the demo passes to ingest for one file."""

    path: Path
    title: str
    source_type: str
    published_at: date | None
    received_at: date | None
    format: str
    authority: str
    reference: str


# Libraries only the demo uses (pyproject's `demo` extra): the site and the pipeline
# read Word and PDF files with other libraries.
DEMO_LIBRARIES = {"docx": "python-docx", "reportlab": "reportlab"}


class DemoExtraMissing(RuntimeError):
    """The demo's own libraries are not installed."""


def require_demo_extra() -> None:
    """Raise DemoExtraMissing, saying how to install them, if a demo library is absent."""
    missing = [dist for mod, dist in DEMO_LIBRARIES.items() if not importlib.util.find_spec(mod)]
    if missing:
        raise DemoExtraMissing(
            f"The demo needs {', '.join(missing)}, which the project installs only with "
            'its demo extra: pip install -e ".[demo]"'
        )


def build_corpus(dest: Path) -> list[Path]:
    """Write every sample document into ``dest`` (plus ``manifest.json``); return their paths."""
    require_demo_extra()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    entries: list[dict[str, Any]] = []
    for sample in SAMPLES:
        data = render(sample)
        path = dest / sample.file
        path.write_bytes(data)
        paths.append(path)
        entries.append(
            {
                "file": sample.file,
                "title": sample.title,
                "source_type": sample.source_type,
                "published_at": sample.published.isoformat() if sample.published else None,
                "received_at": sample.received.isoformat() if sample.received else None,
                "format": sample.kind,
                "mime_type": MIME_BY_KIND[sample.kind],
                "authority": sample.authority,
                "reference": sample.reference,
                "tags": list(sample.tags),
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    manifest = {"notice": NOTICE, "documents": entries}
    (dest / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return paths


def read_manifest(dest: Path) -> list[ManifestEntry]:
    """The manifest written by ``build_corpus``, with paths resolved and dates parsed."""
    dest = Path(dest)
    raw = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return [
        ManifestEntry(
            path=dest / item["file"],
            title=item["title"],
            source_type=item["source_type"],
            published_at=day(item["published_at"]),
            received_at=day(item["received_at"]),
            format=item["format"],
            authority=item["authority"],
            reference=item["reference"],
        )
        for item in raw["documents"]
    ]


def render(sample: Sample) -> bytes:
    """The bytes of one sample file."""
    if sample.kind == "scan":
        return render_scan(sample.spec)
    return _render_spec(sample.kind, sample.spec)


def _render_spec(kind: str, spec: Any) -> bytes:
    renderers = {
        "pdf": render_pdf,
        "docx": render_docx,
        "xlsx": render_xlsx,
        "html": render_html,
        "eml": render_eml,
        "zip": render_zip,
    }
    return renderers[kind](spec)


# --- ZIP-based formats: stable bytes ------------------------------------------------------

_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise_zip(data: bytes, when: date) -> bytes:
    """Rewrite a ZIP so that member timestamps and Office core dates no longer say 'now'."""
    stamp = f"{when.isoformat()}T09:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(rb"\g<1>" + stamp + rb"\g<3>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


# --- PDF (reportlab) ----------------------------------------------------------------------


def render_pdf(letter: Letter) -> bytes:
    """A text PDF: letterhead on page one, running header after, notice in every footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate

    buf = io.BytesIO()
    height = A4[1]
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=18 * mm,
        bottomMargin=24 * mm,
        title=letter.title,
        author=f"{letter.org.name} (fictional sample)",
        subject=NOTICE,
        creator="Data Scores demo corpus",
        invariant=1,
    )
    head = _LETTERHEAD_HEIGHT[letter.org.style] * mm
    first = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, height - doc.bottomMargin - head, id="first"
    )
    later = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, height - doc.bottomMargin - 24 * mm, id="l"
    )
    doc.addPageTemplates(
        [
            PageTemplate("first", [first], onPage=partial(_pdf_first_page, letter)),
            PageTemplate("later", [later], onPage=partial(_pdf_later_page, letter)),
        ]
    )
    doc.build([NextPageTemplate("later"), *_pdf_story(letter, doc.width)])
    return buf.getvalue()


_LETTERHEAD_HEIGHT = {"banner": 52, "rule": 50, "centre": 56, "stripe": 50, "nhs": 50}


def _hex(colour: str):
    from reportlab.lib import colors

    return colors.HexColor(colour)


def _address_right(
    canvas, lines: list[str], right: float, top: float, step: float | None = None
) -> None:
    """A letterhead's address block, right-aligned, one line under another."""
    from reportlab.lib.units import mm

    step = 3.6 * mm if step is None else step
    y = top
    for line in lines:
        canvas.drawRightString(right, y, line)
        y -= step


def _pdf_first_page(letter: Letter, canvas, doc) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    org: Org = letter.org
    width, height = doc.pagesize
    left, right = doc.leftMargin, width - doc.rightMargin
    canvas.saveState()
    colour = _hex(org.colour)
    address = [*org.address, org.contact]
    if org.style == "banner":
        canvas.setFillColor(colour)
        canvas.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 19)
        canvas.drawString(left, height - 17 * mm, org.name)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(left, height - 24 * mm, org.unit)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.setFont("Helvetica", 8)
        _address_right(canvas, address, right, height - 36 * mm, step=3.8 * mm)
    elif org.style == "centre":
        canvas.setStrokeColor(colour)
        canvas.setFillColor(colour)
        canvas.setLineWidth(1.5)
        canvas.circle(width / 2, height - 20 * mm, 8 * mm, stroke=1, fill=0)
        initials = "".join(w[0] for w in org.name.split() if w[0].isupper())[:3]
        canvas.setFont("Times-Bold", 13)
        canvas.drawCentredString(width / 2, height - 21.5 * mm, initials)
        canvas.setFont("Times-Bold", 16)
        canvas.drawCentredString(width / 2, height - 34 * mm, org.name.upper())
        canvas.setFont("Times-Roman", 9.5)
        canvas.drawCentredString(
            width / 2, height - 39.5 * mm, f"{org.unit} · " + ", ".join(org.address)
        )
        canvas.drawCentredString(width / 2, height - 44 * mm, org.contact)
        canvas.setLineWidth(0.6)
        canvas.line(left, height - 47 * mm, right, height - 47 * mm)
    elif org.style == "stripe":
        canvas.setFillColor(colour)
        canvas.rect(0, height - 26 * mm, width, 26 * mm, stroke=0, fill=1)
        # A chequered band under the banner, as police stationery has.
        square = 4 * mm
        for i in range(int(width // square) + 1):
            canvas.setFillColor(colour if i % 2 else colors.white)
            canvas.rect(i * square, height - 26 * mm - square, square, square, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 17)
        canvas.drawString(left, height - 14 * mm, org.name.upper())
        canvas.setFont("Helvetica", 9.5)
        canvas.drawString(left, height - 20.5 * mm, org.unit)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.setFont("Helvetica", 8)
        _address_right(canvas, address, right, height - 36 * mm)
    elif org.style == "nhs":
        canvas.setFillColor(colour)
        canvas.setFont("Helvetica-Bold", 15)
        canvas.drawRightString(right, height - 20 * mm, org.name)
        canvas.setFont("Helvetica", 9.5)
        canvas.drawRightString(right, height - 26 * mm, org.unit)
        canvas.setFillColor(colors.HexColor("#425563"))
        canvas.setFont("Helvetica", 8)
        _address_right(canvas, address, right, height - 32 * mm)
    else:  # rule
        canvas.setFillColor(colour)
        canvas.setFont("Helvetica-Bold", 17)
        canvas.drawString(left, height - 22 * mm, org.name)
        canvas.setFont("Helvetica-Oblique", 9.5)
        canvas.drawString(left, height - 28 * mm, org.unit)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.setFont("Helvetica", 8)
        _address_right(canvas, address, right, height - 16 * mm)
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(2)
        canvas.line(left, height - 42 * mm, right, height - 42 * mm)
    canvas.restoreState()
    _pdf_footer(letter, canvas, doc)


def _pdf_later_page(letter: Letter, canvas, doc) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFillColor(_hex(letter.org.colour))
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(doc.leftMargin, height - 14 * mm, letter.org.name)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.setFont("Helvetica", 8.5)
    canvas.drawRightString(width - doc.rightMargin, height - 14 * mm, letter.ref)
    canvas.setStrokeColor(colors.HexColor("#999999"))
    canvas.setLineWidth(0.4)
    canvas.line(doc.leftMargin, height - 16 * mm, width - doc.rightMargin, height - 16 * mm)
    canvas.restoreState()
    _pdf_footer(letter, canvas, doc)


def _pdf_footer(letter: Letter, canvas, doc) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    width, _ = doc.pagesize
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#bbbbbb"))
    canvas.setLineWidth(0.4)
    canvas.line(doc.leftMargin, 17 * mm, width - doc.rightMargin, 17 * mm)
    canvas.setFillColor(colors.HexColor("#666666"))
    canvas.setFont("Helvetica-Oblique", 7.5)
    canvas.drawString(doc.leftMargin, 12.5 * mm, NOTICE)
    canvas.setFont("Helvetica", 7.5)
    canvas.drawRightString(width - doc.rightMargin, 12.5 * mm, f"Page {doc.page}")
    canvas.drawString(doc.leftMargin, 8.5 * mm, f"{letter.org.name} · {letter.ref}")
    canvas.restoreState()


def _pdf_styles(letter: Letter) -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    serif = letter.org.style == "centre"
    body_font = "Times-Roman" if serif else "Helvetica"
    bold_font = "Times-Bold" if serif else "Helvetica-Bold"
    italic_font = "Times-Italic" if serif else "Helvetica-Oblique"
    size = 11 if serif else 10
    colour = _hex(letter.org.colour)
    body = ParagraphStyle(
        "body", fontName=body_font, fontSize=size, leading=size * 1.38, spaceAfter=6
    )
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=bold_font),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=bold_font,
            fontSize=size + 1.5,
            textColor=colour,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=bold_font,
            fontSize=18,
            leading=22,
            textColor=colour,
            spaceAfter=4,
        ),
        "request": ParagraphStyle(
            "request",
            parent=body,
            fontName=italic_font,
            textColor=colors.HexColor("#222222"),
            spaceAfter=0,
        ),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=size - 1.5, leading=(size - 1.5) * 1.25, spaceAfter=0
        ),
        "cellhead": ParagraphStyle(
            "cellhead",
            parent=body,
            fontName=bold_font,
            fontSize=size - 1.5,
            leading=(size - 1.5) * 1.25,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "small": ParagraphStyle(
            "small",
            parent=body,
            fontSize=size - 2,
            leading=(size - 2) * 1.3,
            textColor=colors.HexColor("#555555"),
        ),
    }


def _pdf_story(letter: Letter, width: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    s = _pdf_styles(letter)
    story: list = []
    if letter.layout == "letter":
        to = "<br/>".join(escape(x) for x in letter.to)
        ours = f"<b>Our ref:</b> {escape(letter.ref)}<br/><b>Date:</b> {_long_date(letter.date)}"
        head = Table(
            [[Paragraph(to, s["body"]), Paragraph(ours, s["body"])]],
            colWidths=[width * 0.55, width * 0.45],
        )
        head.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        )
        story += [head, Spacer(1, 6 * mm)]
        if letter.salutation:
            story.append(Paragraph(escape(letter.salutation) + ",", s["body"]))
        if letter.subject:
            story.append(Paragraph(f"<b>{escape(letter.subject)}</b>", s["body"]))
    elif letter.layout == "report":
        story += [
            Paragraph(escape(letter.title), s["title"]),
            Paragraph(
                f"{escape(letter.org.unit)} · {_long_date(letter.date)} · {escape(letter.ref)}",
                s["small"],
            ),
            Spacer(1, 3 * mm),
        ]
    else:  # form
        story += [Paragraph(escape(letter.title), s["title"]), Spacer(1, 2 * mm)]

    for block in letter.blocks[:-1]:
        story += _pdf_block(block, s, width, letter.org.colour)

    # The sign-off never sits alone on a page: it keeps the last paragraph with it.
    ending = _pdf_block(letter.blocks[-1], s, width, letter.org.colour)
    ending.append(Spacer(1, 6 * mm))
    ending.append(
        Paragraph(escape(letter.closing) + (":" if letter.layout == "report" else ","), s["body"])
    )
    if letter.layout == "letter":
        ending.append(Spacer(1, 9 * mm))
    ending.append(Paragraph(f"<b>{escape(letter.signer)}</b>", s["body"]))
    for line in letter.signer_role:
        ending.append(Paragraph(escape(line), s["body"]))
    story.append(KeepTogether(ending))
    return story


def _pdf_block(block: Block, s: dict[str, Any], width: float, colour: str) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, ListItem, PageBreak, Paragraph, Table, TableStyle

    kind = block[0]
    if kind == "p":
        return [Paragraph(escape(block[1]), s["body"])]
    if kind == "h":
        return [Paragraph(escape(block[1]), s["heading"])]
    if kind == "small":
        return [Paragraph(escape(block[1]), s["small"])]
    if kind == "break":
        return [PageBreak()]
    if kind == "request":
        box = Table([[Paragraph(escape(block[1]), s["request"])]], colWidths=[width])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f2f2f2")),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, _hex(colour)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return [box, Paragraph("", s["body"])]
    if kind in ("ul", "ol"):
        items = [ListItem(Paragraph(escape(t), s["body"]), leftIndent=14) for t in block[1]]
        extra = {"bulletType": "1"} if kind == "ol" else {"bulletType": "bullet", "start": "•"}
        return [ListFlowable(items, leftIndent=14, bulletFontSize=9, **extra)]
    if kind == "kv":
        rows = [
            [Paragraph(f"<b>{escape(k)}</b>", s["cell"]), Paragraph(escape(v), s["cell"])]
            for k, v in block[1]
        ]
        table = Table(rows, colWidths=[width * 0.3, width * 0.7])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return [table, Paragraph("", s["body"])]
    if kind == "table":
        rows = block[1]
        header = [Paragraph(escape(c), s["cellhead"]) for c in rows[0]]
        body = [[Paragraph(escape(c), s["cell"]) for c in row] for row in rows[1:]]
        weights = [max(len(str(r[i])) for r in rows) + 6 for i in range(len(rows[0]))]
        total = sum(weights)
        table = Table([header, *body], colWidths=[width * w / total for w in weights], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), _hex(colour)),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f5f5f5")],
                    ),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return [table, Paragraph("", s["body"]), _spacer(2 * mm)]
    raise ValueError(f"unknown block kind {kind!r}")


def _spacer(height: float):
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


# --- scanned letter (Pillow) --------------------------------------------------------------

SCAN_DPI = 200


def find_font() -> str | None:
    """A TrueType font on this machine, looked for in a fixed order so pixels stay stable.

    reportlab (a dependency) bundles Bitstream Vera, so it comes first and the same
    glyphs are drawn everywhere; system DejaVu or Liberation fonts are fallbacks.
    """
    candidates: list[Path] = []
    try:
        import reportlab

        candidates.append(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")
    except ImportError:  # pragma: no cover - reportlab is a dependency
        pass
    candidates += [
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
        Path("/Library/Fonts/Arial.ttf"),
        Path("C:/Windows/Fonts/arial.ttf"),
    ]
    for path in candidates:
        if path.is_file():
            return str(path)
    for root in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        if root.is_dir():
            found = sorted(root.rglob("*.ttf"))
            if found:
                return str(found[0])
    return None


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    path = find_font()
    if path is None:
        return ImageFont.load_default(size=size)
    if bold:
        bold_path = path.replace("Vera.ttf", "VeraBd.ttf").replace("Sans.ttf", "Sans-Bold.ttf")
        if Path(bold_path).is_file():
            path = bold_path
    return ImageFont.truetype(path, size)


def _scan_lines(letter: Letter) -> list[tuple[str, str]]:
    """The letter as (style, text) lines in reading order: style is title|bold|text|gap."""
    lines: list[tuple[str, str]] = [("title", letter.org.name), ("text", letter.org.unit)]
    lines += [("small", x) for x in (*letter.org.address, letter.org.contact)]
    lines += [
        ("gap", ""),
        ("text", f"Our ref: {letter.ref}"),
        ("text", f"Date: {_long_date(letter.date)}"),
        ("gap", ""),
    ]
    lines += [("text", x) for x in letter.to]
    lines += [("gap", ""), ("text", letter.salutation + ","), ("gap", "")]
    lines += [("bold", letter.subject), ("gap", "")]
    for block in letter.blocks:
        if block[0] in ("p", "request"):
            lines += [("para", block[1]), ("gap", "")]
        elif block[0] == "h":
            lines += [("bold", block[1])]
        elif block[0] in ("ul", "ol"):
            lines += [("para", f"- {item}") for item in block[1]]
            lines.append(("gap", ""))
    lines += [("text", letter.closing + ","), ("sig", ""), ("bold", letter.signer)]
    lines += [("text", x) for x in letter.signer_role]
    return lines


def render_scan(letter: Letter) -> bytes:
    """The letter printed, signed and scanned: an image-only PDF with no text layer."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = int(8.27 * SCAN_DPI), int(11.69 * SCAN_DPI)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    pt = SCAN_DPI / 72
    fonts = {
        "title": _font(int(17 * pt), bold=True),
        "bold": _font(int(11 * pt), bold=True),
        "text": _font(int(11 * pt)),
        "para": _font(int(11 * pt)),
        "small": _font(int(9 * pt)),
    }
    margin = int(0.9 * SCAN_DPI)
    usable = width - 2 * margin
    y = int(0.8 * SCAN_DPI)
    rng = random.Random(20151008)  # noqa: S311 - seeded noise, so every build has the same pixels
    for style, text in _scan_lines(letter):
        if style == "gap":
            y += int(7 * pt)
            continue
        if style == "sig":
            # A pen scribble above the typed name is what makes it look signed.
            points = [(margin + i * 14, y + 30 + rng.randrange(-22, 22)) for i in range(16)]
            draw.line(points, fill=60, width=3, joint="curve")
            y += int(30 * pt)
            continue
        font = fonts[style]
        for line in _wrap(text, font, usable) if style == "para" else [text]:
            draw.text((margin, y), line, font=font, fill=25)
            y += int(font.size * 1.35)
    footer_y = height - int(0.7 * SCAN_DPI)
    draw.line((margin, footer_y - 12, width - margin, footer_y - 12), fill=120, width=2)
    draw.text((margin, footer_y), NOTICE, font=fonts["small"], fill=40)

    # Scanner artefacts: dust specks, a slight skew, softened edges.
    for _ in range(1800):
        x, yy = rng.randrange(width), rng.randrange(height)
        draw.point((x, yy), fill=rng.randrange(120, 200))
    page = page.rotate(0.4, resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    page = page.point(lambda v: 246 if v > 246 else v)  # paper is never pure white

    fixed = time.struct_time((2015, 10, 8, 9, 0, 0, 3, 281, 0))
    buf = io.BytesIO()
    page.save(
        buf,
        "PDF",
        resolution=float(SCAN_DPI),
        title=f"Scanned letter {letter.ref}",
        author=f"{letter.org.name} (fictional sample)",
        subject=NOTICE,
        creationDate=fixed,
        modDate=fixed,
        quality=80,
    )
    return buf.getvalue()


def _wrap(text: str, font, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if current and font.getlength(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


# --- DOCX (python-docx) -------------------------------------------------------------------


def render_docx(letter: Letter) -> bytes:
    """A Word letter: letterhead in the page header, notice in the footer, at least one table."""
    import docx
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    normal = document.styles["Normal"]
    normal.font.name = "Arial" if letter.org.style != "centre" else "Georgia"
    normal.font.size = Pt(10.5)
    _docx_letterhead(section, letter)
    _docx_opening(document, letter)
    for block in letter.blocks:
        _docx_block(document, block)
    document.add_paragraph(letter.closing + ",")
    document.add_paragraph().add_run(letter.signer).bold = True
    for line in letter.signer_role:
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    _docx_properties(document, letter)
    buf = io.BytesIO()
    document.save(buf)
    return normalise_zip(buf.getvalue(), letter.date)


def _docx_letterhead(section, letter: Letter) -> None:
    """The organisation in the page header; the notice and reference in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    colour = RGBColor.from_string(letter.org.colour.lstrip("#").upper())
    header = section.header.paragraphs[0]
    header.alignment = (
        WD_ALIGN_PARAGRAPH.RIGHT if letter.org.style in ("nhs", "rule") else WD_ALIGN_PARAGRAPH.LEFT
    )
    run = header.add_run(letter.org.name)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(15), colour
    unit = section.header.add_paragraph(letter.org.unit)
    unit.alignment = header.alignment
    unit.runs[0].font.size = Pt(9)
    addr = section.header.add_paragraph(", ".join(letter.org.address) + " · " + letter.org.contact)
    addr.alignment = header.alignment
    addr.runs[0].font.size = Pt(8)

    footer = section.footer.paragraphs[0]
    footer.text = NOTICE
    footer.runs[0].italic, footer.runs[0].font.size = True, Pt(8)
    ref = section.footer.add_paragraph(f"{letter.org.name} · {letter.ref}")
    ref.runs[0].font.size = Pt(8)


def _docx_opening(document, letter: Letter) -> None:
    """A letter's addressee, reference, date, salutation and subject; a report's heading."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if letter.layout != "letter":
        document.add_heading(letter.title, level=1)
        return
    for line in letter.to:
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    meta.add_run(f"Our reference: {letter.ref}\n{_long_date(letter.date)}")
    if letter.salutation:
        document.add_paragraph(letter.salutation + ",")
    if letter.subject:
        document.add_paragraph().add_run(letter.subject).bold = True


def _docx_block(document, block: Block) -> None:
    from docx.shared import Pt

    kind = block[0]
    if kind == "p":
        document.add_paragraph(block[1])
    elif kind == "h":
        document.add_heading(block[1], level=2)
    elif kind == "small":
        document.add_paragraph().add_run(block[1]).font.size = Pt(8.5)
    elif kind == "request":
        document.add_paragraph(block[1], style="Intense Quote")
    elif kind in ("ul", "ol"):
        style = "List Bullet" if kind == "ul" else "List Number"
        for item in block[1]:
            document.add_paragraph(item, style=style)
    elif kind in ("table", "kv"):
        _docx_table(document, kind, block[1])
    elif kind == "break":
        document.add_page_break()
    else:
        raise ValueError(f"unknown block kind {kind!r}")


def _docx_table(document, kind: str, rows) -> None:
    """A table with a bold header row, or a label/value box with bold labels."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    rows = rows if kind == "table" else [list(pair) for pair in rows]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Light Grid Accent 1" if kind == "table" else "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = str(value)
            if (kind == "table" and r == 0) or (kind == "kv" and c == 0):
                for para in cell.paragraphs:
                    for cell_run in para.runs:
                        cell_run.bold = True
    document.add_paragraph()


def _docx_properties(document, letter: Letter) -> None:
    props = document.core_properties
    props.title = letter.title
    props.author = f"{letter.org.name} (fictional sample)"
    props.subject = NOTICE
    props.comments = NOTICE
    props.last_modified_by = "Data Scores demo corpus"
    props.revision = 1
    when = datetime(letter.date.year, letter.date.month, letter.date.day, 9, 0, 0)
    props.created = props.modified = props.last_printed = when


# --- XLSX (openpyxl) ----------------------------------------------------------------------


def render_xlsx(book: Workbook) -> bytes:
    """A spreadsheet: a title and the notice above each sheet's table, pounds and dates typed."""
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = OpenpyxlWorkbook()
    wb.remove(wb.active)
    fill = PatternFill("solid", fgColor="DDE7F0")
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        ws["A1"] = sheet.title
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = NOTICE
        ws["A2"].font = Font(italic=True, color="666666")
        first = 4
        for c, name in enumerate(sheet.header, start=1):
            cell = ws.cell(row=first, column=c, value=name)
            cell.font, cell.fill = Font(bold=True), fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(sheet.rows, start=first + 1):
            for c, value in enumerate(row, start=1):
                _xlsx_format(ws.cell(row=r, column=c, value=value), (c - 1) in sheet.money_columns)
        last = first + len(sheet.rows)
        for i, note in enumerate(sheet.notes):
            ws.cell(row=last + 2 + i, column=1, value=note).font = Font(italic=True)
        for c, w in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = ws.cell(row=first + 1, column=1)
        if sheet.rows:
            ws.auto_filter.ref = f"A{first}:{get_column_letter(len(sheet.header))}{last}"
    when = datetime(book.created.year, book.created.month, book.created.day, 9, 0, 0)
    wb.properties.title = book.title
    wb.properties.creator = book.author
    wb.properties.subject = NOTICE
    wb.properties.description = NOTICE
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue(), book.created)


def _xlsx_format(cell, money: bool) -> None:
    """Dates as dates, pounds as pounds, long text wrapped."""
    from openpyxl.styles import Alignment

    value = cell.value
    if isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    elif money and isinstance(value, int | float):
        cell.number_format = "£#,##0.00" if isinstance(value, float) else "£#,##0"
    elif isinstance(value, str) and len(value) > 40:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- HTML ---------------------------------------------------------------------------------


def _html_blocks(blocks: tuple[Block, ...]) -> str:
    parts: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "p":
            parts.append(f"<p>{html.escape(block[1])}</p>")
        elif kind == "h":
            parts.append(f"<h2>{html.escape(block[1])}</h2>")
        elif kind == "small":
            parts.append(f'<p class="small">{html.escape(block[1])}</p>')
        elif kind == "request":
            parts.append(f'<blockquote class="request">{html.escape(block[1])}</blockquote>')
        elif kind in ("ul", "ol"):
            items = "".join(f"<li>{html.escape(i)}</li>" for i in block[1])
            parts.append(f"<{kind}>{items}</{kind}>")
        elif kind == "table":
            head = "".join(f"<th>{html.escape(c)}</th>" for c in block[1][0])
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in block[1][1:]
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif kind == "kv":
            rows = "".join(
                f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>"
                for k, v in block[1]
            )
            parts.append(f'<dl class="facts">{rows}</dl>')
        elif kind != "break":
            raise ValueError(f"unknown block kind {kind!r}")
    return "\n".join(parts)


_CSS = """
body{{font-family:Arial,Helvetica,sans-serif;margin:0;color:#1b1b1b;line-height:1.5}}
.skip{{position:absolute;left:-999px}}
header.site{{background:{colour};color:#fff;padding:12px 24px}}
header.site a{{color:#fff;margin-right:14px;text-decoration:none}}
.brand{{font-size:1.5em;font-weight:bold;display:block;margin-bottom:6px}}
.cookie{{background:#ffdd00;padding:8px 24px;font-size:.9em}}
.sample{{background:#fff4ce;border-left:6px solid #c98a00;padding:8px 12px}}
main{{max-width:760px;margin:0 auto;padding:16px 24px}}
blockquote.request{{border-left:5px solid {colour};background:#f3f3f3;margin:0;padding:8px}}
table{{border-collapse:collapse}} td,th{{border:1px solid #999;padding:4px 8px}}
aside,footer{{font-size:.9em}} footer{{background:#eee;padding:16px 24px;margin-top:32px}}
.small{{font-size:.85em;color:#555}}
"""


def render_html(page: WebPage) -> bytes:
    """A page with the boilerplate real sites carry: cookie banner, navigation, related, footer."""
    nav = "".join(f'<a href="/{_slug(x)}">{html.escape(x)}</a>' for x in page.nav)
    crumbs = " › ".join(f'<a href="/{_slug(x)}">{html.escape(x)}</a>' for x in page.breadcrumbs)
    related = "".join(f'<li><a href="/{_slug(x)}">{html.escape(x)}</a></li>' for x in page.related)
    footer_links = " | ".join(
        f'<a href="/{_slug(x)}">{html.escape(x)}</a>' for x in page.footer_links
    )
    pretty = _long_date(page.date)
    if page.style == "news":
        intro = (
            f'<p class="standfirst"><strong>{html.escape(page.standfirst)}</strong></p>'
            f'<p class="byline">{html.escape(page.byline)} · '
            f'<time datetime="{page.date.isoformat()}">{pretty}</time></p>'
        )
        meta_name = "article:published_time"
        tail = (
            f"<aside><h3>More on this story</h3><ul>{related}</ul></aside>"
            '<aside class="newsletter"><h3>Get the Ledger briefing</h3><p>Sign up for '
            "our free weekly newsletter about data, power and public services.</p></aside>"
        )
        copyright_line = f"© {page.site} {page.date.year}. A fictional news outlet."
    else:
        intro = (
            f'<p class="small">Last updated: <time datetime="{page.date.isoformat()}">'
            f"{pretty}</time></p>"
        )
        meta_name = "dcterms.modified"
        tail = f"<aside><h3>Related pages</h3><ul>{related}</ul></aside>"
        copyright_line = f"© {page.site} {page.date.year}"
    css = _CSS.format(colour=page.colour)
    document = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(page.title)} - {html.escape(page.site)}</title>
<meta name="description" content="{html.escape(NOTICE)}">
<meta name="{meta_name}" content="{page.date.isoformat()}">
<style>{css}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<div class="cookie" role="region" aria-label="Cookie banner">We use cookies to make this site
work and to collect analytics. <button>Accept all cookies</button> <button>Reject
optional cookies</button> <a href="/cookies">Cookie settings</a></div>
<header class="site"><span class="brand">{html.escape(page.site)}</span>
<nav aria-label="Main">{nav}</nav></header>
{f'<nav class="breadcrumbs" aria-label="Breadcrumb">{crumbs}</nav>' if crumbs else ""}
<main id="main"><article>
<p class="sample">{html.escape(NOTICE)}</p>
<h1>{html.escape(page.title)}</h1>
{intro}
{_html_blocks(page.blocks)}
</article>
{tail}
</main>
<footer><p>{footer_links}</p>
<p>{html.escape(copyright_line)}</p>
<p class="small">{html.escape(NOTICE)}</p></footer>
</body>
</html>
"""
    return document.encode("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- EML ----------------------------------------------------------------------------------


def render_eml(mail: Email) -> bytes:
    """An RFC 5322 message; attachments are rendered documents, boundaries fixed."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = mail.sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.sent)
    msg["Message-ID"] = mail.message_id
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
        msg["References"] = mail.in_reply_to
    msg["X-Sample-Notice"] = NOTICE
    msg.set_content(mail.body)
    if mail.html_alternative:
        paras = "".join(
            f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in mail.body.split("\n\n")
        )
        msg.add_alternative(
            f'<html><body style="font-family:Arial,sans-serif">{paras}</body></html>',
            subtype="html",
        )
    for attachment in mail.attachments:
        data = _render_attachment(attachment)
        maintype, subtype = MIME_BY_KIND[attachment.kind].split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    for i, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_datascores_demo_{i}_{_slug(mail.message_id)}")
    return msg.as_bytes()


def _render_attachment(attachment: Attachment) -> bytes:
    return _render_spec(attachment.kind, attachment.spec)


# --- ZIP ----------------------------------------------------------------------------------


def render_zip(bundle: Bundle) -> bytes:
    """A ZIP of rendered responses with a short index, as FOI teams send them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        index = ["This archive contains:", ""]
        for member in bundle.members:
            info = zipfile.ZipInfo(member.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, _render_attachment(member))
            index.append(f"  {member.filename}")
        index += ["", NOTICE, ""]
        info = zipfile.ZipInfo("README.txt", date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, "\n".join(textwrap.dedent(x) for x in index))
    return buf.getvalue()
