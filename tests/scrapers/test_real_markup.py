"""The scraper on pages shaped like the real templates council and GOV.UK sites are built from.

The files in markup/ reproduce what a site renders (not the templates themselves):

- LocalGov Drupal (localgovdrupal/localgov_base with the localgov profile's blocks): the
  page is wrapped in `div.dialog-off-canvas-main-canvas`; `header.lgd-header` holds the
  branding block, the primary menu (`nav.menu--main`), the localgov_search block (a GET
  form to /search with the field `s`) and the services menu; the banner region holds the
  localgov_alert_banner `article.localgov-alert-banner`; the breadcrumb region
  `nav.breadcrumbs`; then `<main class="main" id="main-content">` (no role attribute)
  with the page header block (`h1.lgd-page-title-block__title`) in content_top, the node
  in content and related links in `aside.sidebar--second`; `footer.lgd-footer` last. EU
  Cookie Compliance renders its banner from drupalSettings JSON, so the served page has it
  only inside `<script type="application/json">`. News articles carry
  `<time datetime="YYYY-MM-DD">` and their own `h1.news-article__title`. Site search is the
  localgov_sitewide_search view at /search?s=term: `ol.search-results` of
  `article.search-result` with `h3.search-result__title a`, and Drupal's full pager
  (`nav.pager`, `li.pager__item--next a[rel=next]`) whose links are query-only
  (`?s=term&page=1`, zero-based, with "first" and page 1 as `page=0`). simple_sitemap
  serves an index at /sitemap.xml pointing to /sitemap.xml?page=N.
- GOV.UK (alphagov/frontend and finder-frontend through govuk_publishing_components'
  layout_for_public, on GOV.UK Frontend classes): a hidden `div.gem-c-cookie-banner`,
  a skip link, `<header>` with the super navigation (`nav`, an SVG logo with its own
  `<title>GOV.UK</title>`), breadcrumbs outside main, `<main id="content"
  class="govuk-main-wrapper">`, the "Is this page useful?" `div.gem-c-feedback` after
  main, `footer.govuk-footer`. A publication has `gem-c-metadata` ("Published 5 March
  2024", "Last updated ..."), JSON-LD datePublished/dateModified, govuk:* meta tags,
  an absolute canonical link, `section.gem-c-attachment` blocks linking files on
  assets.publishing.service.gov.uk and HTML attachments on www.gov.uk, a related-content
  sidebar (`div.sidebar-navigation`) and a contextual footer inside main. Site search
  is /search/all?keywords=term&order=relevance: `ul.gem-c-document-list` results inside
  the search form, and `nav.govuk-pagination` with `div.govuk-pagination__next a`
  (no rel) to `...&page=2` (one-based; page 2 links back to `page=1`); a spelling
  suggestion links to another search; the page says `<meta name="robots" content="noindex">`.

Unit checks read the files with `scrapers.pages.read_page` and the HTML extractor; the end
to end checks serve them on 127.0.0.1 and run `search`, `sitemap` and `urls` sources.

"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from datascores.documents.extract.html import html_to_text
from scrapers import pages
from tests.documents import fixtures
from tests.fetch.conftest import Reply, fake_dns  # noqa: F401  (fake_dns is a fixture)

from .conftest import PrefixServer

MARKUP = Path(__file__).parent / "markup"
COUNCIL = "https://www.borsetshire.gov.uk"
GOVUK = "https://www.gov.uk"
ASSETS = "https://assets.publishing.service.gov.uk"

SERVICE = "/council-and-democracy/algorithmic-transparency"
REGISTER = "/council-and-democracy/algorithmic-transparency/algorithm-register"
NEWS = "/news/2024/council-publishes-its-algorithm-register"
REGISTER_FILES = (
    "/sites/default/files/2024-03/algorithm-register-2024.pdf",
    "/sites/default/files/2024-03/Equality%20impact%20assessment%20-%20risk%20scoring.docx",
    "/sites/default/files/2024-02/dpia-children-referrals.pdf",
)
LGD_RESULTS_1 = (SERVICE, REGISTER, NEWS)
LGD_RESULTS_2 = (
    "/council-and-democracy/information-governance-board",
    "/housing/housing-benefit/how-we-check-claims",
)
PUBLICATION = "/government/publications/algorithmic-transparency-records-risk-based-verification"
HTML_ATTACHMENT = PUBLICATION + "/risk-based-verification-algorithmic-transparency-record"
ASSET_FILES = (
    "/media/65e6f1a2c9e1b2001a3b4c5d/risk-based-verification-data-protection-impact-assessment.pdf",
    "/media/65e6f1b3e1c2a3001b4c5d6e/rbv-outcomes-2023-24.ods",
)
GOVUK_RESULTS_1 = (
    PUBLICATION,
    "/government/collections/algorithmic-transparency-recording-standard-hub",
    "/government/news/new-algorithmic-transparency-records-published",
)
GOVUK_RESULTS_2 = (
    "/guidance/algorithmic-transparency-recording-standard-guidance-for-public-sector-bodies",
    "/government/publications/data-ethics-framework",
)

# Chrome every LocalGov Drupal page has, none of it the page's own text.
LGD_CHROME = (
    "Skip to main content",  # skip link
    "Main navigation",  # visually hidden menu heading
    "Bins and recycling",  # primary menu
    "Adult social care",  # services menu (secondary menu region)
    "Severe weather",  # alert banner title
    "Gritting teams",  # alert banner body
    "Hide alert",
    "Breadcrumbs",  # visually hidden breadcrumb heading
    "Back to top",
    "Accessibility statement",  # footer menu
    "Powered by",
    "enhance your user experience",  # EU Cookie Compliance banner (in drupalSettings)
    "document.querySelector",  # inline script
)
GOVUK_CHROME = (
    "Cookies on GOV.UK",
    "essential cookies",
    "Skip to main content",
    "Navigation menu",
    "Services and information",  # super navigation and footer
    "Search GOV.UK",
    "Is this page useful?",  # feedback component after main
    "Help us improve GOV.UK",
    "Report a problem with this page",
    "Open Government Licence",
    "Crown copyright",
    "Related content",  # contextual sidebar
    "Algorithmic Transparency Recording Standard Hub",
    "Explore the topic",  # contextual footer
    "Get emails about this page",  # single page notification button (a form)
)


def markup(name: str) -> bytes:
    return (MARKUP / name).read_bytes()


def served(name: str, origins: dict[str, str]) -> bytes:
    """A fixture file as a local server serves it: the site's origins replaced."""
    text = (MARKUP / name).read_text()
    for real, local in origins.items():
        text = text.replace(real, local)
    return text.encode()


