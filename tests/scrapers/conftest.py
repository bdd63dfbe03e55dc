"""A council website on 127.0.0.1 for the scrapers: real-looking pages and hostile corners.

Pages carry the boilerplate real council sites have (a cookie banner as GOV.UK Frontend
and LocalGov Drupal's EU cookie compliance module render it, a header with navigation, a
breadcrumb, a footer), so the tests can tell main text from chrome. Every HTML page and
file answers conditional GETs (ETag, If-None-Match -> 304).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from datascores.fetch.fetcher import Fetcher
from datascores.fetch.politeness import RateLimiter
from tests.documents import fixtures
from tests.fetch.conftest import LocalServer, Reply, Seen, loopback_only  # noqa: F401

COOKIE_BANNER = (
    '<div class="govuk-cookie-banner" role="region" aria-label="Cookies on Borsetshire">'
    "<h2>Cookies on Borsetshire County Council</h2><p>We use some essential cookies to make "
    "this service work. We'd also like to use analytics cookies.</p>"
    '<button type="button">Accept analytics cookies</button></div>'
)


def page_html(title: str, body: str, *, head: str = "", nav: bool = True) -> bytes:
    """A council page: cookie banner, header + navigation, breadcrumb, main, footer."""
    navigation = (
        '<nav class="lgd-header__nav" aria-label="Main">'
        '<ul><li><a href="/">Home</a></li><li><a href="/services/algorithms">Services</a></li>'
        '<li><a href="/news/risk-scoring">News</a></li><li><a href="/contact">Contact us</a></li>'
        "</ul></nav>"
        if nav
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | Borsetshire County
Council</title>{head}</head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
{COOKIE_BANNER}
<header class="lgd-header" role="banner"><div class="lgd-header__inner">
<a href="/" class="lgd-header__logo">Borsetshire County Council</a>
<form class="lgd-header__search" action="/search" role="search">
<input name="q" aria-label="Search"></form>{navigation}</div></header>
<div class="govuk-width-container">
<nav class="govuk-breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>
<li>{html.escape(title)}</li></ol></nav>
<main class="govuk-main-wrapper lgd-main" id="main-content" role="main">
<h1 class="govuk-heading-xl">{html.escape(title)}</h1>
{body}
</main></div>
<footer class="lgd-footer" role="contentinfo"><div class="lgd-footer__inner">
<ul><li><a href="/accessibility">Accessibility statement</a></li>
<li><a href="/cookies">Cookies</a></li><li><a href="/privacy">Privacy notice</a></li></ul>
<p>&copy; Borsetshire County Council, County Hall, Borchester</p></div></footer>
</body></html>""".encode()


def sitemap(urls: list[str]) -> bytes:
    items = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'
    ).encode()


def sitemap_index(urls: list[str]) -> bytes:
    items = "".join(f"<sitemap><loc>{html.escape(u)}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}'
        "</sitemapindex>"
    ).encode()


@dataclass
class CouncilSite:
    """The fixture site; tests change `state` between runs."""

    server: LocalServer
    robots: str = "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n"
    state: dict = field(default_factory=dict)
    max_file_bytes: int = 200_000

    @property
    def base(self) -> str:
        return self.server.url("")

    def url(self, path: str) -> str:
        return self.server.url(path)

    def paths(self) -> list[str]:
        return self.server.paths()

    def requests_for(self, path: str) -> list[Seen]:
        return [s for s in self.server.seen if s.path == path]


def _conditional(body: bytes, content_type: str, extra: dict | None = None) -> Callable:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def answer(seen: Seen) -> Reply:
        if seen.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"Content-Type": content_type, "ETag": etag, **(extra or {})})

    return answer


