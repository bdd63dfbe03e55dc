"""Scrape runs against the local council site: counts, documents, versions, gone pages."""

from __future__ import annotations

import pytest

from datascores.documents.models import Document, SourceKind, SourceStatus, Status, Version
from datascores.documents.models import Source as DocSource
from datascores.entities.models import BodyKind, PublicBody
from datascores.jobs.models import Job, JobStatus
from scrapers.engine import run_job
from scrapers.models import FrontierItem, Kind, Source
from scrapers.runs import start_scrape
from tests.documents import fixtures
from tests.fetch.conftest import Reply

pytestmark = pytest.mark.django_db(transaction=True)


def make_source(site, **fields) -> Source:
    fields.setdefault("name", "Borsetshire")
    fields.setdefault("kind", Kind.CRAWL)
    fields.setdefault("urls", site.url("/"))
    fields.setdefault("max_depth", 2)
    return Source.objects.create(**fields)


def scrape(source: Source, fetcher) -> Job:
    job, created = start_scrape(source, send=False)
    assert created
    return run_job(job.pk, fetcher=fetcher)


def web_doc(site, path: str) -> Document:
    return DocSource.objects.get(kind=SourceKind.URL, location=site.url(path)).document


def reasons(job: Job) -> dict[str, str]:
    return {e["url"]: e["reason"] for e in job.errors}


def test_first_crawl_counts_every_outcome_and_keeps_documents(site, fetcher, limiter):
    body = PublicBody.objects.create(
        name="Borsetshire County Council", slug="borsetshire", kind=BodyKind.COUNCIL
    )
    source = make_source(site, authority=body)
    job = scrape(source, fetcher)

    assert job.status == JobStatus.FINISHED, job.result
    c = job.counts
    # Pages: home, algorithms, risk-scoring, changing, disappearing, flaky (after a 500),
    # busy (after a 429), contact, accessibility, cookies, privacy; files: PDF and DOCX.
    assert c["new"] == 13, (c, job.errors)
    assert c["fetched"] == 13
    assert c["changed"] == c["unchanged"] == c["gone"] == 0
    errors = reasons(job)
    # robots.txt, the guard, the size caps and the redirect loop: each counted and explained.
    assert "robots.txt disallows" in errors[site.url("/private/secret")]
    assert "private address" in errors["http://10.0.0.7/intranet"]
    assert "link-local address" in errors["http://169.254.169.254/latest/meta-data/"]
    assert "loopback address" in errors["http://127.0.0.2:8080/admin"]
    assert "Content-Length" in errors[site.url("/documents/huge.pdf")]
    assert "exceeds the limit" in errors[site.url("/documents/endless.pdf")]
    assert "redirected more than 5 times" in errors[site.url("/loop-a")]
    assert c["skipped: robots"] == 1
    assert c["skipped: refused"] == 3
    assert c["skipped: too large"] == 2
    assert c["skipped: off-domain"] == 1
    assert c["failed"] == 1
    assert c["skipped"] == 7
    assert "/private/secret" not in site.paths()
    # The 500 was tried again and the 429 waited for; both ended as documents.
    assert site.state["flaky_calls"] == 2 and site.state["busy_calls"] == 2
    assert web_doc(site, "/flaky").title.startswith("Performance data")
    # Crawl-delay: 2 spaced every request after robots.txt was read.
    intervals = {i for host, i in limiter.intervals[1:]}
    assert intervals == {2.0}

    page = web_doc(site, "/services/algorithms")
    assert page.source_type == "web"
    assert page.title == "How we use algorithms | Borsetshire County Council"
    assert page.published_at.isoformat() == "2024-03-05"
    assert page.metadata["authority"] == "Borsetshire County Council"
    assert site.url("/documents/report.pdf") in page.metadata["web"]["links"]
    assert page.status == Status.DONE
    # Main text only: no cookie banner, navigation or footer in what is searchable.
    assert "predictive analytics model" in page.text
    for chrome in (
        "analytics cookies",
        "Accessibility statement",
        "Skip to main content",
        "Contact us",
    ):
        assert chrome not in page.text
    # The utm_* link was the same page: one document, one URL.
    assert not DocSource.objects.filter(location__contains="utm_").exists()
    pdf = web_doc(site, "/documents/report.pdf")
    assert pdf.file_type == "pdf" and "predictive analytics pilot" in pdf.text
    pdf_source = pdf.sources.get(kind=SourceKind.URL)
    assert pdf_source.referrer == site.url("/")
    assert pdf.metadata["authority"] == "Borsetshire County Council"
    assert web_doc(site, "/documents/policy.docx").file_type == "docx"
    assert Version.objects.filter(document=page).count() == 1


