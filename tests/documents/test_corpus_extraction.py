"""Extraction (and OCR) of the real FOI documents in ../shared/corpus against their labels.

Skipped when the corpus is absent. The documents are never copied into the project.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest

from datascores.documents.extract import Context, extract
from datascores.documents.extract.registry import file_type_for
from datascores.documents.ocr import ocr_pages
from datascores.documents.sniff import sniff_mime

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("DATASCORES_CORPUS") or REPO.parent / "shared" / "corpus")
LABELS_FILE = CORPUS / "labels.json"
LABELS = json.loads(LABELS_FILE.read_text()) if LABELS_FILE.is_file() else []

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.slow,
    pytest.mark.skipif(not LABELS, reason="shared corpus not available"),
]


def _ids(label: dict) -> str:
    return label["file"][:40]


@cache
def _read(name: str):
    """(file type, extracted result, page texts after OCR, per-page OCR flags) of one file."""
    data = (CORPUS / "foi" / name).read_bytes()
    mime = sniff_mime(data, name)
    ctx = Context(filename=name, mime_type=mime)
    result = extract(data, ctx)
    flags = [p.needs_ocr for p in result.pages]
    texts = {p.number: p.text for p in result.pages}
    wanted = [p.number for p in result.pages if p.needs_ocr]
    # As the pipeline does: an OCR'd page's text replaces its text layer.
    texts.update({p.number: p.text for p in ocr_pages(data, mime, wanted, ctx)})
    return file_type_for(mime), result, texts, flags


def normalise(text: str) -> str:
    """Whitespace, curly quotes, dashes and hyphenation at line ends made uniform."""
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-"}))
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(text.split())


@pytest.mark.parametrize("label", LABELS, ids=_ids)
def test_format_is_sniffed_from_the_bytes(label):
    file_type, *_ = _read(label["file"])
    assert file_type == label["format"]


@pytest.mark.parametrize("label", [lb for lb in LABELS if lb["format"] == "pdf"], ids=_ids)
def test_pdf_page_count(label):
    _, result, _, _ = _read(label["file"])
    assert len(result.pages) == label["pages"]


@pytest.mark.parametrize("label", LABELS, ids=_ids)
def test_files_that_need_ocr_are_detected_and_others_are_not(label):
    _, _, _, flags = _read(label["file"])
    # A document needs OCR when most of its pages have no usable text layer; a report
    # with one diagram page (also OCR'd) still reads from its text layer.
    assert (sum(flags) * 2 > len(flags)) == label["needs_ocr"], flags


@pytest.mark.parametrize(
    ("label", "phrase"),
    [(lb, ph) for lb in LABELS for ph in lb["exact_phrases"]],
    ids=lambda v: v["phrase"][:30] if "phrase" in v else _ids(v),
)
def test_exact_phrase_is_found_on_its_page(label, phrase):
    _, _, texts, _ = _read(label["file"])
    if phrase["page"] is None:
        haystack = "\n".join(texts[n] for n in sorted(texts))
    else:
        haystack = texts[phrase["page"]]
    assert normalise(phrase["phrase"]) in normalise(haystack)