def read(name: str, url: str) -> pages.PageInfo:
    return pages.read_page(markup(name), url)


def assert_clean(text: str, chrome: tuple[str, ...]) -> None:
    leaked = [c for c in chrome if c in text]
    assert not leaked, f"boilerplate in the main text: {leaked}"


# --- LocalGov Drupal: a service page ------------------------------------------------------
def test_lgd_service_page_main_text_is_the_page_header_and_body_only():
    info = read("lgd_service_page.html", COUNCIL + SERVICE)
    text = info.main_text
    assert text.startswith("Algorithmic transparency\nHow we use algorithmic tools")
    assert "uses a predictive analytics model" in text
    assert "What data the model uses" in text
    assert "It does not use health records." in text
    assert_clean(text, LGD_CHROME)
    # The related links block in the second sidebar is not the page's text either.
    assert "Related links" not in text
    assert "Freedom of information requests" not in text


def test_lgd_service_page_title_canonical_and_no_invented_dates():
    info = read("lgd_service_page.html", COUNCIL + SERVICE)
    assert info.title == "Algorithmic transparency | Borsetshire County Council"
    assert info.canonical == COUNCIL + SERVICE
    assert info.description.startswith("How Borsetshire County Council uses algorithmic tools")
    assert not info.noindex and not info.nofollow
    # The page states no date; none is made up from asset URLs or the build.
    assert info.published is None and info.updated is None


