"""Small web pages are read in the worker's own process (no forked child): hostile and
broken ones still end in a recorded state with the original kept, and the worker goes on."""

from __future__ import annotations

import pytest

from datascores.documents.models import Document, FailureCode, Status
from datascores.documents.pipeline import ingest_bytes
from datascores.documents.stages import INLINE_HTML_MAX_BYTES, reads_here

pytestmark = pytest.mark.django_db(transaction=True)


def ingest(data: bytes, name: str) -> Document:
    outcome = ingest_bytes(data, filename=name, location=f"https://example.org/{name}")
    outcome.document.refresh_from_db()
    return outcome.document


def original_kept(doc: Document, data: bytes) -> bool:
    with doc.blob.file.open("rb") as f:
        return f.read() == data


def _page(body: bytes) -> bytes:
    return b"<!DOCTYPE html><html><head><title>Council page</title></head><body>" + body


HOSTILE = [
    ("deep-nesting.html", _page(b"<div>" * 20_000 + b"Deep words here" + b"</div>" * 20_000)),
    ("unclosed.html", _page(b"<b><i><u>" * 20_000 + b"Unclosed words here")),
    ("attributes.html", _page(b"<p " + b" ".join(b"a%d=x" % i for i in range(20_000)) + b">Many")),
    ("broken-bytes.html", _page(b"<p>Broken \xff\xfe bytes \xc3here</p><p>still read")),
    ("tables.html", _page(b"<table><tr><td>" * 15_000 + b"Cell words here")),
]


@pytest.mark.parametrize(("name", "data"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_small_page_is_read_and_its_original_kept(name, data):
    assert len(data) <= INLINE_HTML_MAX_BYTES  # read in the worker's process
    doc = ingest(data, name)
    assert doc.status == Status.DONE, doc.failure_reason
    assert doc.text.strip()
    assert original_kept(doc, data)


def test_a_small_page_without_text_fails_saying_so_and_the_next_one_is_read():
    data = _page(b"<script>var x = 1;</script><nav><a href='/'>Home</a></nav></body></html>")
    doc = ingest(data, "empty-page.html")
    assert doc.status == Status.FAILED
    assert doc.failure_code == FailureCode.NO_TEXT
    assert "No text was found" in doc.failure_reason
    assert original_kept(doc, data)
    after = ingest(_page(b"<main><p>The next page reads fine.</p></main>"), "next.html")
    assert after.status == Status.DONE and "reads fine" in after.text


def test_main_text_only_is_kept_from_a_small_page():
    data = _page(
        b"<header><nav>Home Services</nav></header><main><h1>Budget</h1>"
        b"<p>The council uses a risk model.</p></main><footer>Cookies</footer>"
    )
    doc = ingest(data, "budget.html")
    assert doc.status == Status.DONE
    assert "risk model" in doc.text and "Cookies" not in doc.text and "Services" not in doc.text


def test_only_small_pages_at_their_first_try_are_read_in_process():
    page = ingest(_page(b"<p>A short page.</p>"), "short.html")
    data = page.blob.file.open("rb").read()
    assert reads_here(page, data)
    # A page whose first reading stopped its worker is read in a limited child after that.
    page.attempts = 2
    assert not reads_here(page, data)
    page.attempts = 1
    big = _page(b"<p>" + b"word " * (INLINE_HTML_MAX_BYTES // 5) + b"</p>")
    assert not reads_here(page, big)
    pdf = ingest(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "not-html.pdf")
    assert not reads_here(pdf, b"%PDF-1.4")
