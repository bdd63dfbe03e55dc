"""The format registry: every format declared once, labels for the site, and a preload
that leaves forked extraction children nothing to import."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from datascores.documents import sniff
from datascores.documents.extract import extract, registry
from datascores.documents.extract.base import Context, ExtractionError

from . import fixtures

REPO = Path(__file__).resolve().parents[2]


def test_opendocument_spreadsheets_and_presentations_have_their_own_file_type():
    assert registry.file_type_for(sniff.ODS) == "ods"
    assert registry.file_type_for(sniff.ODP) == "odp"
    assert registry.file_type_label("ods") == "OpenDocument spreadsheet (ODS)"
    assert registry.file_type_label("odp") == "OpenDocument presentation (ODP)"


def test_every_type_sniffing_can_return_is_declared():
    sniffed = [
        value
        for name, value in vars(sniff).items()
        if name.isupper() and isinstance(value, str) and "/" in value
    ]
    assert sniffed
    for mime in sniffed:
        assert registry.format_for(mime) is not None, mime


def test_choices_have_one_label_per_value_with_other_last():
    choices = registry.file_type_choices()
    values = [v for v, _ in choices]
    assert len(values) == len(set(values))
    assert values[-1] == "other"
    assert ("pdf", "PDF") in choices
    assert registry.file_type_label("") == ""
    assert registry.file_type_label("weird") == "WEIRD"
    assert registry.file_type_for("Text/HTML; charset=utf-8") == "html"
    assert registry.file_type_for("image/x-portable-anymap") == "image"


def test_each_format_is_read_by_its_module_or_refused_with_a_reason():
    for fmt in registry.FORMATS:
        if fmt.module:
            assert callable(registry.reader(fmt).extract), fmt
            assert fmt.refusal is None
        else:
            code, reason = fmt.refusal
            assert code and reason.endswith(".")


def test_a_refused_format_fails_with_its_declared_reason():
    data = fixtures.ole_file({"Workbook": b"w"})
    with pytest.raises(ExtractionError) as info:
        extract(data, Context(filename="old.xls"))
    assert info.value.code == "unsupported_format"
    assert ".xls" in info.value.reason


def test_the_registry_imports_no_format_library():
    """The site labels file types through the registry: that must not load pdfium & co."""
    code = (
        "import json, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings';"
        "import django; django.setup(); before = set(sys.modules);"
        "from datascores.documents.extract import registry;"
        "new = {m.split('.')[0] for m in set(sys.modules) - before};"
        "print(json.dumps(sorted(m for m in ('pypdfium2', 'pdfminer', 'bs4', 'openpyxl',"
        " 'pptx', 'extract_msg', 'tesserocr', 'odf', 'striprtf', 'PIL', 'lxml') if m in new)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


_CHILD_PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
import django
django.setup()
from datascores.documents.extract import Context, ExtractionError, extract, registry
from datascores.documents.isolation import run_isolated
from datascores.documents.ocr import ocr_pages
from datascores.documents.sniff import sniff_mime

registry.preload()  # what a worker does once

def read(path):
    before = set(sys.modules)
    data = open(path, "rb").read()
    mime = sniff_mime(data, path)
    try:
        result = extract(data, Context(filename=path, mime_type=mime))
    except ExtractionError:
        return sorted(set(sys.modules) - before)
    wanted = [p.number for p in result.pages if p.needs_ocr][:1]
    if wanted:
        ocr_pages(data, mime, wanted, Context())
    result.cleanup()
    return sorted(set(sys.modules) - before)

grown = {}
for path in sys.argv[1:]:
    grown[os.path.basename(path)] = run_isolated(read, path, timeout=120, memory_mb=1024)
print(json.dumps(grown))
"""


def test_a_forked_extraction_child_imports_no_format_library(tmp_path):
    samples = {
        "a.pdf": fixtures.text_pdf(),
        "scan.pdf": fixtures.scanned_pdf(),
        "a.docx": fixtures.docx_file(),
        "a.xlsx": fixtures.xlsx_file(),
        "a.pptx": fixtures.pptx_file(),
        "a.odt": fixtures.odt_file(),
        "a.rtf": fixtures.RTF,
        "a.html": fixtures.HTML,
        "a.eml": fixtures.eml_file(),
        "a.zip": fixtures.zip_file(),
        "a.png": fixtures.png_file(),
        "a.tiff": fixtures.tiff_frames(),
        "a.txt": b"Plain words in a plain file.\n",
        "a.csv": b"name,value,year\nQuillmarsh,48000,2023\nBrambleworth,12500,2024\n",
        "a.doc": fixtures.word97_doc("A legacy Word letter about data sharing.\r"),
        "a.msg": fixtures.ole_file({"__substg1.0_0037001F": b"\xff" * 7}),  # damaged
    }
    paths = []
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD_PROBE, *paths],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    grown = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(grown) == set(samples)
    libraries = {
        name: [m for m in modules if m.split(".")[0] not in sys.stdlib_module_names]
        for name, modules in grown.items()
    }
    assert libraries == {name: [] for name in samples}


def _spreadsheet() -> bytes:
    from odf import table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    document = OpenDocumentSpreadsheet()
    sheet = table.Table(name="Budget")
    for cells in (["Service", "Cost"], ["Connect Measure", "48000"]):
        row = table.TableRow()
        for value in cells:
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    buf = io.BytesIO()
    document.write(buf)
    return buf.getvalue()


def _presentation() -> bytes:
    from odf import draw, style, text
    from odf.opendocument import OpenDocumentPresentation

    document = OpenDocumentPresentation()
    layout = style.PageLayout(name="layout")
    document.automaticstyles.addElement(layout)
    master = style.MasterPage(name="Default", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    page = draw.Page(masterpagename=master)
    frame = draw.Frame(width="20cm", height="3cm", x="1cm", y="1cm")
    box = draw.TextBox()
    box.addElement(text.P(text="Predictive analytics in children's services"))
    frame.addElement(box)
    page.addElement(frame)
    document.presentation.addElement(page)
    buf = io.BytesIO()
    document.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("make", "file_type", "phrase"),
    [
        (_spreadsheet, "ods", "Sheet: Budget\nService\tCost\nConnect Measure\t48000"),
        (_presentation, "odp", "Predictive"),
    ],
)
def test_opendocument_spreadsheets_and_presentations_are_read_and_typed(make, file_type, phrase):
    data = make()
    mime = sniff.sniff_mime(data, "file.zip")
    assert registry.file_type_for(mime) == file_type
    result = extract(data, Context(filename="file.zip", mime_type=mime))
    assert phrase in "\n".join(p.text for p in result.pages)