def test_lgd_service_page_links():
    info = read("lgd_service_page.html", COUNCIL + SERVICE)
    # main_links: <main> only, so the page's own link and the sidebar, not the menus.
    assert COUNCIL + REGISTER in info.main_links
    assert COUNCIL + "/bins-and-recycling" not in info.main_links
    assert COUNCIL + "/accessibility-statement" not in info.main_links
    assert not any("mailto:" in u for u in info.links)
    # links: everything a crawl may follow, menus included.
    assert {COUNCIL + "/bins-and-recycling", COUNCIL + "/council-and-democracy"} <= set(info.links)


def test_lgd_html_extractor_gives_the_same_title_and_text():
    title, text, metadata = html_to_text(markup("lgd_service_page.html"))
    assert title == "Algorithmic transparency | Borsetshire County Council"
    assert "risk score" in text
    assert_clean(text, LGD_CHROME)
    assert metadata["description"].startswith("How Borsetshire County Council")


# --- LocalGov Drupal: a news article ------------------------------------------------------
def test_lgd_news_article_date_title_and_body():
    info = read("lgd_news_article.html", COUNCIL + NEWS)
    # <time datetime="2024-03-05"> above the h1; the related news teasers' <time>s (10
    # February 2024, 2 November 2023) are other stories' dates.
    assert info.published == dt.date(2024, 3, 5)
    assert info.updated is None
    assert info.title.startswith("Council publishes its algorithm register")
    assert "Council publishes its algorithm register" in info.main_text  # its own h1
    assert "risk scoring model for housing benefit claims" in info.main_text
    assert "updated every six months" in info.main_text
    assert_clean(info.main_text, LGD_CHROME)


# --- LocalGov Drupal: documents (attachments) ---------------------------------------------
def test_lgd_document_links_are_found_and_look_like_files():
    info = read("lgd_documents_page.html", COUNCIL + REGISTER)
    files = [COUNCIL + path for path in REGISTER_FILES]
    assert set(files) <= set(info.main_links)
    assert all(pages.looks_like_file(u) for u in files)
    # The documents paragraph's link texts are part of the page's text.
    assert "Algorithm register 2024" in info.main_text
    assert "DPIA: children's services referrals" in info.main_text
    assert_clean(info.main_text, LGD_CHROME)
    # Dates in file paths (/files/2024-03/) are not the page's date.
    assert info.published is None and info.updated is None


# --- LocalGov Drupal: site search ---------------------------------------------------------
def test_lgd_search_results_and_pager_are_inside_main():
    info = pages.read_page(
        markup("lgd_search_page1.html"), COUNCIL + "/search?s=algorithm", with_text=False
    )
    main = set(info.main_links)
    assert {COUNCIL + p for p in LGD_RESULTS_1} <= main
    # The pager's query-only href (?s=algorithm&page=1) resolves against /search.
    assert COUNCIL + "/search?page=1&s=algorithm" in main
    assert COUNCIL + "/bins-and-recycling" not in main  # menus are outside main
    page2 = pages.read_page(
        markup("lgd_search_page2.html"),
        COUNCIL + "/search?page=1&s=algorithm",
        with_text=False,
    )
    assert {COUNCIL + p for p in LGD_RESULTS_2} <= set(page2.main_links)


# --- GOV.UK: a publication with attachments -----------------------------------------------
def test_govuk_publication_main_text_without_chrome():
    info = read("govuk_publication.html", GOVUK + PUBLICATION)
    text = info.main_text
    assert "Algorithmic transparency record: risk-based verification" in text  # h1
    assert "A machine learning model places each claim" in text  # Details (govspeak)
    assert "Risk-based verification: data protection impact assessment" in text
    assert_clean(text, GOVUK_CHROME)
    _title, extracted, _meta = html_to_text(markup("govuk_publication.html"))
    assert extracted == text


