"""The document page and the original-file download."""

from __future__ import annotations

import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from datascores.documents.models import Status
from web.documents import PAGES_PER_VIEW

from .conftest import make_document, tag_and_index

pytestmark = pytest.mark.django_db


def get(client, url: str, status: int = 200) -> BeautifulSoup:
    r = client.get(url)
    assert r.status_code == status, r.content[:300]
    return BeautifulSoup(r.content, "html.parser")


def test_metadata_sources_foi_and_tags(client, corpus):
    doc = corpus["bristol"]
    soup = get(client, f"/documents/{doc.pk}")
    assert soup.h1.get_text() == doc.title
    facts = soup.select_one("dl.facts").get_text(" ", strip=True)
    assert "Bristol City Council" in facts  # issuing authority
    assert "14 March 2018" in facts
    assert "PDF" in facts and "Pages 3" in facts and "No (text layer)" in facts
    sources = [a["href"] for a in soup.select(".sources a")]
    assert "https://www.whatdotheyknow.com/request/bristol_analytics_hub" in sources
    foi = soup.select_one("#h-foi").find_parent("section").get_text(" ", strip=True)
    assert "Use of predictive analytics" in foi and "Successful" in foi
    tags = {a.get_text(): a["href"] for a in soup.select("#h-tags ~ ul a.tag")}
    assert tags["Experian"] == "/search?company=Experian"
    assert tags["Mosaic (Experian)"] == "/search?system=Mosaic+%28Experian%29"
    # Evidence: the passage behind each tag, with its page.
    evidence = soup.select_one(".evidence").get_text(" ", strip=True)
    assert "Experian" in evidence and "p. 2" in evidence
    assert soup.select_one('link[rel="canonical"]')["href"].endswith(f"/documents/{doc.pk}")


def test_ocr_flag_and_confidence(client, db):
    doc = make_document("Scanned letter", ["Scanned text"], ocr_confidence=81.4)
    soup = get(client, f"/documents/{doc.pk}")
    facts = soup.select_one("dl.facts").get_text(" ", strip=True)
    assert "Yes, mean confidence 81%" in facts
    assert "OCR, confidence 81%" in soup.select_one("#page-1").get_text(" ", strip=True)


def test_text_is_shown_page_by_page_with_hits_marked(client, corpus):
    doc = corpus["bristol"]
    soup = get(client, f"/documents/{doc.pk}?q=predictive")
    pages = soup.select("section.doc-page")
    assert [p["id"] for p in pages] == ["page-1", "page-2", "page-3"]
    marks = soup.select("mark[id^=hit-]")
    assert [m["id"] for m in marks] == ["hit-1", "hit-2", "hit-3"]
    assert {m.get_text().lower() for m in marks} == {"predictive"}
    assert soup.select_one("#page-3").select("mark")  # "Predictive" on page 3 too
    status = soup.select_one("[data-hit-status]").get_text(strip=True)
    assert status == "3 hits"


def test_next_and_previous_hit_links_work_without_javascript(client, corpus):
    doc = corpus["bristol"]
    soup = get(client, f"/documents/{doc.pk}?q=predictive")
    nxt = soup.select_one("a[data-hit=next]")["href"]
    assert nxt.endswith("hit=1#hit-1")
    soup = get(client, f"/documents/{doc.pk}{nxt.split('#')[0]}")
    assert soup.select_one("mark.current")["id"] == "hit-1"
    assert soup.select_one("[data-hit-status]").get_text(strip=True) == "Hit 1 of 3"
    assert soup.select_one("a[data-hit=next]")["href"].endswith("hit=2#hit-2")
    assert soup.select_one("a[data-hit=prev]")["href"].endswith("hit=3#hit-3")  # wraps round


def test_a_query_with_no_hits_in_the_text_says_so(client, corpus):
    soup = get(client, f"/documents/{corpus['kent'].pk}?q=zebra")
    assert "No hits for “zebra”" in soup.get_text()
    assert not soup.select("mark")


def test_long_documents_are_shown_in_parts_and_hits_find_their_part(client, db):
    n = PAGES_PER_VIEW * 2 + 5
    pages = [f"Page {i} filler." for i in range(1, n + 1)]
    pages[PAGES_PER_VIEW + 9] = "The needle is here."  # page PAGES_PER_VIEW + 10
    doc = make_document("Long report", pages)
    soup = get(client, f"/documents/{doc.pk}")
    assert len(soup.select("section.doc-page")) == PAGES_PER_VIEW
    parts = soup.select_one('nav[aria-label="Parts of this document"]').get_text(" ", strip=True)
    assert f"pp. 1–{PAGES_PER_VIEW}" in parts and f"pp. {2 * PAGES_PER_VIEW + 1}–{n}" in parts
    # With a query, the page opens on the part holding the first hit.
    soup = get(client, f"/documents/{doc.pk}?q=needle")
    assert soup.select_one(f"#page-{PAGES_PER_VIEW + 10} mark#hit-1")
    soup = get(client, f"/documents/{doc.pk}?p={n}")
    assert soup.select_one(f"#page-{n}")


