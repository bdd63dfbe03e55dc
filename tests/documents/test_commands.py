"""manage.py ingest and show_document, as a person at a terminal would use them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from datascores.documents.models import Document

from . import fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def inbox(tmp_path):
    (tmp_path / "sub").mkdir()
    pdf = fixtures.text_pdf()
    (tmp_path / "report.pdf").write_bytes(pdf)
    (tmp_path / "sub" / "report-copy.pdf").write_bytes(pdf)
    (tmp_path / "sub" / "scan.pdf").write_bytes(fixtures.scanned_pdf())
    (tmp_path / "sub" / "broken.pdf").write_bytes(fixtures.text_pdf()[:700])
    return tmp_path


def test_ingest_json_reports_each_file(inbox):
    rows = json.loads(run("ingest", str(inbox), "--json"))
    by_name = {r["path"].rsplit("/", 1)[-1]: r for r in rows}
    assert set(by_name) == {"report.pdf", "report-copy.pdf", "scan.pdf", "broken.pdf"}
    assert set(rows[0]) == {
        "path",
        "document_id",
        "status",
        "reason",
        "pages",
        "ocr_pages",
        "duplicate_of",
    }
    original, copy = by_name["report.pdf"], by_name["report-copy.pdf"]
    assert original["status"] == "done" and original["pages"] == 3
    # The walk is sorted: report.pdf comes before sub/report-copy.pdf, which duplicates it.
    assert rows.index(original) < rows.index(copy)
    assert original["duplicate_of"] is None
    assert copy["duplicate_of"] == original["document_id"] == copy["document_id"]
    assert by_name["scan.pdf"]["ocr_pages"] == 1
    assert by_name["broken.pdf"]["status"] == "failed"
    assert by_name["broken.pdf"]["reason"]


def test_ingest_summary_names_duplicates_and_failures(inbox):
    out = run("ingest", str(inbox))
    assert "4 file(s): 3 new, 1 duplicate(s)" in out
    assert "done: 2, failed: 1" in out
    assert "broken.pdf" in out and "failed:" in out


def test_reingesting_reports_everything_as_duplicates(inbox):
    run("ingest", str(inbox), "--json")
    rows = json.loads(run("ingest", str(inbox), "--json"))
    assert all(r["duplicate_of"] == r["document_id"] for r in rows)
    assert Document.objects.count() == 3


def test_ingest_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("ingest", str(tmp_path / "nope"))


def test_show_document_json(inbox):
    rows = json.loads(run("ingest", str(inbox / "sub" / "scan.pdf"), "--json"))
    info = json.loads(run("show_document", str(rows[0]["document_id"]), "--json"))
    for key in (
        "id",
        "title",
        "status",
        "reason",
        "pages",
        "page_methods",
        "ocr_confidence",
        "sources",
        "tags",
        "evidence",
    ):
        assert key in info
    assert info["page_methods"] == ["ocr"]
    assert info["ocr_confidence"] > 50
    assert info["sources"][0]["location"].endswith("scan.pdf")


def test_show_document_text_lists_pages_and_methods(inbox):
    rows = json.loads(run("ingest", str(inbox / "report.pdf"), "--json"))
    out = run("show_document", str(rows[0]["document_id"]))
    assert "status: done" in out
    assert "p.1: text layer" in out and "p.3: text layer" in out
    assert str(inbox / "report.pdf") in out


def test_show_document_unknown_id():
    with pytest.raises(CommandError, match="No document with id 999"):
        run("show_document", "999")
