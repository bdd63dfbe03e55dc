"""The outbound fetcher, against real HTTP(S) servers on 127.0.0.1 (never beyond loopback)."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.test import override_settings

from datascores.fetch import netguard
from datascores.fetch.fetcher import (
    BlockedAddress,
    Fetcher,
    FetchError,
    RateLimiter,
    RobotsDisallowed,
    TooLarge,
    get_fetcher,
    parse_retry_after,
    read_body,
)
from datascores.fetch.robots import rules_from_response
from tests.fetch.conftest import LocalServer, Reply

LOOPBACK_ONLY = [ipaddress.ip_network("127.0.0.1/32")]
UA = "TestBot/1.0 (+https://data-scores.org/about)"


def fetcher(**kwargs) -> Fetcher:
    """A fetcher for loopback test servers: loopback allowed, no waiting unless asked."""
    kwargs.setdefault("user_agent", UA)
    kwargs.setdefault("allow_private", True)
    kwargs.setdefault("min_interval", 0)
    kwargs.setdefault("timeout", 5)
    kwargs.setdefault("max_bytes", 1_000_000)
    return Fetcher(**kwargs)


def guarded_fetcher(**kwargs) -> Fetcher:
    """Private addresses refused, except 127.0.0.1 itself so a test server is reachable."""
    f = fetcher(allow_private=False, **kwargs)
    f.allowed_networks = LOOPBACK_ONLY
    return f


# --- pure parts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "127.8.9.10",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 wrapping 169.254.169.254
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
    ],
)
def test_internal_addresses_are_refused(address):
    assert netguard.blocked_reason(address) is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address):
    assert netguard.blocked_reason(address) is None


def test_blocked_reason_names_the_kind_of_address():
    assert netguard.blocked_reason("127.0.0.1") == "loopback"
    assert netguard.blocked_reason("169.254.169.254") == "link-local"
    assert netguard.blocked_reason("10.1.2.3") == "private"
    assert netguard.blocked_reason("::ffff:10.1.2.3") == "IPv4-mapped private"


def test_one_internal_address_among_public_ones_refuses_the_host():
    with pytest.raises(netguard.AddressRefused, match=r"10\.0\.0\.1, a private address"):
        netguard.vet_addresses("mixed.example", ["93.184.216.34", "10.0.0.1"], allow_private=False)
    assert netguard.vet_addresses("x", ["10.0.0.1"], allow_private=True) == ["10.0.0.1"]
    assert netguard.vet_addresses(
        "x", ["127.0.0.1"], allow_private=False, allowed_networks=LOOPBACK_ONLY
    ) == ["127.0.0.1"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/pub/file.pdf",
        "gopher://example.org/",
        "javascript:alert(1)",
        "example.org/no-scheme",
        "http://user:secret@example.org/",
        "https://token@example.org/",
        "http:///no-host",
        "http://example.org:99999/",
    ],
)
def test_urls_that_are_never_requested(url):
    with pytest.raises(netguard.URLRefused):
        netguard.parse_url(url)


def test_request_target_is_percent_encoded_and_host_is_idna():
    target = netguard.parse_url("https://Bücher.example/a b/ü?q=ä b&x=1#frag")
    assert target.host == "xn--bcher-kva.example"
    assert target.port == 443
    assert target.request_target == "/a%20b/%C3%BC?q=%C3%A4%20b&x=1"
    assert target.origin == "https://xn--bcher-kva.example"
    assert netguard.parse_url("http://[::1]:8080").origin == "http://[::1]:8080"
    assert netguard.parse_url("http://a.example/%7Efoo").request_target == "/%7Efoo"


def test_retry_after_forms():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_one_host_and_leaves_others_alone():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    assert limiter.wait("a.example", 2.0) == 0
    assert limiter.wait("b.example", 2.0) == 0
    clock.now += 0.5
    assert limiter.wait("a.example", 2.0) == pytest.approx(1.5)
    # A larger interval learned later (Crawl-delay) counts from the previous request.
    assert limiter.wait("a.example", 5.0) == pytest.approx(5.0)
    # b's last request was 7 s ago, but the server asked for 10 s of quiet from now.
    limiter.defer("b.example", 10.0)
    assert limiter.wait("b.example", 2.0) == pytest.approx(10.0)


def test_rate_limiter_gives_concurrent_callers_distinct_slots():
    clock = FakeClock()
    lock = threading.Lock()
    limiter = RateLimiter(clock=clock, sleep=lambda s: None)  # nobody advances the clock
    waits: list[float] = []

    def call() -> None:
        w = limiter.wait("a.example", 1.0)
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=call) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == [0.0, 1.0, 2.0, 3.0, 4.0]


def chunks(data: bytes, size: int = 1000):
    """A read(n) function over data, in small pieces like a socket."""
    pos = 0

    def read(_n: int) -> bytes:
        nonlocal pos
        piece = data[pos : pos + size]
        pos += len(piece)
        return piece

    return read


def test_read_body_decodes_gzip_and_both_deflate_flavours():
    text = b"Data Scores " * 5000
    assert (
        read_body(chunks(gzip.compress(text)), url="u", max_bytes=10**6, content_encoding="gzip")
        == text
    )
    assert (
        read_body(chunks(zlib.compress(text)), url="u", max_bytes=10**6, content_encoding="deflate")
        == text
    )
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(text) + raw.flush()
    assert (
        read_body(chunks(raw_deflate), url="u", max_bytes=10**6, content_encoding="deflate") == text
    )
    two_members = gzip.compress(b"first ") + gzip.compress(b"second")
    assert (
        read_body(chunks(two_members), url="u", max_bytes=100, content_encoding="gzip")
        == b"first second"
    )


def test_read_body_stops_a_decompression_bomb_early():
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB that inflates to 50 MB
    assert len(bomb) < 100_000
    produced = []

    inner = chunks(bomb, 4096)

    def read(n: int) -> bytes:
        piece = inner(n)
        produced.append(len(piece))
        return piece

    with pytest.raises(TooLarge, match="exceeds the limit of 1,000,000 bytes"):
        read_body(read, url="http://bomb.example/", max_bytes=1_000_000, content_encoding="gzip")
    # It gave up after a sliver of the compressed stream, not after inflating it all.
    assert sum(produced) < len(bomb) / 10


def test_read_body_limits_plain_bodies_and_can_truncate():
    with pytest.raises(TooLarge):
        read_body(chunks(b"x" * 2001), url="u", max_bytes=2000)
    assert read_body(chunks(b"x" * 2000), url="u", max_bytes=2000) == b"x" * 2000
    assert read_body(chunks(b"x" * 5000), url="u", max_bytes=2000, truncate=True) == b"x" * 2000
    with pytest.raises(TooLarge, match="5,000 bytes"):
        read_body(chunks(b""), url="u", max_bytes=2000, content_length="5000")


def test_read_body_reports_corrupt_and_unknown_encodings():
    with pytest.raises(FetchError, match="corrupt"):
        read_body(
            chunks(b"\x1f\x8bnot really gzip"), url="u", max_bytes=1000, content_encoding="gzip"
        )
    with pytest.raises(FetchError, match="corrupt"):
        read_body(
            chunks(gzip.compress(b"abc" * 1000)[:-20]),
            url="u",
            max_bytes=10**6,
            content_encoding="gzip",
        )
    with pytest.raises(FetchError, match="'br' content encoding"):
        read_body(chunks(b"..."), url="u", max_bytes=1000, content_encoding="br")


def test_robots_status_policy():
    assert rules_from_response("http://a", 404, b"", now=0).can_fetch(UA, "http://a/x")
    assert rules_from_response("http://a", 403, b"", now=0).can_fetch(UA, "http://a/x")
    for status in (500, 503, 429, None):
        rules = rules_from_response("http://a", status, b"", now=0, error="timed out")
        assert not rules.can_fetch(UA, "http://a/x")
        assert rules.expires_at < rules_from_response("http://a", 404, b"", now=0).expires_at
    parsed = rules_from_response(
        "http://a", 200, b"User-agent: *\nDisallow: /private\nCrawl-delay: 3\n", now=0
    )
    assert parsed.can_fetch(UA, "http://a/public")
    assert not parsed.can_fetch(UA, "http://a/private/x")
    assert parsed.crawl_delay(UA) == 3


# --- against a local server -------------------------------------------------------------


def test_get_returns_body_and_validators_and_identifies_itself(server: LocalServer):
    server.routes["/doc.pdf"] = Reply(
        200,
        b"%PDF-1.4 hello",
        {
            "Content-Type": "application/pdf",
            "ETag": '"v1"',
            "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT",
        },
    )
    result = fetcher().get(server.url("/doc.pdf"))
    assert result.status == 200
    assert result.content == b"%PDF-1.4 hello"
    assert result.content_type == "application/pdf"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert result.not_modified is False
    assert result.url == server.url("/doc.pdf")
    assert result.fetched_at.tzinfo is not None
    assert abs(result.fetched_at - datetime.now(UTC)) < timedelta(seconds=30)
    assert server.paths() == ["/robots.txt", "/doc.pdf"]
    for seen in server.seen:
        assert seen.headers["User-Agent"] == UA
        assert seen.headers["Host"] == f"127.0.0.1:{server.port}"


def test_user_agent_defaults_to_the_setting(server: LocalServer):
    server.routes["/"] = Reply(200, b"ok")
    with override_settings(FETCHER_USER_AGENT="SettingsBot/9"):
        Fetcher(allow_private=True, min_interval=0).get(server.url("/"))
    assert [s.headers["User-Agent"] for s in server.seen] == ["SettingsBot/9"] * 2


def test_robots_disallow_is_obeyed_and_robots_fetched_once(server: LocalServer):
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private\n")
    server.routes["/public"] = Reply(200, b"public")
    server.routes["/private/report.pdf"] = Reply(200, b"secret")
    f = fetcher()
    assert f.get(server.url("/public")).content == b"public"
    with pytest.raises(RobotsDisallowed, match=r"robots\.txt disallows") as info:
        f.get(server.url("/private/report.pdf"))
    assert info.value.url == server.url("/private/report.pdf")
    assert f.get(server.url("/public")).content == b"public"
    assert server.paths() == ["/robots.txt", "/public", "/public"]


def test_robots_group_for_our_agent_applies(server: LocalServer):
    server.routes["/robots.txt"] = Reply(
        200, b"User-agent: TestBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )
    server.routes["/page"] = Reply(200, b"page")
    with pytest.raises(RobotsDisallowed):
        fetcher().get(server.url("/page"))
    assert fetcher(user_agent="OtherBot/2").get(server.url("/page")).content == b"page"


def test_missing_robots_allows_everything(server: LocalServer):
    server.routes["/page"] = Reply(200, b"page")  # /robots.txt is a 404
    assert fetcher().get(server.url("/page")).content == b"page"


@pytest.mark.parametrize("robots_status", [500, 503])
def test_robots_server_error_keeps_the_site_off_limits(server: LocalServer, robots_status):
    server.routes["/robots.txt"] = Reply(robots_status, b"oops")
    server.routes["/page"] = Reply(200, b"page")
    f = fetcher()
    f.max_retries = 0
    with pytest.raises(RobotsDisallowed, match=f"robots.txt unavailable.*{robots_status}"):
        f.get(server.url("/page"))
    assert "/page" not in server.paths()


def test_unreachable_robots_keeps_the_site_off_limits(server: LocalServer):
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nAllow: /\n", delay=1.0)
    server.routes["/page"] = Reply(200, b"page")
    with pytest.raises(RobotsDisallowed, match="no answer"):
        fetcher(timeout=0.2).get(server.url("/page"))
    assert "/page" not in server.paths()


def test_robots_can_be_ignored_when_asked(server: LocalServer):
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /\n")
    server.routes["/page"] = Reply(200, b"page")
    assert fetcher(obey_robots=False).get(server.url("/page")).content == b"page"
    assert server.paths() == ["/page"]


def clocked_fetcher(**kwargs) -> tuple[Fetcher, FakeClock]:
    """A fetcher whose waits go to a fake clock: the test reads the waits, never the time."""
    clock = FakeClock()
    kwargs.setdefault("limiter", RateLimiter(clock=clock, sleep=clock.sleep))
    return fetcher(clock=clock, **kwargs), clock


def test_min_interval_spaces_requests_to_one_host(server: LocalServer):
    server.routes["/page"] = Reply(200, b"page")
    f, clock = clocked_fetcher(min_interval=0.4, obey_robots=False)
    for _ in range(3):
        f.get(server.url("/page"))
    assert len(server.times("/page")) == 3
    assert clock.slept == [pytest.approx(0.4)] * 2


def test_min_interval_holds_across_threads(server: LocalServer):
    server.routes["/page"] = Reply(200, b"page")
    clock = FakeClock()
    waits: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:  # threads do not advance a shared fake clock
        with lock:
            waits.append(seconds)

    f = fetcher(min_interval=0.3, obey_robots=False, clock=clock, limiter=RateLimiter(clock, sleep))
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            f.get(server.url("/page"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(server.times("/page")) == 4
    # Each thread got its own slot 0.3 s after the previous one.
    assert sorted(waits) == [pytest.approx(0.3), pytest.approx(0.6), pytest.approx(0.9)]


def test_crawl_delay_larger_than_min_interval_is_honoured(server: LocalServer):
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nCrawl-delay: 1.5\n")
    server.routes["/a"] = Reply(200, b"a")
    server.routes["/b"] = Reply(200, b"b")
    f, clock = clocked_fetcher(min_interval=0.1)
    f.get(server.url("/a"))
    f.get(server.url("/b"))
    assert server.paths() == ["/robots.txt", "/a", "/b"]
    # Once robots.txt is read, its Crawl-delay spaces every request, counted from robots.txt.
    assert clock.slept == [pytest.approx(1.5), pytest.approx(1.5)]


def test_robots_wildcards_and_longest_match(server: LocalServer):
    server.routes["/robots.txt"] = Reply(
        200,
        b"User-agent: *\nDisallow: /*.pdf$\nDisallow: /search\nAllow: /search/about\n",
    )
    for path in ("/report.pdf", "/report.pdfx", "/search?q=x", "/search/about"):
        server.routes[path.split("?")[0]] = Reply(200, b"ok")
    f = fetcher()
    with pytest.raises(RobotsDisallowed):
        f.get(server.url("/report.pdf"))
    with pytest.raises(RobotsDisallowed):
        f.get(server.url("/search?q=x"))
    assert f.get(server.url("/report.pdfx")).content == b"ok"
    assert f.get(server.url("/search/about")).content == b"ok"


def test_conditional_get_with_etag(server: LocalServer):
    def page(seen):
        if seen.headers.get("If-None-Match") == '"v2"':
            return Reply(304, headers={"ETag": '"v2"'})
        return Reply(200, b"version 2", {"ETag": '"v2"', "Content-Type": "text/plain"})

    server.routes["/doc"] = page
    f = fetcher()
    result = f.get(server.url("/doc"), etag='"v2"')
    assert result.not_modified is True
    assert result.status == 304
    assert result.content == b""
    assert result.etag == '"v2"'
    stale = f.get(server.url("/doc"), etag='"v1"')
    assert (stale.not_modified, stale.content, stale.etag) == (False, b"version 2", '"v2"')


def test_conditional_get_with_last_modified(server: LocalServer):
    stamp = "Wed, 01 May 2024 10:00:00 GMT"

    def page(seen):
        if seen.headers.get("If-Modified-Since") == stamp:
            return Reply(304)
        return Reply(200, b"body", {"Last-Modified": stamp})

    server.routes["/doc"] = page
    f = fetcher()
    result = f.get(server.url("/doc"), last_modified=stamp)
    assert result.not_modified is True
    assert result.last_modified == stamp  # kept although the 304 did not repeat it
    assert f.get(server.url("/doc")).content == b"body"
    assert "If-Modified-Since" not in server.seen[-1].headers


def test_redirects_are_followed_across_servers(make_server):
    first, second = make_server(), make_server()
    first.routes["/old"] = Reply(301, headers={"Location": "/moved"})
    first.routes["/moved"] = Reply(302, headers={"Location": second.url("/final?x=1")})
    second.routes["/final?x=1"] = Reply(200, b"here", {"ETag": '"e"'})
    result = fetcher().get(first.url("/old"))
    assert (result.url, result.content, result.etag) == (second.url("/final?x=1"), b"here", '"e"')
    assert first.paths() == ["/robots.txt", "/old", "/moved"]
    assert second.paths() == ["/robots.txt", "/final?x=1"]


def test_redirect_target_is_checked_against_its_own_robots(make_server):
    first, second = make_server(), make_server()
    first.routes["/go"] = Reply(302, headers={"Location": second.url("/private")})
    second.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private\n")
    with pytest.raises(RobotsDisallowed):
        fetcher().get(first.url("/go"))
    assert second.paths() == ["/robots.txt"]


def test_redirects_are_capped_at_five(server: LocalServer):
    for n in range(5):
        server.routes[f"/r{n}"] = Reply(302, headers={"Location": f"/r{n + 1}"})
    server.routes["/r5"] = Reply(200, b"end")
    assert fetcher().get(server.url("/r0")).content == b"end"  # five redirects
    server.routes["/r5"] = Reply(302, headers={"Location": "/r6"})
    server.routes["/r6"] = Reply(200, b"too far")
    with pytest.raises(FetchError, match="redirected more than 5 times"):
        fetcher().get(server.url("/r0"))
    assert "/r6" not in server.paths()


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/admin",
        "http://[::1]:{port}/",
        "http://127.0.0.2:{port}/",
        "http://0.0.0.0:{port}/",
        "http://[::ffff:127.0.0.2]:{port}/",
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
    ],
)
def test_redirect_to_an_internal_address_is_blocked(server: LocalServer, location):
    server.routes["/go"] = Reply(302, headers={"Location": location.format(port=server.port)})
    with pytest.raises(BlockedAddress):
        guarded_fetcher().get(server.url("/go"))
    assert server.paths() == ["/robots.txt", "/go"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://127.1:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f000001:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://10.0.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://0.0.0.0:{port}/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_internal_addresses_are_refused_before_connecting(server: LocalServer, url):
    with pytest.raises(BlockedAddress, match="internal addresses are not fetched"):
        fetcher(allow_private=False).get(url.format(port=server.port))
    assert server.paths() == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/", "http://user:pw@127.0.0.1:{port}/"]
)
def test_other_schemes_and_credentials_are_refused_even_when_private_is_allowed(
    server: LocalServer, url
):
    with pytest.raises(BlockedAddress):
        fetcher(allow_private=True).get(url.format(port=server.port))
    assert server.paths() == []


def test_connection_is_pinned_to_the_vetted_address(server: LocalServer, fake_dns):
    # First answer passes the check; any later lookup would rebind the name to 10.0.0.5.
    asked = fake_dns({"site.test": [["127.0.0.1"], ["10.0.0.5"]]})
    server.routes["/page"] = Reply(200, b"pinned")
    result = guarded_fetcher().get(server.url("/page", host="site.test"))
    assert result.content == b"pinned"
    assert asked == ["site.test"]
    assert [s.headers["Host"] for s in server.seen] == [f"site.test:{server.port}"] * 2


def test_a_name_with_any_internal_address_is_refused(server: LocalServer, fake_dns):
    fake_dns({"mixed.test": [["127.0.0.1", "10.0.0.5"]]})
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.5, a private address"):
        guarded_fetcher().get(server.url("/", host="mixed.test"))
    assert server.paths() == []


def test_https_uses_the_url_host_for_sni_and_certificate(make_server, pki, fake_dns, tmp_path):
    tls_server = make_server(tls=pki.server_context(tmp_path))
    tls_server.routes["/doc"] = Reply(200, b"over tls")
    fake_dns({"site.test": [["127.0.0.1"]], "other.test": [["127.0.0.1"]]})
    f = guarded_fetcher()
    f.ssl_context = pki.client_context()
    assert f.get(tls_server.url("/doc", host="site.test")).content == b"over tls"
    assert tls_server.sni[:2] == ["site.test", "site.test"]
    assert tls_server.seen[-1].headers["Host"] == f"site.test:{tls_server.port}"

    # Same server, a name its certificate does not cover: refused.
    other = guarded_fetcher(obey_robots=False)
    other.ssl_context = pki.client_context()
    with pytest.raises(FetchError, match=r"certificate of other\.test could not be verified"):
        other.get(tls_server.url("/doc", host="other.test"))
    # The system trust store does not know the test CA.
    with pytest.raises(FetchError, match=r"certificate of site\.test could not be verified"):
        guarded_fetcher(obey_robots=False).get(tls_server.url("/doc", host="site.test"))
    assert tls_server.paths() == ["/robots.txt", "/doc"]


def test_declared_content_length_over_the_limit_is_refused_unread(server: LocalServer):
    server.routes["/huge"] = Reply(200, b"tiny", {"Content-Length": str(10 * 1024**3)})
    with pytest.raises(TooLarge, match="Content-Length"):
        fetcher(max_bytes=1000).get(server.url("/huge"))


def test_streamed_body_over_the_limit_is_cut_off(server: LocalServer):
    server.routes["/stream"] = Reply(200, b"x" * 300_000, content_length=False)
    server.routes["/fits"] = Reply(200, b"y" * 100_000, content_length=False)
    f = fetcher(max_bytes=100_000)
    with pytest.raises(TooLarge, match="exceeds the limit of 100,000 bytes"):
        f.get(server.url("/stream"))
    assert f.get(server.url("/fits")).content == b"y" * 100_000


def test_gzip_content_encoding_is_decoded(server: LocalServer):
    text = b"<html>" + b"algorithm " * 1000 + b"</html>"
    server.routes["/page"] = Reply(200, gzip.compress(text), {"Content-Encoding": "gzip"})
    assert fetcher().get(server.url("/page")).content == text
    assert "gzip" in server.seen[-1].headers["Accept-Encoding"]


def test_gzip_bomb_is_stopped(server: LocalServer):
    bomb = gzip.compress(b"\0" * 20_000_000)
    server.routes["/bomb"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    with pytest.raises(TooLarge, match="gzip-decoded body exceeds"):
        fetcher(max_bytes=1_000_000).get(server.url("/bomb"))


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_errors_raise_fetch_error(server: LocalServer, status):
    server.routes["/page"] = Reply(status, b"error page")
    with pytest.raises(FetchError, match=f"the server answered {status}") as info:
        fetcher().get(server.url("/page"))
    assert info.value.status == status
    assert info.value.url == server.url("/page")
    assert type(info.value) is FetchError


def test_connection_refused_is_a_fetch_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(FetchError, match="refused the connection"):
        fetcher(obey_robots=False).get(f"http://127.0.0.1:{port}/")


def test_dns_failure_is_a_fetch_error(monkeypatch):
    def no_such_host(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(FetchError, match=r"could not resolve host 'nowhere\.test'"):
        fetcher().get("http://nowhere.test/")


def test_slow_server_times_out(server: LocalServer):
    server.routes["/slow"] = Reply(200, b"late", delay=1.0)
    with pytest.raises(FetchError, match=r"no answer from 127.0.0.1:\d+ within 0.2 s"):
        fetcher(timeout=0.2, obey_robots=False).get(server.url("/slow"))


def test_503_retry_after_is_waited_for_then_retried(server: LocalServer):
    answers = iter([Reply(503, headers={"Retry-After": "7"}), Reply(200, b"now")])
    server.routes["/busy"] = lambda _seen: next(answers)
    f, clock = clocked_fetcher(obey_robots=False)
    result = f.get(server.url("/busy"))
    assert result.content == b"now"
    assert len(server.times("/busy")) == 2
    assert clock.slept == [pytest.approx(7)]


def test_429_with_a_long_retry_after_gives_up_at_once(server: LocalServer):
    server.routes["/busy"] = Reply(429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    with pytest.raises(FetchError, match="come back in 3600 s") as info:
        fetcher(obey_robots=False).get(server.url("/busy"))
    assert time.monotonic() - started < 5
    assert info.value.status == 429
    assert server.paths() == ["/busy"]


def test_persistent_503_backs_off_then_fails(server: LocalServer):
    server.routes["/down"] = Reply(503)
    f, clock = clocked_fetcher(obey_robots=False)
    f.max_retries, f.backoff_base = 2, 0.2
    with pytest.raises(FetchError, match="answered 503") as info:
        f.get(server.url("/down"))
    assert info.value.status == 503
    assert len(server.times("/down")) == 3
    assert clock.slept == [pytest.approx(0.2), pytest.approx(0.4)]


def test_get_fetcher_is_shared_and_follows_settings():
    with override_settings(
        FETCHER_USER_AGENT="SharedBot/1",
        FETCHER_ALLOW_PRIVATE=False,
        FETCHER_MIN_INTERVAL=2.5,
        FETCHER_TIMEOUT=7.0,
        MAX_FILE_SIZE=12345,
    ):
        shared = get_fetcher()
        assert get_fetcher() is shared
        assert (shared.user_agent, shared.allow_private, shared.min_interval) == (
            "SharedBot/1",
            False,
            2.5,
        )
        assert (shared.timeout, shared.max_bytes) == (7.0, 12345)
    assert get_fetcher() is not shared  # rebuilt once the settings are back


def test_allowed_networks_setting_opens_only_those_addresses(server: LocalServer):
    server.routes["/"] = Reply(200, b"intranet")
    with override_settings(FETCHER_ALLOWED_NETWORKS="127.0.0.1/32"):
        f = Fetcher(allow_private=False, min_interval=0)
    assert f.get(server.url("/")).content == b"intranet"
    with pytest.raises(BlockedAddress):
        f.get(server.url("/", host="127.0.0.2"))


def test_a_slow_drip_body_is_cut_off_at_the_overall_deadline(server, settings):
    settings.FETCHER_MAX_DURATION = 0.5
    server.routes["/drip"] = Reply(body=b"x" * 100, drip=0.05)  # 5 s in all
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 0\.5 s"):
        fetcher(timeout=2).get(server.url("/drip"))
    assert time.monotonic() - started < 3


def test_proxy_settings_from_the_environment_cannot_bypass_the_guard(server, monkeypatch):
    # A proxy would resolve and connect on our behalf, past the vetted addresses.
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    server.routes["/page"] = Reply(200, b"direct")
    assert guarded_fetcher(obey_robots=False).get(server.url("/page")).content == b"direct"
    assert server.paths() == ["/page"]