def test_govuk_publication_dates_and_canonical():
    info = read("govuk_publication.html", GOVUK + PUBLICATION)
    assert info.published == dt.date(2024, 3, 5)
    assert info.updated == dt.date(2024, 6, 12)
    assert info.canonical == GOVUK + PUBLICATION
    assert not info.noindex


def test_govuk_title_is_the_document_title_not_the_logo_svg_title():
    title = "Algorithmic transparency record: risk-based verification of housing benefit claims"
    assert read("govuk_publication.html", GOVUK + PUBLICATION).title == f"{title} - GOV.UK"
    # The govuk-frontend header's logo has the same <svg><title>.
    listing = read("govuk_frontend_listing.html", COUNCIL + "/reports?committee=cabinet")
    assert listing.title == (
        "Cabinet reports: page 1 of 2 – Find council reports – Borsetshire County Council"
    )


def test_govuk_html_extractor_title_is_the_document_title():
    title, _text, metadata = html_to_text(markup("govuk_publication.html"))
    assert title.endswith("housing benefit claims - GOV.UK")
    assert metadata["description"].startswith("A record of the risk-based verification tool")


def test_govuk_attachment_links_are_found():
    info = read("govuk_publication.html", GOVUK + PUBLICATION)
    files = [ASSETS + path for path in ASSET_FILES]
    assert set(files) <= set(info.main_links)
    assert all(pages.looks_like_file(u) for u in files)
    assert GOVUK + HTML_ATTACHMENT in info.main_links  # an HTML attachment is a page


# --- GOV.UK: an HTML publication (an HTML attachment) -------------------------------------
def read_html_publication() -> pages.PageInfo:
    return read("govuk_html_publication.html", GOVUK + HTML_ATTACHMENT)


def test_govuk_html_publication_body_dates_and_no_contents_list():
    info = read_html_publication()
    assert "Claims in the high risk group are checked in more detail" in info.main_text
    assert "head of revenues and benefits" in info.main_text
    assert "Contents" not in info.main_text.split("\n")  # the contents list is a nav
    assert "Print this page" not in info.main_text
    # (The print-only licence block is checked below.)
    footer = ("Open Government Licence", "Crown copyright")
    assert_clean(info.main_text, tuple(c for c in GOVUK_CHROME if c not in footer))
    assert info.published == dt.date(2024, 3, 5)  # JSON-LD datePublished
    assert info.updated == dt.date(2024, 6, 12)
    assert info.canonical == GOVUK + HTML_ATTACHMENT


def test_govuk_html_publication_keeps_its_own_header_inside_main():
    text = read_html_publication().main_text
    assert "Risk-based verification: algorithmic transparency record\nUpdated 12 June 2024" in text


def test_govuk_html_publication_without_print_metadata_and_back_to_top():
    text = read_html_publication().main_text
    assert_clean(
        text,
        ("Crown copyright", "Open Government Licence", "This publication is available at"),
    )
    assert "Back to top" not in text


# --- GOV.UK: finder-frontend site search --------------------------------------------------
def test_govuk_search_results_are_main_links_and_chrome_links_are_not():
    url = GOVUK + "/search/all?keywords=algorithm&order=relevance"
    info = pages.read_page(markup("govuk_search_page1.html"), url, with_text=False)
    main = set(info.main_links)
    assert {GOVUK + p for p in GOVUK_RESULTS_1} <= main
    assert GOVUK + "/browse/benefits" not in main  # header and footer
    assert GOVUK + "/help/cookies" not in main
    assert info.noindex  # what finder-frontend says on a keyword search; listings still read


def test_govuk_search_next_page_keeps_the_keywords():
    url = GOVUK + "/search/all?keywords=algorithm&order=relevance"
    info = pages.read_page(markup("govuk_search_page1.html"), url, with_text=False)
    assert GOVUK + "/search/all?keywords=algorithm&order=relevance&page=2" in info.main_links


