"""Traps, odd pages and interrupted runs: each ends as a counted, explained outcome."""

from __future__ import annotations

import pytest

from datascores.documents.models import Source as DocSource
from datascores.documents.models import SourceKind
from datascores.jobs.models import Job, JobStatus
from datascores.jobs.progress import request_cancel
from scrapers import engine
from scrapers.engine import run_job
from scrapers.models import FrontierItem
from scrapers.runs import start_scrape
from tests.fetch.conftest import Reply

from .test_engine import make_source, scrape

pytestmark = pytest.mark.django_db(transaction=True)

HTML = {"Content-Type": "text/html"}


def page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body><main>{body}</main></body></html>".encode()


def test_endless_calendar_and_session_ids_are_bounded(site, fetcher):
    def calendar(seen):
        month = int(seen.path.split("month=")[1].split("&")[0])
        return Reply(
            200, page(f'<p>Events.</p><a href="/calendar?month={month + 1}">Next</a>'), HTML
        )

    site.server.prefix_routes["/calendar"] = calendar
    site.server.routes["/"] = Reply(
        200,
        page(
            '<a href="/calendar?month=1">Events</a>'
            '<a href="/news/risk-scoring;jsessionid=A1B2">News</a>'
            '<a href="/news/risk-scoring?PHPSESSID=zz">News</a>'
            '<a href="/news/risk-scoring?sid=42#top">News</a>'
        ),
        HTML,
    )
    job = scrape(make_source(site, max_depth=4), fetcher)
    assert job.status == JobStatus.FINISHED
    calendars = [p for p in site.paths() if p.startswith("/calendar")]
    assert len(calendars) == 4  # depth 1..4; month 5 is past max depth
    assert job.counts["skipped: depth"] == 1
    # Three spellings of one page with session IDs: fetched once.
    assert site.paths().count("/news/risk-scoring") == 1
    assert not any("jsessionid" in p.lower() or "sessid" in p.lower() for p in site.paths())


def test_max_pages_bounds_a_run(site, fetcher):
    job = scrape(make_source(site, max_pages=3), fetcher)
    assert job.counts["fetched"] == 3
    assert job.counts["skipped: max pages"] > 0


def test_noindex_canonical_malformed_and_non_utf8_pages(site, fetcher):
    site.server.routes["/"] = Reply(
        200,
        page('<a href="/hidden">h</a><a href="/print/report">p</a><a href="/broken">b</a>'
             '<a href="/latin1">l</a>'),
        HTML,
    )  # fmt: skip
    site.server.routes["/hidden"] = Reply(
        200, page("<p>Draft.</p>", '<meta name="robots" content="noindex, follow">'), HTML
    )
    site.server.routes["/print/report"] = Reply(
        200, page("<p>Printable.</p>", '<link rel="canonical" href="/report">'), HTML
    )
    site.server.routes["/report"] = Reply(200, page("<p>The report.</p>"), HTML)
    site.server.routes["/broken"] = Reply(
        200, b"<html><body><main><p>Unclosed <b>tags <div><p>algorithm register", HTML
    )
    site.server.routes["/latin1"] = Reply(
        200,
        "<html><head><meta charset='windows-1252'><title>Café résumé</title></head>"
        "<body><main><p>Señor’s algorithm</p></main></body></html>".encode("cp1252"),
        HTML,
    )
    job = scrape(make_source(site, max_depth=1), fetcher)
    assert job.status == JobStatus.FINISHED
    stored = set(DocSource.objects.filter(kind=SourceKind.URL).values_list("location", flat=True))
    assert site.url("/hidden") not in stored and job.counts["skipped: noindex"] == 1
    assert site.url("/print/report") not in stored and site.url("/report") in stored
    assert job.counts["skipped: duplicate URL"] == 1
    broken = DocSource.objects.get(location=site.url("/broken")).document
    assert "algorithm register" in broken.text
    latin = DocSource.objects.get(location=site.url("/latin1")).document
    assert latin.title == "Café résumé" and "Señor’s algorithm" in latin.text


