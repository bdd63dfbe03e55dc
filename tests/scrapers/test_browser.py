"""In Debian's Chromium: a run's progress bar moves without a reload; the version diff shows.

Skips when /usr/bin/chromium or Playwright is missing (never downloads a browser).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from datascores.documents.models import Source as DocSource
from datascores.documents.models import SourceKind
from datascores.jobs.models import Job
from datascores.jobs.progress import Reporter, create_job
from tests.browser import MARKS, expect

from .test_engine import make_source, scrape

pytestmark = MARKS


def logged_in_page(browser, live_server):
    User.objects.create_superuser("admin", "a@example.org", "pw")
    client = Client()
    client.login(username="admin", password="pw")
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def test_progress_bar_follows_a_running_job(browser, live_server):
    page, errors = logged_in_page(browser, live_server)
    job = create_job("scrape", "Borsetshire")
    reporter = Reporter(job, flush_every=0)
    reporter.start()
    reporter.progress(done=2, total=40, message="Visited 2 of 40 URLs")
    page.goto(f"{live_server.url}/admin/jobs/job/{job.pk}/change/")
    bar = page.locator(".field-live_progress .job-progress progress")
    expect(bar).to_have_attribute("value", "2")
    expect(page.get_by_role("button", name="Cancel this run")).to_be_visible()

    # The worker reports; the page follows without being reloaded.
    reporter.count("new", 7)
    reporter.progress(done=25, total=40, message="Visited 25 of 40 URLs")
    progress = page.locator(".field-live_progress .job-progress")
    expect(progress.locator(".job-message")).to_have_text("Visited 25 of 40 URLs")
    assert bar.evaluate("el => el.value") == 25
    expect(progress.locator('[data-count="new"] b')).to_have_text("7")
    reporter.progress(done=40, message="Finished")
    reporter.finish()
    expect(progress).to_have_attribute("data-status", "finished")
    expect(progress.locator(".job-status")).to_have_text("Finished")
    assert bar.evaluate("el => el.value === el.max")
    assert Job.objects.get(pk=job.pk).status == "finished"
    assert errors == []


def test_version_diff_on_the_document_page(browser, live_server, site, fetcher):
    source = make_source(site, max_depth=0, urls=site.url("/changing"))
    scrape(source, fetcher)
    site.state["changing"] = "v2"
    scrape(source, fetcher)
    doc = DocSource.objects.get(kind=SourceKind.URL, location=site.url("/changing")).document
    page = browser.new_page()
    page.goto(f"{live_server.url}/documents/{doc.pk}")
    diff = page.locator("#versions .diff")
    expect(diff.locator("ins")).to_contain_text("police and the NHS")
    expect(diff.locator("del")).to_contain_text("police under a data sharing agreement")
    page.get_by_role("link", name="Version 1").click()
    expect(page.locator("#versions")).to_contain_text("Text of version 1")
    expect(page.locator("#versions strong[aria-current]")).to_have_text("Version 1")