# --- GOV.UK Frontend: a council service built on the govuk-frontend page template ----------
def test_govuk_frontend_template_listing_text_links_and_next_page():
    url = COUNCIL + "/reports?committee=cabinet"
    info = read("govuk_frontend_listing.html", url)
    text = info.main_text
    assert text.startswith("Cabinet reports\nReports considered by Cabinet, newest first.")
    assert "Automated decision-making in adult social care (PDF, 1.2 MB)" in text
    chrome = (
        "Cookies on Find council reports",  # govuk-cookie-banner
        "analytics cookies",
        "Skip to main content",
        "Find council reports",  # service navigation
        "Committees",
        "This is a new service",  # phase banner (beforeContent, outside main)
        "Beta",
        "Back",  # back link
        "Home",  # breadcrumbs
        "Next page",  # pagination (a nav inside main)
        "Open Government Licence",
    )
    assert_clean(text, chrome)
    main = set(info.main_links)
    assert {
        COUNCIL + "/reports/2024/cabinet-2024-06-18-automated-decision-making.pdf",
        COUNCIL + "/reports/2024/cabinet-2024-05-21-data-sharing-agreement.docx",
    } <= main
    assert COUNCIL + "/reports?committee=cabinet&page=2" in main  # rel="next"
    assert COUNCIL + "/committees" not in main  # service navigation and breadcrumbs
    assert COUNCIL + "/committees/cabinet" not in main  # back link (outside main)


def test_a_listing_is_not_dated_by_the_items_it_lists():
    info = read("govuk_frontend_listing.html", COUNCIL + "/reports?committee=cabinet")
    assert info.published is None and info.updated is None


# --- URL normalisation on the query strings these sites use -------------------------------
@pytest.mark.parametrize(
    "url",
    [
        pytest.param(
            "https://www.gov.uk/search/all?keywords=algorithm&order=relevance",
            id="govuk-search",
        ),
        pytest.param(
            "https://democracy.borsetshire.gov.uk/ieListMeetings.aspx?CId=138&Year=0",
            id="moderngov-committee",
        ),
        pytest.param(
            "https://www.borsetshire.gov.uk/foi/response?ref=FOI-2024-0113",
            id="reference-number",
        ),
        pytest.param("https://www.borsetshire.gov.uk/search?page=1&s=algorithm", id="lgd-search"),
    ],
)
def test_normalize_url_keeps_parameters_that_name_the_page(url):
    assert pages.normalize_url(url) == url


def test_normalize_url_still_drops_tracking_parameters():
    url = "https://www.gov.uk/search/all?order=relevance&utm_source=newsletter&utm_medium=email"
    assert pages.normalize_url(url) == "https://www.gov.uk/search/all?order=relevance"


# --- end to end: a LocalGov Drupal site on 127.0.0.1 --------------------------------------
def locations() -> set[str]:
    from datascores.documents.models import Source as DocSource
    from datascores.documents.models import SourceKind

    return set(DocSource.objects.filter(kind=SourceKind.URL).values_list("location", flat=True))