def test_rescrape_is_conditional_and_records_changes_and_gone_pages(site, fetcher):
    source = make_source(site)
    first = scrape(source, fetcher)
    assert first.counts["new"] == 13
    changing = web_doc(site, "/changing")
    gone = web_doc(site, "/disappearing")
    seen_before = len(site.server.seen)

    site.state.update(changing="v2", disappearing=False)
    second = scrape(source, fetcher)
    c = second.counts
    assert second.status == JobStatus.FINISHED
    assert c["changed"] == 1 and c["gone"] == 1 and c["new"] == 0, c
    assert c["unchanged"] == 11, c
    # Every known URL was asked for conditionally; unchanged ones answered 304.
    again = site.server.seen[seen_before:]
    known = [s for s in again if s.path not in ("/robots.txt",) and "If-None-Match" in s.headers]
    assert len(known) >= 12

    # The changed page: the same document, two versions, the index gets the latest.
    changing.refresh_from_db()
    versions = list(changing.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert "police under a data sharing" in versions[0].text
    assert "police and the NHS" in versions[1].text
    assert versions[0].blob_id != versions[1].blob_id == changing.blob_id
    assert "police and the NHS" in changing.text
    assert changing.status == Status.DONE

    # The page that went: kept, searchable, marked gone with the date.
    gone.refresh_from_db()
    source_row = gone.sources.get(kind=SourceKind.URL)
    assert source_row.status == SourceStatus.GONE and source_row.gone_since is not None
    assert gone.status == Status.DONE and "automated decisions" in gone.text

    # It comes back: live again.
    site.state["disappearing"] = True
    third = scrape(source, fetcher)
    assert third.counts["gone"] == 0
    source_row.refresh_from_db()
    assert source_row.status == SourceStatus.LIVE and source_row.gone_since is None


def test_same_bytes_at_a_new_url_is_one_document_with_two_sources(site, fetcher):
    pdf = site.server.routes["/documents/report.pdf"]
    site.server.routes["/"] = Reply(
        200,
        b'<html><body><main><a href="/documents/report.pdf">a</a>'
        b'<a href="/copy/report-2024.pdf">b</a></main></body></html>',
        {"Content-Type": "text/html"},
    )
    site.server.routes["/copy/report-2024.pdf"] = pdf
    job = scrape(make_source(site, max_depth=1), fetcher)
    assert job.counts["new"] == 2 and job.counts["unchanged"] == 1, job.counts
    doc = web_doc(site, "/documents/report.pdf")
    assert sorted(s.location for s in doc.sources.all()) == [
        site.url("/copy/report-2024.pdf"),
        site.url("/documents/report.pdf"),
    ]


def test_a_page_that_changes_back_gets_a_third_version_with_the_first_bytes(site, fetcher):
    source = make_source(site, max_depth=0, urls=site.url("/changing"))
    scrape(source, fetcher)
    site.state["changing"] = "v2"
    scrape(source, fetcher)
    site.state["changing"] = "v1"
    third = scrape(source, fetcher)
    assert third.counts["changed"] == 1
    doc = web_doc(site, "/changing")
    v1, v2, v3 = doc.versions.order_by("number")
    assert v3.blob_id == v1.blob_id == doc.blob_id != v2.blob_id
    assert "police under a data sharing" in doc.text
    # Only the latest run's frontier is kept.
    assert set(FrontierItem.objects.values_list("job_id", flat=True)) == {third.pk}


def test_scheduled_scrape_starts_a_run_of_an_enabled_source(site, monkeypatch):
    from scrapers import tasks

    sent = []
    monkeypatch.setattr(tasks.run_scrape, "delay", sent.append)
    source = make_source(site)
    job_id = tasks.scheduled_scrape(source.pk)
    job = Job.objects.get(pk=job_id)
    assert job.created_by == "schedule" and sent == [job_id]
    assert tasks.scheduled_scrape(source.pk) == job_id  # still queued: the same run
    Source.objects.filter(pk=source.pk).update(enabled=False)
    assert tasks.scheduled_scrape(source.pk) is None


def test_a_rescrape_follows_the_links_of_unchanged_pages(site, fetcher):
    source = make_source(site, max_depth=1, urls=site.url("/services/algorithms"))
    site.server.routes["/documents/report.pdf"] = Reply(503, b"down for maintenance")
    first = scrape(source, fetcher)
    assert first.counts["failed"] == 1  # the PDF linked from the page was down
    site.server.routes["/documents/report.pdf"] = Reply(
        200, fixtures.text_pdf(["Back up."]), {"Content-Type": "application/pdf"}
    )
    second = scrape(source, fetcher)
    # Every page answered 304; their stored links still led to the PDF, now fetched.
    assert second.counts["new"] == 1 and second.counts["failed"] == 0, second.counts
    assert second.counts["unchanged"] == first.counts["new"]
    assert web_doc(site, "/documents/report.pdf").file_type == "pdf"
