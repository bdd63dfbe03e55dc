"""Each kind of source finds its pages: sitemap, site search, feed, URL list; filters."""

from __future__ import annotations

import pytest

from datascores.documents.models import Source as DocSource
from datascores.documents.models import SourceKind
from datascores.jobs.models import JobStatus
from scrapers.models import Kind

from .test_engine import make_source, reasons, scrape

pytestmark = pytest.mark.django_db(transaction=True)


def locations() -> set[str]:
    return set(DocSource.objects.filter(kind=SourceKind.URL).values_list("location", flat=True))


def test_sitemap_index_with_a_gzipped_child(site, fetcher):
    source = make_source(site, kind=Kind.SITEMAP, urls=site.url("/sitemap.xml"), max_depth=0)
    job = scrape(source, fetcher)
    assert job.status == JobStatus.FINISHED, job.result
    assert {"/sitemap.xml", "/sitemap-pages.xml", "/sitemap-docs.xml.gz"} <= set(site.paths())
    assert locations() == {
        site.url("/services/algorithms"),
        site.url("/news/risk-scoring"),
        site.url("/changing"),
        site.url("/documents/report.pdf"),  # from the gzipped child sitemap
    }
    # The sitemap listed a page robots.txt forbids: skipped, never requested.
    assert "robots.txt disallows" in reasons(job)[site.url("/private/secret")]
    assert "/private/secret" not in site.paths()
    # max_depth 0: the PDF linked from /services/algorithms is a file one step away, kept.
    assert job.counts["new"] == 4


def test_sitemap_found_through_robots_txt_from_the_home_page(site, fetcher):
    source = make_source(site, kind=Kind.SITEMAP, urls=site.url("/"), max_depth=0)
    job = scrape(source, fetcher)
    assert job.status == JobStatus.FINISHED, job.result
    assert site.url("/documents/report.pdf") in locations()
    assert "/sitemap.xml" in site.paths()


def test_site_search_follows_results_and_result_pages_not_navigation(site, fetcher):
    source = make_source(
        site,
        kind=Kind.SEARCH,
        urls="",
        search_url=site.url("/search?q={term}"),
        terms="algorithm\nnothing matches this",
        max_depth=0,
    )
    job = scrape(source, fetcher)
    assert job.status == JobStatus.FINISHED, job.result
    searched = [p for p in site.paths() if p.startswith("/search")]
    assert sorted(searched) == [
        "/search?page=2&q=algorithm",  # normalised: parameters sorted
        "/search?q=algorithm",
        "/search?q=nothing+matches+this",
    ]
    # Results from both result pages; the header/footer links are not results.
    assert locations() == {
        site.url("/services/algorithms"),
        site.url("/news/risk-scoring"),
        site.url("/documents/report.pdf"),
    }
    assert "/contact" not in site.paths()


def test_feed_entries_and_enclosures(site, fetcher):
    source = make_source(site, kind=Kind.FEED, urls=site.url("/news.rss"), max_depth=0)
    job = scrape(source, fetcher)
    assert job.status == JobStatus.FINISHED, job.result
    assert locations() == {
        site.url("/news/risk-scoring"),
        site.url("/services/algorithms"),
        site.url("/documents/report.pdf"),
    }


def test_url_list_with_include_and_exclude(site, fetcher):
    source = make_source(
        site,
        kind=Kind.URLS,
        urls="\n".join(
            site.url(p) for p in ("/services/algorithms", "/news/risk-scoring", "/contact")
        ),
        exclude=r"/contact$",
        max_depth=0,
    )
    job = scrape(source, fetcher)
    assert job.counts["skipped: excluded"] == 1
    assert site.url("/contact") not in locations()
    assert site.url("/services/algorithms") in locations()


def test_keyword_filter_keeps_pages_that_mention_a_keyword_and_their_files(site, fetcher):
    source = make_source(site, keyword_filter="predictive analytics\nrisk score", max_depth=1)
    job = scrape(source, fetcher)
    kept = locations()
    assert site.url("/services/algorithms") in kept  # says "predictive analytics"
    assert site.url("/news/risk-scoring") in kept  # says "risk score"
    assert site.url("/contact") not in kept
    # "analytics cookies" is only in the cookie banner: the home page is not kept,
    # so the files it links are not either; the PDF linked from the algorithms page is.
    assert site.url("/") not in kept
    assert site.url("/documents/report.pdf") in kept
    assert site.url("/documents/policy.docx") not in kept
    assert job.counts["skipped: keyword filter"] >= 3