@pytest.fixture
def council():
    """The LocalGov Drupal fixture pages served as www.borsetshire.gov.uk would serve them."""
    server = PrefixServer()
    base = server.url("").rstrip("/")
    origins = {COUNCIL: base}
    html = {"Content-Type": "text/html; charset=UTF-8"}
    xml = {"Content-Type": "application/xml; charset=utf-8"}
    routes = server.routes
    routes["/robots.txt"] = Reply(
        200, served("robots.txt", origins), {"Content-Type": "text/plain"}
    )
    routes["/sitemap.xml"] = Reply(200, served("simple_sitemap_index.xml", origins), xml)
    routes["/sitemap.xml?page=1"] = Reply(200, served("simple_sitemap_page1.xml", origins), xml)
    routes["/sitemap.xml?page=2"] = Reply(200, served("simple_sitemap_page2.xml", origins), xml)
    routes[SERVICE] = Reply(200, served("lgd_service_page.html", origins), html)
    routes[REGISTER] = Reply(200, served("lgd_documents_page.html", origins), html)
    routes[NEWS] = Reply(200, served("lgd_news_article.html", origins), html)
    for path in LGD_RESULTS_2:  # two more result pages: a service page at another path
        page = served("lgd_service_page.html", origins).replace(
            (base + SERVICE).encode(), (base + path).encode()
        )
        routes[path] = Reply(200, page, html)
    pdf = {"Content-Type": "application/pdf"}
    routes[REGISTER_FILES[0]] = Reply(200, fixtures.text_pdf(["Algorithm register 2024"]), pdf)
    routes[REGISTER_FILES[1]] = Reply(
        200,
        fixtures.docx_file(),
        {"Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    )
    routes[REGISTER_FILES[2]] = Reply(200, fixtures.text_pdf(["DPIA: referrals"]), pdf)

    def search(seen) -> Reply:
        query = parse_qs(urlsplit(seen.path).query)
        term, page = query.get("s", [""])[0], query.get("page", ["0"])[0]
        name = {
            ("algorithm", "0"): "lgd_search_page1.html",
            ("algorithm", "1"): "lgd_search_page2.html",
        }.get((term, page), "lgd_search_empty.html")
        return Reply(200, served(name, origins), html)

    server.prefix_routes["/search"] = search
    try:
        yield server
    finally:
        server.close()


def run_source(fetcher, **fields):
    from scrapers.models import Source

    from .test_engine import scrape

    fields.setdefault("name", "Borsetshire")
    source = Source.objects.create(**fields)
    return scrape(source, fetcher)


@pytest.mark.django_db(transaction=True)
def test_lgd_sitemap_index_with_page_children(council, fetcher):
    from datascores.jobs.models import JobStatus
    from scrapers.models import Kind

    job = run_source(fetcher, kind=Kind.SITEMAP, urls=council.url("/sitemap.xml"), max_depth=0)
    assert job.status == JobStatus.FINISHED, job.result
    assert {"/sitemap.xml?page=1", "/sitemap.xml?page=2"} <= set(council.paths())
    # The three pages the sitemap lists, and the documents one page links (files may be one
    # step deeper than max_depth).
    assert locations() == {council.url(p) for p in (SERVICE, REGISTER, NEWS, *REGISTER_FILES)}
    assert job.counts["failed"] == 0, job.errors


@pytest.mark.django_db(transaction=True)
def test_lgd_site_search_follows_result_links_and_the_pager(council, fetcher):
    from datascores.jobs.models import JobStatus
    from scrapers.models import Kind

    job = run_source(
        fetcher,
        kind=Kind.SEARCH,
        urls="",
        search_url=council.url("/search?s={term}"),
        terms="algorithm\nnothing matches",
        max_depth=0,
    )
    assert job.status == JobStatus.FINISHED, job.result
    searched = {p for p in council.paths() if p.startswith("/search")}
    assert {"/search?s=algorithm", "/search?page=1&s=algorithm"} <= searched
    results = {council.url(p) for p in (*LGD_RESULTS_1, *LGD_RESULTS_2)}
    assert locations() == results | {council.url(p) for p in REGISTER_FILES}
    # Menus, breadcrumbs and footer links of the result pages are not results.
    assert not {"/bins-and-recycling", "/council-and-democracy", "/cookies"} & set(council.paths())


@pytest.mark.django_db(transaction=True)
def test_lgd_site_search_fetches_each_result_page_once(council, fetcher):
    from scrapers.models import Kind

    run_source(
        fetcher,
        kind=Kind.SEARCH,
        urls="",
        search_url=council.url("/search?s={term}"),
        terms="algorithm\nnothing matches",
        max_depth=0,
    )
    searched = sorted(p for p in council.paths() if p.startswith("/search"))
    assert searched == [
        "/search?page=1&s=algorithm",
        "/search?s=algorithm",
        "/search?s=nothing+matches",
    ]


# --- end to end: GOV.UK on 127.0.0.1 under its own host names -----------------------------
@pytest.fixture
def govuk(fake_dns):  # noqa: F811  (the fixture imported above)
    """www.gov.uk and its assets host, both answered by one local server."""
    fake_dns({"www.gov.uk": [["127.0.0.1"]], "assets.publishing.service.gov.uk": [["127.0.0.1"]]})
    server = PrefixServer()
    www = server.url("", host="www.gov.uk").rstrip("/")
    assets = server.url("", host="assets.publishing.service.gov.uk").rstrip("/")
    origins = {GOVUK: www, ASSETS: assets}
    html = {"Content-Type": "text/html; charset=utf-8"}
    routes = server.routes
    publication = served("govuk_publication.html", origins)
    routes[PUBLICATION] = Reply(200, publication, html)
    for path in (*GOVUK_RESULTS_1[1:], *GOVUK_RESULTS_2, HTML_ATTACHMENT):
        page = publication.replace((www + PUBLICATION).encode(), (www + path).encode())
        routes[path] = Reply(200, page, html)
    routes[ASSET_FILES[0]] = Reply(
        200,
        fixtures.text_pdf(["Data protection impact assessment"]),
        {"Content-Type": "application/pdf"},
    )
    routes[ASSET_FILES[1]] = Reply(
        200, fixtures.odt_file(), {"Content-Type": "application/vnd.oasis.opendocument.spreadsheet"}
    )

    def search(seen) -> Reply:
        query = parse_qs(urlsplit(seen.path).query)
        term, page = query.get("keywords", [""])[0], query.get("page", ["1"])[0]
        name = {
            ("algorithm", "1"): "govuk_search_page1.html",
            ("algorithm", "2"): "govuk_search_page2.html",
        }.get((term, page))
        if name is None:
            return Reply(404, b"no such search in the fixture")
        return Reply(200, served(name, origins), html)

    server.prefix_routes["/search/all"] = search
    server.www = www
    try:
        yield server
    finally:
        server.close()


@pytest.mark.django_db(transaction=True)
def test_govuk_site_search_follows_results_and_next_page(govuk, fetcher):
    from datascores.jobs.models import JobStatus
    from scrapers.models import Kind

    job = run_source(
        fetcher,
        name="GOV.UK",
        kind=Kind.SEARCH,
        urls="",
        search_url=govuk.www + "/search/all?keywords={term}&order=relevance",
        terms="algorithm",
        max_depth=0,
        allowed_domains="www.gov.uk",
    )
    assert job.status == JobStatus.FINISHED, job.result
    searched = sorted(p for p in govuk.paths() if p.startswith("/search"))
    # Page 2 links back to page=1 (the first page again): not fetched twice.
    assert searched == [
        "/search/all?keywords=algorithm&order=relevance",
        "/search/all?keywords=algorithm&order=relevance&page=2",
    ]
    results = {govuk.www + p for p in (*GOVUK_RESULTS_1, *GOVUK_RESULTS_2)}
    assert results <= locations()
    # The spelling suggestion is another search, not a result page.
    assert not any("keywords=algorithms" in p for p in govuk.paths())


@pytest.mark.django_db(transaction=True)
def test_govuk_publication_attachments_on_the_assets_host_are_kept(govuk, fetcher):
    from datascores.jobs.models import JobStatus
    from scrapers.models import Kind

    assets = govuk.url("", host="assets.publishing.service.gov.uk").rstrip("/")
    job = run_source(
        fetcher, name="GOV.UK", kind=Kind.URLS, urls=govuk.www + PUBLICATION, max_depth=0
    )
    assert job.status == JobStatus.FINISHED, job.result
    assert {assets + p for p in ASSET_FILES} <= locations()


@pytest.mark.django_db(transaction=True)
def test_govuk_publication_page_is_stored_with_its_html_attachment_one_step_away(govuk, fetcher):
    from datascores.jobs.models import JobStatus
    from scrapers.models import Kind

    job = run_source(
        fetcher, name="GOV.UK", kind=Kind.URLS, urls=govuk.www + PUBLICATION, max_depth=1
    )
    assert job.status == JobStatus.FINISHED, job.result
    found = locations()
    assert govuk.www + PUBLICATION in found
    assert govuk.www + HTML_ATTACHMENT in found