def test_related_documents_from_the_same_bundle_and_request(client, db):
    bundle = make_document("Response bundle.zip", ["Cover note"], file_type="zip")
    a = make_document("Attachment A", ["A text"], parent=bundle)
    b = make_document("Attachment B", ["B text"], parent=bundle)
    request = "https://www.whatdotheyknow.com/request/some_request"
    c = make_document("Letter", ["x"], urls=[f"{request}/response/1/attach/2/letter.pdf"])
    d = make_document("Spreadsheet", ["y"], urls=[f"{request}/response/1/attach/3/data.xlsx"])
    soup = get(client, f"/documents/{a.pk}")
    related = {li.a.get_text(): li.get_text(" ", strip=True) for li in soup.select(".related li")}
    assert "Contains this document" in related["Response bundle.zip"]
    assert "From the same bundle" in related["Attachment B"]
    soup = get(client, f"/documents/{bundle.pk}")
    assert {li.a.get_text() for li in soup.select(".related li")} == {
        "Attachment A",
        "Attachment B",
    }
    soup = get(client, f"/documents/{c.pk}")
    related = {li.a.get_text(): li.get_text(" ", strip=True) for li in soup.select(".related li")}
    assert "From the same FOI request" in related["Spreadsheet"]
    assert b.pk and d.pk


def test_back_to_results_keeps_the_search_state(client, corpus):
    doc = corpus["bristol"]
    soup = get(client, f"/documents/{doc.pk}?q=predictive&council=Bristol+City+Council&page=2")
    back = soup.find("a", string=re.compile("Back to results"))["href"]
    assert back == "/search?q=predictive&council=Bristol+City+Council&page=2"


def test_failed_documents_show_why_and_pending_ones_are_not_public(client, db):
    failed = make_document("Broken file", [], status=Status.FAILED)
    failed.failure_code = "encrypted"
    failed.failure_reason = "The PDF is password-protected (pdfium error 4)."
    failed.save()
    soup = get(client, f"/documents/{failed.pk}")
    assert "could not be read (encrypted)" in soup.get_text()
    pending = make_document("Not yet", ["x"], status=Status.PENDING)
    get(client, f"/documents/{pending.pk}", status=404)
    get(client, "/documents/999999", status=404)


def test_original_download_is_an_attachment_that_never_renders(client, db):
    doc = make_document(
        "Web page", ["x"], data=b"<html><script>alert(1)</script></html>", filename="page.html"
    )
    r = client.get(f"/documents/{doc.pk}/original")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"<html><script>alert(1)</script></html>"
    assert r["Content-Disposition"].startswith("attachment")
    assert 'filename="page.html"' in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r["Content-Security-Policy"]


def test_document_date_falls_back_to_received(client, db):
    doc = make_document("Undated", ["x"], published_at=None)
    doc.received_at = date(2020, 2, 3)
    doc.save()
    soup = get(client, f"/documents/{doc.pk}")
    assert "3 February 2020" in soup.select_one(".doc-head").get_text()


def test_tags_reach_the_search_facets(client, corpus):
    # The same tagger output the document page shows is what the facets count.
    soup = get(client, "/search?company=Xantura")
    titles = {a.get_text() for a in soup.select(".result h3 a")}
    assert titles == {corpus["hackney"].title, corpus["media"].title}
    tag_and_index(corpus["kent"])  # idempotent: re-tagging changes nothing
    assert len(get(client, "/search?company=Xantura").select(".result")) == 2


def test_result_match_count_agrees_with_the_document_page(client, corpus):
    doc = corpus["bristol"]
    results = get(client, "/search?q=predictive&council=Bristol+City+Council")
    line = results.select_one(".result .matches").get_text(" ", strip=True)
    assert line == "3 matches in this document, on 2 pages"
    link = results.select_one(".result h3 a")["href"]
    page = get(client, link)
    assert page.select_one("[data-hit-status]").get_text(strip=True) == "3 hits"
    assert doc.pk


def test_a_gone_source_is_marked_on_the_document_page(client, db):
    from datetime import UTC, datetime

    from datascores.documents.models import Source, SourceStatus

    doc = make_document("Old page", ["Text."], urls=["https://council.example/old.pdf"])
    Source.objects.filter(document=doc).update(
        status=SourceStatus.GONE, gone_since=datetime(2024, 3, 5, tzinfo=UTC)
    )
    soup = BeautifulSoup(client.get(f"/documents/{doc.pk}").content, "html.parser")
    source = soup.select_one("ul.sources li")
    assert "Gone from the web since 5 Mar 2024" in source.get_text(" ", strip=True)
