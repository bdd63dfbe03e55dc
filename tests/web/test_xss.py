"""Hostile titles, text and names render inert on every page; the API stays JSON."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from search.backends import IndexDoc

from .conftest import index_docs, make_document, tag_and_index

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SCRIPT}{IMG}"


def assert_inert(html: bytes) -> None:
    """No script we did not write, no injected element, no event-handler attribute."""
    text = html.decode()
    assert SCRIPT not in text
    assert "<img src=x" not in text
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/static/") or script.get("type") == (
            "application/json"
        ), script
    # The only pictures are the site's own page pictures (their alt text escaped).
    assert all(re.fullmatch(r"/documents/\d+/pages/\d+-\d+\.webp", i["src"]) for i in soup("img"))
    for el in soup.find_all(True):
        assert not [a for a in el.attrs if a.lower().startswith("on")], el


@pytest.fixture
def hostile(db):
    doc = make_document(
        f"{HOSTILE} analytics report",
        [f"Page one: analytics {SCRIPT} and {IMG} Experian predictive.", f"Two {HOSTILE}"],
        urls=[f"https://example.gov.uk/{quote(HOSTILE)}"],
        metadata={"foi_status": "successful", "foi": {"title": HOSTILE, "authority": HOSTILE}},
    )
    tag_and_index(doc)
    # Names from the index (facets, tags, map, matrix) can be hostile too.
    index_docs(
        [
            IndexDoc(
                id=900_001,
                title=HOSTILE,
                pages=[(1, f"analytics {HOSTILE}")],
                source_type=HOSTILE,
                file_type="pdf",
                foi_status=HOSTILE,
                issuing_authority=HOSTILE,
                councils=[HOSTILE],
                companies=[HOSTILE],
                systems=[HOSTILE],
            )
        ]
    )
    return doc


def test_search_results_snippets_facets_and_chips(client, hostile):
    r = client.get(f"/search?q=analytics&council={quote(HOSTILE)}&company={quote(HOSTILE)}")
    assert r.status_code == 200
    assert_inert(r.content)
    soup = BeautifulSoup(r.content, "html.parser")
    assert HOSTILE in soup.select_one(".result h3").get_text()  # shown, as text
    assert SCRIPT in soup.select_one(".snippets").get_text()
    r = client.get("/search?q=analytics")
    assert_inert(r.content)
    r = client.get(f"/search?q={quote(HOSTILE)}")
    assert_inert(r.content)


def test_document_page(client, hostile):
    r = client.get(f"/documents/{hostile.pk}?q=analytics+{quote(SCRIPT)}")
    assert r.status_code == 200
    assert_inert(r.content)
    soup = BeautifulSoup(r.content, "html.parser")
    assert soup.h1.get_text().startswith(HOSTILE)
    assert IMG in soup.select_one("#page-1").get_text()


def test_insights_and_map_data(client, hostile):
    for url in ("/insights", "/insights?by=system", f"/insights?q={quote(HOSTILE)}"):
        r = client.get(url)
        assert_inert(r.content)


def test_batch_echoes_queries_as_text(client, hostile):
    r = client.post("/batch", {"terms": f"{HOSTILE}\nanalytics", "split": "on"})
    assert r.status_code == 200
    assert_inert(r.content)
    r = client.get(f"/batch?terms={quote(HOSTILE)}")
    assert_inert(r.content)


def test_landing_page(client, hostile):
    assert_inert(client.get("/").content)


def test_api_is_json_with_markup_escaped(client, hostile):
    titles = []
    for url in ("/api/search?q=analytics", f"/api/documents/{hostile.pk}"):
        r = client.get(url)
        assert r["Content-Type"].startswith("application/json")
        assert r["X-Content-Type-Options"] == "nosniff"
        assert b"<script" not in r.content and b"<img" not in r.content
        data = json.loads(r.content)
        titles += [h["title"] for h in data.get("hits", [])] + [data.get("title")]
    assert HOSTILE in titles  # the data itself comes through intact


@pytest.mark.django_db
def test_public_pages_show_a_failure_label_not_internal_details(client):
    from datascores.documents.models import FailureCode, Status

    doc = make_document(title="Broken one", pages=[])
    doc.status = Status.FAILED
    doc.failure_code = FailureCode.ERROR
    doc.failure_reason = "The stored original could not be read: [Errno 2] '/data/blobs/ab/cd'"
    doc.save()
    page = client.get(f"/documents/{doc.pk}").content.decode()
    api = client.get(f"/api/documents/{doc.pk}").json()
    assert "/data/blobs" not in page and "Errno" not in page
    assert "unexpected error" in page.lower()
    assert api["failure_reason"] == "Unexpected error"