def test_a_run_resumes_from_its_frontier_after_the_worker_dies(site, fetcher, monkeypatch):
    source = make_source(site)
    job, _ = start_scrape(source, send=False)
    real_handle = engine.Scrape.handle
    handled = []

    def dying_handle(self, item, outcome):
        if len(handled) == 5:
            raise SystemExit("worker killed")  # not an Exception: nothing in the run catches it
        handled.append(item.url)
        return real_handle(self, item, outcome)

    monkeypatch.setattr(engine.Scrape, "handle", dying_handle)
    with pytest.raises(SystemExit):
        run_job(job.pk, fetcher=fetcher)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    done_before = set(
        FrontierItem.objects.filter(job=job, pending=False).values_list("url", flat=True)
    )
    assert len([u for u in handled if u in done_before]) == 5

    monkeypatch.setattr(engine.Scrape, "handle", real_handle)
    requests_before = len(site.server.seen)
    job = run_job(job.pk, fetcher=fetcher)  # the task delivered again
    assert job.status == JobStatus.FINISHED
    again = [s.path for s in site.server.seen[requests_before:]]
    for url in done_before:  # work already done is not done again
        assert url.replace(site.base, "") not in again
    assert job.counts["new"] == 13


def test_one_run_per_source_and_cancel(site, fetcher, monkeypatch):
    source = make_source(site)
    job, created = start_scrape(source, send=False)
    again, created_again = start_scrape(source, send=False)
    assert created and not created_again and again.pk == job.pk

    # Cancelled while running: the run stops at its next progress report.
    calls = []

    def cancel_after_three(self, item, outcome, _real=engine.Scrape.handle):
        calls.append(item.url)
        if len(calls) == 3:
            request_cancel([job.pk])  # as the admin's Cancel button does
            self.reporter._last_flush = -1e9  # report now rather than in a second
        return _real(self, item, outcome)

    monkeypatch.setattr(engine.Scrape, "handle", cancel_after_three)
    finished = run_job(job.pk, fetcher=fetcher)
    assert finished.status == JobStatus.CANCELLED
    assert finished.counts["fetched"] < 13
    assert Job.objects.get(pk=job.pk).finished_at is not None
    # A new run may start now.
    assert start_scrape(source, send=False)[1]


def test_a_redelivered_task_does_not_start_a_second_copy_and_stalled_runs_resume(site, fetcher):
    from datetime import timedelta

    from django.utils import timezone

    from scrapers import tasks

    source = make_source(site, max_depth=0)
    job, _ = start_scrape(source, send=False)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert tasks.run_scrape(job.pk) == "running elsewhere"
    assert tasks.resume_stalled() == []  # alive: nothing to resume

    # Its worker died three minutes ago: the sweep hands the run to a worker again.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    resumed = []
    original = tasks.run_scrape.delay
    tasks.run_scrape.delay = resumed.append
    try:
        assert tasks.resume_stalled() == [job.pk]
    finally:
        tasks.run_scrape.delay = original
    assert resumed == [job.pk]


def test_gzip_bomb_slow_drip_and_dead_links_end_as_explained_outcomes(site, fetcher):
    import gzip

    site.server.routes["/"] = Reply(
        200,
        page('<a href="/bomb">b</a><a href="/drip">d</a><a href="/missing">m</a>'
             '<a href="/news/risk-scoring">n</a>'),
        HTML,
    )  # fmt: skip
    site.server.routes["/bomb"] = Reply(
        200, gzip.compress(b"<html>" + b" " * 20_000_000), {**HTML, "Content-Encoding": "gzip"}
    )
    site.server.routes["/drip"] = Reply(200, page("<p>slow</p>"), HTML, drip=0.05)
    fetcher.max_duration = 0.3
    job = scrape(make_source(site, max_depth=1), fetcher)
    assert job.status == JobStatus.FINISHED
    errors = {e["url"].replace(site.base, ""): e["reason"] for e in job.errors}
    assert "gzip-decoded body exceeds" in errors["/bomb"]
    assert "took longer than 0.3 s" in errors["/drip"]
    assert "answered 404" in errors["/missing"]
    assert site.paths().count("/drip") == 1  # not tried again
    assert job.counts["new"] == 2 and job.counts["failed"] == 2
    assert job.counts["skipped: too large"] == 1
