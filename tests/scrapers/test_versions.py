"""A changed page on the document page: its versions, the diff, and the index's latest text."""

from __future__ import annotations

import pytest
from django.test import Client

from datascores.documents.models import Source as DocSource
from datascores.documents.models import SourceKind
from web.versions import diff_lines

from .test_engine import make_source, scrape

pytestmark = pytest.mark.django_db(transaction=True)


def test_diff_lines_marks_changes_and_cuts_unchanged_runs():
    old = "\n".join(f"line {i}" for i in range(20))
    new = old.replace("line 10", "line ten").replace("line 19", "line 19\nline 20")
    ops = [(d.op, d.text) for d in diff_lines(old, new)]
    assert ("delete", "line 10") in ops and ("insert", "line ten") in ops
    assert ("insert", "line 20") in ops
    assert ("equal", "line 0") not in ops  # far from any change: cut
    assert any(op == "skip" for op, _ in ops)


def test_document_page_lists_versions_and_shows_the_diff(site, fetcher):
    source = make_source(site, max_depth=1)
    scrape(source, fetcher)
    site.state["changing"] = "v2"
    scrape(source, fetcher)
    doc = DocSource.objects.get(kind=SourceKind.URL, location=site.url("/changing")).document

    page = Client().get(f"/documents/{doc.pk}").content.decode()
    assert 'id="versions"' in page
    assert "Version 1" in page and "Version 2" in page
    assert "Changes in version 2 since version 1" in page
    assert "<del>- We share data with the police under a data sharing agreement.</del>" in page
    assert "<ins>+ We share data with the police and the NHS under a revised data sharing" in page

    old = Client().get(f"/documents/{doc.pk}?version=1").content.decode()
    assert "Text of version 1" in old and "police under a data sharing agreement" in old

    # Search holds the latest version only (the index outlives other tests' rows, so
    # only this document's presence is judged).
    found = Client().get("/api/search", {"q": '"police and the NHS"'}).json()
    assert doc.pk in [h["id"] for h in found["hits"]]
    old = Client().get("/api/search", {"q": '"police under a data sharing"'}).json()
    assert doc.pk not in [h["id"] for h in old["hits"]]


def test_a_page_with_one_version_shows_no_versions_panel(site, fetcher):
    scrape(make_source(site, max_depth=0), fetcher)
    doc = DocSource.objects.get(kind=SourceKind.URL, location=site.url("/")).document
    assert 'id="versions"' not in Client().get(f"/documents/{doc.pk}").content.decode()
