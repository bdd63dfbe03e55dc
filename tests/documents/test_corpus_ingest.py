"""The real FOI corpus through the whole pipeline, checked against its labels."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from datascores.documents.models import Document
from datascores.entities.models import Candidate

# Read-only tests over data the module fixture commits once (outside any test transaction).
pytestmark = [pytest.mark.corpus, pytest.mark.slow, pytest.mark.django_db]


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u00ad", "")
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).lower()


@pytest.fixture(scope="module")
def ingested(corpus_dir, django_db_setup, django_db_blocker):
    """Ingest the corpus once for the module (the database is kept for its tests)."""
    labels = json.loads((corpus_dir / "labels.json").read_text())
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("ingest", str(corpus_dir / "foi"), "--json", stdout=out, stderr=StringIO())
        rows = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(out.getvalue())}
        docs = {name: Document.objects.get(pk=row["document_id"]) for name, row in rows.items()}
        texts = {name: {p.number: p.text for p in d.pages.all()} for name, d in docs.items()}
        yield labels, rows, docs, texts
        # Tagging proposed candidates too; left behind, they leak into later tests' queues.
        Document.objects.all().delete()
        Candidate.objects.all().delete()


def test_every_file_is_done(ingested):
    labels, rows, _, _ = ingested
    assert set(rows) == {item["file"] for item in labels}
    failed = {n: r["reason"] for n, r in rows.items() if r["status"] != "done"}
    assert not failed


def test_byte_identical_files_are_one_document(ingested):
    labels, rows, _, _ = ingested
    by_md5: dict[str, set[int]] = {}
    for item in labels:
        by_md5.setdefault(item["md5"], set()).add(rows[item["file"]]["document_id"])
    assert all(len(ids) == 1 for ids in by_md5.values())
    assert any(r["duplicate_of"] for r in rows.values())


def test_pdf_page_counts_match_labels(ingested):
    labels, rows, _, _ = ingested
    for item in labels:
        if item["format"] == "pdf":
            assert rows[item["file"]]["pages"] == item["pages"], item["file"]


def test_ocr_is_used_exactly_where_labels_say(ingested):
    labels, rows, _, _ = ingested
    needs = {i["file"] for i in labels if i["needs_ocr"]}
    ocrd = {n for n, r in rows.items() if r["ocr_pages"]}
    assert needs <= ocrd
    # Files with a good text layer may have image-only pages (diagrams); none is
    # labelled as needing OCR, so OCR must not be their main method.
    for item in labels:
        if not item["needs_ocr"] and item["format"] == "pdf":
            row = rows[item["file"]]
            assert row["ocr_pages"] < row["pages"], item["file"]


def test_exact_phrases_are_found_on_their_pages(ingested):
    labels, _, _, texts = ingested
    missing = []
    for item in labels:
        pages = texts[item["file"]]
        for phrase in item["exact_phrases"]:
            wanted = normalise(phrase["phrase"])
            if phrase["page"] is None:
                found = wanted in normalise(" ".join(pages.values()))
            else:
                found = wanted in normalise(pages.get(phrase["page"], ""))
            if not found:
                missing.append((item["file"], phrase["page"], phrase["phrase"]))
    assert not missing
