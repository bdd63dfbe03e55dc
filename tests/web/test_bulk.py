"""Bulk download: a result set's originals as one streamed ZIP with a manifest, capped."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest

from web import engine
from web.forms import SearchState

from .conftest import make_document, tag_and_index

pytestmark = pytest.mark.django_db


def download(client, query: str):
    response = client.get(f"/search.zip?{query}")
    return response


def unzip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:500]
    assert response.streaming and response["Content-Type"] == "application/zip"
    chunks = list(response.streaming_content)
    assert len(chunks) > 1  # written as it goes, not in one piece
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    return archive


def manifest(archive: zipfile.ZipFile) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))


def matching_ids(q: str) -> set[int]:
    state = SearchState(q=q)
    req = engine.request_for(state, page=1, size=0, snippets=0, facets=False)
    return {h.id for h in engine.backend().scan(req)}


def test_the_zip_holds_the_result_set_with_a_manifest(client, corpus):
    archive = unzip(download(client, "q=predictive"))
    rows = manifest(archive)
    expected = matching_ids("predictive")
    assert {int(r["id"]) for r in rows} == expected and len(rows) == len(expected) == 3
    names = [n for n in archive.namelist() if n.startswith("documents/")]
    assert len(names) == 3
    by_id = {d.pk: d for d in corpus.values()}
    for row in rows:
        doc = by_id[int(row["id"])]
        data = archive.read(row["file"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"] == doc.blob.sha256
        assert int(row["bytes"]) == len(data)
        assert row["title"] == doc.title
    bristol = next(r for r in rows if int(r["id"]) == corpus["bristol"].pk)
    assert bristol["issuer"] == "Bristol City Council"
    assert bristol["date"] == "2018-03-14"
    assert "whatdotheyknow.com/request/bristol_analytics_hub" in bristol["sources"]
    assert "README-cut.txt" not in archive.namelist()


def test_the_search_page_offers_the_download(client, corpus):
    assert 'href="/search.zip?q=predictive"' in client.get("/search?q=predictive").content.decode()


def test_a_result_set_over_the_count_cap_is_refused_with_the_cap_stated(client, corpus, settings):
    settings.BULK_MAX_DOCUMENTS = 2
    response = download(client, "q=predictive")
    assert response.status_code == 413
    page = response.content.decode()
    assert "This search matches 3 documents" in page
    assert "at most 2 documents" in page
    # The user may take the first part: exactly the cap, in the search's order, and told so.
    archive = unzip(download(client, "q=predictive&cut=1"))
    rows = manifest(archive)
    assert len(rows) == 2 and {int(r["id"]) for r in rows} <= matching_ids("predictive")
    note = archive.read("README-cut.txt").decode()
    assert "matches 3 documents" in note and "first 2" in note


def test_the_byte_cap_cuts_too(client, settings):
    docs = [
        make_document(f"Xylofinder {i}", ["Xylofinder"], data=bytes([i]) * 1000) for i in range(5)
    ]
    tag_and_index(*docs)
    settings.BULK_MAX_BYTES = 2500
    assert download(client, "q=xylofinder").status_code == 413
    rows = manifest(unzip(download(client, "q=xylofinder&cut=1")))
    assert len(rows) == 2 and sum(int(r["bytes"]) for r in rows) <= 2500


def test_nothing_to_download(client, corpus):
    response = download(client, "q=nonexistentword")
    assert response.status_code == 404
    assert "No documents match" in response.content.decode()


def test_manifest_cells_cannot_become_spreadsheet_formulas(client):
    doc = make_document('=HYPERLINK("http://evil")', ["Xylofinder"])
    tag_and_index(doc)
    [row] = manifest(unzip(download(client, "q=xylofinder")))
    assert row["title"].startswith("'=")