def build_site(server: LocalServer) -> CouncilSite:
    site = CouncilSite(server)
    base = server.url("")
    state = site.state
    state.update(changing="v1", disappearing=True, flaky_calls=0, busy_calls=0)
    routes = server.routes

    def html_route(path: str, title: str, body: str, **kwargs) -> None:
        routes[path] = _conditional(page_html(title, body, **kwargs), "text/html; charset=utf-8")

    routes["/robots.txt"] = lambda _s: Reply(
        200, site.robots.encode() + f"Sitemap: {base}/sitemap.xml\n".encode(),
        {"Content-Type": "text/plain"},
    )  # fmt: skip
    home_links = [
        ("/services/algorithms", "How we use algorithms"),
        ("/news/risk-scoring", "Risk scoring pilot"),
        ("/changing", "Data sharing policy"),
        ("/disappearing", "Consultation (closed)"),
        ("/private/secret", "Staff area"),
        ("/flaky", "Performance data"),
        ("/busy", "Open data"),
        ("/loop-a", "Old page"),
        ("/documents/report.pdf", "Pilot evaluation report (PDF)"),
        ("/documents/policy.docx", "Policy (Word)"),
        ("/documents/huge.pdf", "Full dataset (PDF, 300 KB)"),
        ("/documents/endless.pdf", "Streamed dataset (PDF)"),
        ("http://10.0.0.7/intranet", "Intranet"),
        ("http://169.254.169.254/latest/meta-data/", "Metadata"),
        ("http://127.0.0.2:8080/admin", "Loopback service"),
        ("https://www.other-council.gov.uk/algorithms", "Another council"),
        ("/services/algorithms?utm_source=newsletter&utm_medium=email", "Tracked link"),
    ]
    items = "".join(f'<li><a href="{html.escape(h)}">{t}</a></li>' for h, t in home_links)
    html_route(
        "/",
        "Home",
        f"<p>Welcome to Borsetshire County Council.</p><ul>{items}</ul>",
    )
    html_route(
        "/services/algorithms",
        "How we use algorithms",
        '<p class="govuk-body">The council uses a predictive analytics model to prioritise '
        "children's services referrals. A data warehouse joins records from housing and "
        'benefits.</p><p>Published <time datetime="2024-03-05">5 March 2024</time>.</p>'
        '<p><a href="/documents/report.pdf">Read the evaluation</a></p>',
        head='<meta name="description" content="Algorithms at the council">'
        '<meta property="article:published_time" content="2024-03-05">',
    )
    html_route(
        "/news/risk-scoring",
        "Risk scoring pilot",
        "<p>A risk score for every household was piloted in 2023.</p>",
    )
    html_route("/contact", "Contact us", "<p>Telephone 01234 567890.</p>")
    for path in ("/accessibility", "/cookies", "/privacy"):
        html_route(path, path.strip("/").title(), "<p>Standard text.</p>")
    html_route("/private/secret", "Staff area", "<p>Not for robots.</p>")

    def changing(seen: Seen) -> Reply:
        text = {
            "v1": "<p>We share data with the police under a data sharing agreement.</p>",
            "v2": "<p>We share data with the police and the NHS under a revised data sharing "
            "agreement signed in 2025.</p>",
        }[state["changing"]]
        return _conditional(page_html("Data sharing policy", text), "text/html")(seen)

    routes["/changing"] = changing

    def disappearing(seen: Seen) -> Reply:
        if not state["disappearing"]:
            return Reply(
                404, page_html("Page not found", "<p>Sorry.</p>"), {"Content-Type": "text/html"}
            )
        return _conditional(
            page_html("Consultation (closed)", "<p>Consultation on automated decisions.</p>"),
            "text/html",
        )(seen)

    routes["/disappearing"] = disappearing

    def flaky(seen: Seen) -> Reply:
        state["flaky_calls"] += 1
        if state["flaky_calls"] == 1:
            return Reply(500, b"Internal Server Error")
        return _conditional(
            page_html("Performance data", "<p>Monthly performance dashboards.</p>"), "text/html"
        )(seen)

    routes["/flaky"] = flaky

    def busy(seen: Seen) -> Reply:
        state["busy_calls"] += 1
        if state["busy_calls"] == 1:
            return Reply(429, b"Too many requests", {"Retry-After": "3"})
        return _conditional(page_html("Open data", "<p>Our open data portal.</p>"), "text/html")(
            seen
        )

    routes["/busy"] = busy
    routes["/loop-a"] = Reply(302, b"", {"Location": "/loop-b"})
    routes["/loop-b"] = Reply(302, b"", {"Location": "/loop-a"})
    routes["/documents/report.pdf"] = _conditional(
        fixtures.text_pdf(["Evaluation of the predictive analytics pilot."]), "application/pdf"
    )
    routes["/documents/policy.docx"] = _conditional(
        fixtures.docx_file(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    routes["/documents/huge.pdf"] = Reply(
        200, b"%PDF-1.4\n" + b"x" * 300_000, {"Content-Type": "application/pdf"}
    )
    routes["/documents/endless.pdf"] = Reply(
        200, b"%PDF-1.4\n" + b"y" * 300_000, {"Content-Type": "application/pdf"},
        content_length=False,
    )  # fmt: skip

    # Sitemaps: an index with a plain child and a gzipped child.
    routes["/sitemap.xml"] = Reply(
        200,
        sitemap_index([f"{base}/sitemap-pages.xml", f"{base}/sitemap-docs.xml.gz"]),
        {"Content-Type": "application/xml"},
    )
    routes["/sitemap-pages.xml"] = Reply(
        200,
        sitemap([f"{base}/services/algorithms", f"{base}/news/risk-scoring",
                 f"{base}/private/secret", f"{base}/changing"]),
        {"Content-Type": "application/xml"},
    )  # fmt: skip
    routes["/sitemap-docs.xml.gz"] = Reply(
        200,
        gzip.compress(sitemap([f"{base}/documents/report.pdf"])),
        {"Content-Type": "application/gzip"},
    )

    # Site search with paged results: two result pages for "algorithm".
    def search(seen: Seen) -> Reply:
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(seen.path).query)
        term = (query.get("q") or [""])[0]
        page = int((query.get("page") or ["1"])[0])
        results = {
            ("algorithm", 1): ["/services/algorithms", "/news/risk-scoring"],
            ("algorithm", 2): ["/documents/report.pdf"],
        }.get((term, page), [])
        items = "".join(f'<li class="search-result"><a href="{r}">{r}</a></li>' for r in results)
        pager = ""
        if term == "algorithm" and page == 1:
            pager = (
                '<nav class="govuk-pagination">'
                f'<a href="/search?q={term}&amp;page=2">Next</a></nav>'
            )
        body = f"<p>{len(results)} results for {html.escape(term)}</p><ol>{items}</ol>{pager}"
        return Reply(200, page_html("Search", body), {"Content-Type": "text/html"})

    server.prefix_routes["/search"] = search

    routes["/news.rss"] = Reply(
        200,
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Borsetshire news</title>
<link>{base}/</link><description>News</description>
<item><title>Risk scoring pilot</title><link>{base}/news/risk-scoring</link></item>
<item><title>Evaluation published</title><link>{base}/services/algorithms</link>
<enclosure url="{base}/documents/report.pdf" type="application/pdf" length="1000"/></item>
</channel></rss>""".encode(),
        {"Content-Type": "application/rss+xml"},
    )
    return site


class _Routes(dict):
    """Exact paths first, then a handler for a path whatever its query string."""

    def __init__(self, prefixes: dict) -> None:
        super().__init__()
        self.prefixes = prefixes

    def get(self, path, default=None):
        if path in self:
            return self[path]
        return self.prefixes.get(path.split("?", 1)[0], default)


class PrefixServer(LocalServer):
    """LocalServer that also answers a path with any query string (site search)."""

    def __init__(self) -> None:
        super().__init__()
        self.prefix_routes: dict[str, Callable[[Seen], Reply]] = {}
        self.routes = _Routes(self.prefix_routes)


@pytest.fixture
def site() -> Iterator[CouncilSite]:
    server = PrefixServer()
    try:
        yield build_site(server)
    finally:
        server.close()


class RecordingLimiter(RateLimiter):
    """A limiter on a fake clock that records the interval asked for each request."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.intervals: list[tuple[str, float]] = []
        self._record = threading.Lock()
        super().__init__(clock=lambda: self.now, sleep=self._sleep_fake)

    def _sleep_fake(self, seconds: float) -> None:
        with self._record:
            self.now += seconds

    def wait(self, host: str, interval: float) -> float:
        with self._record:
            self.intervals.append((host, interval))
        return super().wait(host, interval)


@pytest.fixture
def limiter() -> RecordingLimiter:
    return RecordingLimiter()


@pytest.fixture
def fetcher(limiter: RecordingLimiter) -> Fetcher:
    """Private addresses refused except 127.0.0.1 (the fixture site); waits on a fake clock."""
    import ipaddress

    f = Fetcher(
        user_agent="DataScoresBot/test",
        allow_private=False,
        min_interval=0,
        timeout=5,
        max_bytes=200_000,
        limiter=limiter,
    )
    f.allowed_networks = (ipaddress.ip_network("127.0.0.1/32"),)
    return f
