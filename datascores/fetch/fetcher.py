"""The one outbound HTTP fetcher: every request the project makes to the web goes through it.

It identifies itself (User-Agent), obeys robots.txt, waits between requests to one host,
sends conditional GETs, caps body size (also after gzip/deflate decoding), retries 429/503
as the server asks, and refuses URLs that lead to private, loopback or otherwise internal
addresses unless allowed (see `datascores.fetch.netguard`). HTTP goes through `requests`
with a transport that connects only to the addresses the guard vetted for that hop;
redirects are followed here, one hop at a time, each hop vetted again. Politeness per
host (interval, Crawl-delay, concurrency) lives in `datascores.fetch.politeness`: shared
through Redis when Redis is the broker.
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import requests
import requests.adapters
import requests.structures
import urllib3
import urllib3.connection
import urllib3.exceptions
from django.conf import settings
from django.core.signals import setting_changed

from datascores.fetch import netguard
from datascores.fetch.politeness import RateLimiter, RedisRateLimiter, limiter_from_settings
from datascores.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules, rules_from_response

MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 60.0  # a robots.txt may not park a worker for longer than this per request
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 503}
CHUNK_SIZE = 64 * 1024


@dataclass
class FetchResult:
    """What one GET returned (after following redirects)."""

    url: str  # final URL after redirects
    status: int
    content: bytes  # b"" when not_modified
    content_type: str  # the Content-Type header as sent, parameters (charset) included
    etag: str
    last_modified: str
    not_modified: bool
    fetched_at: datetime  # aware UTC


class FetchError(Exception):
    """A fetch failed; the message says why in words a person can act on."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status  # the HTTP status when the server answered with an error


class BlockedAddress(FetchError):
    """The URL is refused: internal address, a scheme other than http(s), or credentials."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL (or could not be read because of a server error)."""


class TooLarge(FetchError):
    """The body is larger than max_bytes (before or after content decoding)."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Overflow(Exception):
    """Decoded output would pass the limit."""


class _Inflater:
    """Incremental gzip/deflate decoder that never produces more than it is allowed to."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._decoder: zlib._Decompress | None = None
        self._pending = b""

    def _new_decoder(self, head: bytes) -> zlib._Decompress:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate.
        wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decode `data`; raise _Overflow if that yields more than `limit` bytes."""
        data = self._pending + data
        self._pending = b""
        out = bytearray()
        while data:
            if self._decoder is None:
                if not self._gzip and len(data) < 2:
                    self._pending = data  # need two bytes to tell zlib from raw deflate
                    break
                self._decoder = self._new_decoder(data[:2])
            # Asking for one byte more than allowed is how a decompression bomb is caught
            # after producing at most limit+1 bytes.
            out += self._decoder.decompress(data, limit - len(out) + 1)
            if len(out) > limit:
                raise _Overflow
            data = b""
            if self._decoder.eof and self._decoder.unused_data:
                rest = self._decoder.unused_data
                if self._gzip and rest.startswith(b"\x1f\x8b"):
                    self._decoder = None  # another gzip member follows
                    data = rest
        return bytes(out)

    def finish(self) -> None:
        """Complain if the compressed stream stopped half way."""
        if self._pending or (self._decoder is not None and not self._decoder.eof):
            raise zlib.error("compressed body ended before its end marker")


def read_body(
    read: Callable[[int], bytes],
    *,
    url: str,
    max_bytes: int,
    content_encoding: str = "",
    content_length: str | None = None,
    truncate: bool = False,
) -> bytes:
    """Read a body in chunks, decoding gzip/deflate, never holding more than max_bytes.

    Past the limit it raises TooLarge, or with truncate=True returns the first max_bytes.
    """
    encoding = (content_encoding or "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(
            f"Could not fetch {url}: the server used the {encoding!r} content encoding, "
            "which the fetcher does not decode.",
            url=url,
        )
    limit_text = f"the limit of {max_bytes:,} bytes"
    declared = int(content_length) if content_length and content_length.isdigit() else None
    if declared is not None and declared > max_bytes and not truncate:
        raise TooLarge(
            f"Not fetching {url}: it is {declared:,} bytes (Content-Length), over {limit_text}.",
            url=url,
        )
    inflater = _Inflater(encoding) if encoding not in ("", "identity") else None
    out = bytearray()
    received = 0
    try:
        while True:
            chunk = read(CHUNK_SIZE)
            if not chunk:
                break
            received += len(chunk)
            if inflater is not None:
                try:
                    chunk = inflater.feed(chunk, max_bytes - len(out))
                except _Overflow:
                    if truncate:
                        return bytes(out)
                    raise TooLarge(
                        f"Stopped fetching {url}: its {encoding}-decoded body exceeds "
                        f"{limit_text} (a compressed body can expand enormously).",
                        url=url,
                    ) from None
            elif received > max_bytes:
                if truncate:
                    return bytes(out) + chunk[: max_bytes - len(out)]
                raise TooLarge(f"Stopped fetching {url}: its body exceeds {limit_text}.", url=url)
            out += chunk
        if inflater is not None:
            inflater.finish()
    except zlib.error as exc:
        raise FetchError(
            f"Could not fetch {url}: its {encoding}-compressed body is corrupt ({exc}).", url=url
        ) from exc
    return bytes(out)


def _http_date_ok(value: str) -> bool:
    return email.utils.parsedate_tz(value) is not None


class _PinnedHTTPConnection(urllib3.connection.HTTPConnection):
    """urllib3 connection that connects only to the addresses the guard vetted."""

    vetted: tuple[str, ...] = ()

    def _new_conn(self) -> socket.socket:
        try:
            return netguard.connect_first(self.vetted, self.port, self.timeout)
        except TimeoutError as exc:
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"Connection to {self.host} timed out"
            ) from exc
        except OSError as exc:
            raise urllib3.exceptions.NewConnectionError(
                self, f"Failed to establish a new connection: {exc}"
            ) from exc


class _PinnedHTTPSConnection(urllib3.connection.HTTPSConnection):
    """TLS over a pinned socket; SNI and the certificate check use the URL's host name."""

    vetted: tuple[str, ...] = ()
    _new_conn = _PinnedHTTPConnection._new_conn


class _PinnedAdapter(requests.adapters.HTTPAdapter):
    """A transport that opens a fresh pool per request, pinned to that request's addresses.

    The addresses travel on the prepared request (`request.vetted`), so requests never
    resolves a name itself and a DNS answer that changes after vetting is never used.
    """

    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__(max_retries=0)
        self._fetcher = fetcher

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        vetted = tuple(request.vetted)
        target: netguard.Target = request.target
        if target.scheme == "https":
            conn_cls = type("Pinned", (_PinnedHTTPSConnection,), {"vetted": vetted})
            pool = urllib3.HTTPSConnectionPool(
                target.host,
                target.port,
                maxsize=1,
                ssl_context=self._fetcher.ssl_context,
                cert_reqs="CERT_REQUIRED",
                retries=False,
            )
        else:
            conn_cls = type("Pinned", (_PinnedHTTPConnection,), {"vetted": vetted})
            pool = urllib3.HTTPConnectionPool(target.host, target.port, maxsize=1, retries=False)
        pool.ConnectionCls = conn_cls
        return pool

    def cert_verify(self, conn, url, verify, cert) -> None:
        pass  # the pool carries the fetcher's own SSL context


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause of a requests/urllib3 error (the socket or TLS error)."""
    seen: set[int] = set()
    stack = [exc]
    found = exc
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError | ConnectionRefusedError):
            return current
        if isinstance(current, TimeoutError | ssl.SSLError) and not isinstance(found, ssl.SSLError):
            found = current
        for nxt in (
            getattr(current, "reason", None),
            current.__cause__,
            current.__context__,
            *[a for a in getattr(current, "args", ()) if isinstance(a, BaseException)],
        ):
            if isinstance(nxt, BaseException):
                stack.append(nxt)
    return found


class Fetcher:
    """Polite, guarded HTTP GET over `requests`. Thread-safe; one per process (get_fetcher)."""

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        allow_private: bool | None = None,
        min_interval: float | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        obey_robots: bool = True,
        limiter: RateLimiter | RedisRateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_agent: str = user_agent or str(settings.FETCHER_USER_AGENT)
        self.allow_private: bool = bool(
            settings.FETCHER_ALLOW_PRIVATE if allow_private is None else allow_private
        )
        self.min_interval: float = float(
            settings.FETCHER_MIN_INTERVAL if min_interval is None else min_interval
        )
        self.timeout: float = float(settings.FETCHER_TIMEOUT if timeout is None else timeout)
        self.max_bytes: int = int(settings.MAX_FILE_SIZE if max_bytes is None else max_bytes)
        self.obey_robots = obey_robots
        # A server that drips a byte at a time never trips the per-read timeout; this
        # bounds the whole download.
        self.max_duration: float = float(settings.FETCHER_MAX_DURATION)
        # Addresses reachable even when allow_private is False (an intranet source, a test server).
        networks = settings.FETCHER_ALLOWED_NETWORKS
        if isinstance(networks, str):
            networks = [n for n in networks.split(",") if n.strip()]
        self.allowed_networks: Sequence[netguard.IPNetwork] = tuple(
            ipaddress.ip_network(n.strip() if isinstance(n, str) else n) for n in networks
        )
        self.ssl_context: ssl.SSLContext = ssl.create_default_context()
        self.max_retries = 3  # extra attempts after a 429/503
        self.backoff_base = 1.0  # seconds; doubled per retry when there is no Retry-After
        self.max_retry_after = 60.0  # a longer Retry-After is reported instead of waited for
        self.clock = clock
        self.robots = RobotsCache(clock=clock)
        self.limiter = limiter or RateLimiter(
            clock=clock, concurrency=int(settings.FETCHER_HOST_CONCURRENCY)
        )
        self._local = threading.local()

    # --- public -------------------------------------------------------------------------

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET the URL, following up to 5 redirects (each hop vetted); 304: not_modified."""
        headers = self._headers()
        if etag:
            headers["If-None-Match"] = etag
        if last_modified and _http_date_ok(last_modified):
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            target, addresses = self._vet(current)
            if self.obey_robots:
                self._check_robots(target, addresses)
            with self.limiter.slot(target.host, self.timeout + self.max_duration):
                response = self._send_with_retries(target, addresses, headers)
                try:
                    status = response.status_code
                    if status in REDIRECT_STATUSES:
                        current = self._redirect_location(target, response)
                        continue
                    if status == 304:
                        return self._result(current, response, b"", etag, last_modified)
                    if not 200 <= status < 300:
                        raise FetchError(
                            f"Could not fetch {current}: the server answered {status} "
                            f"{response.reason or ''}.".replace(" .", "."),
                            url=current,
                            status=status,
                        )
                    content = self._read(target, response, self.max_bytes)
                    return self._result(current, response, content, "", "")
                finally:
                    response.close()
        raise FetchError(
            f"Could not fetch {url}: it redirected more than {MAX_REDIRECTS} times "
            "(a redirect loop?).",
            url=url,
        )

    def robots_rules(self, url: str) -> RobotsRules | None:
        """The robots.txt rules for the URL's origin (fetched when not cached yet)."""
        target, addresses = self._vet(url)
        return self.robots.get(target.origin, lambda: self._fetch_robots(target, addresses))

    # --- steps --------------------------------------------------------------------------

    def _result(
        self, url: str, response: requests.Response, content: bytes, etag: str, modified: str
    ) -> FetchResult:
        return FetchResult(
            url=url,
            status=response.status_code,
            content=content,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag") or etag,
            last_modified=response.headers.get("Last-Modified") or modified,
            not_modified=response.status_code == 304,
            fetched_at=datetime.now(UTC),
        )

    def _headers(self) -> dict[str, str]:
        return {
            "User-Agent": self.user_agent,
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # a proxy from the environment would bypass the pinning
            session.headers.clear()
            adapter = _PinnedAdapter(self)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session

    def _vet(self, url: str) -> tuple[netguard.Target, list[str]]:
        """Parse, resolve once and vet the addresses that the request will then be pinned to."""
        try:
            target = netguard.parse_url(url)
        except netguard.URLRefused as exc:
            raise BlockedAddress(f"Not fetching {url!r}: {exc}.", url=url) from exc
        try:
            addresses = netguard.resolve(target.host, target.port)
        except netguard.ResolveFailed as exc:
            raise FetchError(f"Could not fetch {url}: {exc}.", url=url) from exc
        try:
            addresses = netguard.vet_addresses(
                target.host,
                addresses,
                allow_private=self.allow_private,
                allowed_networks=self.allowed_networks,
            )
        except netguard.AddressRefused as exc:
            raise BlockedAddress(
                f"Not fetching {url}: {exc}, and internal addresses are not fetched "
                "(FETCHER_ALLOW_PRIVATE is off).",
                url=url,
            ) from exc
        return target, addresses

    def _redirect_location(self, target: netguard.Target, response: requests.Response) -> str:
        location = (response.headers.get("Location") or "").strip()
        if not location:
            raise FetchError(
                f"Could not fetch {target.url}: the server redirected ({response.status_code}) "
                "without saying where to.",
                url=target.url,
                status=response.status_code,
            )
        return urljoin(target.url, location)

    def _check_robots(self, target: netguard.Target, addresses: list[str]) -> None:
        rules = self.robots.get(target.origin, lambda: self._fetch_robots(target, addresses))
        if rules.can_fetch(self.user_agent, target.url):
            return
        if rules.reason:
            message = (
                f"Not fetching {target.url}: {rules.reason}, so the whole site is treated as "
                "off limits for now; robots.txt will be asked for again in a few minutes."
            )
        else:
            message = (
                f"Not fetching {target.url}: {target.origin}/robots.txt disallows it "
                f"for {self.user_agent!r}."
            )
        raise RobotsDisallowed(message, url=target.url)

    def _fetch_robots(self, target: netguard.Target, addresses: list[str]) -> RobotsRules:
        """Fetch and interpret /robots.txt for the target's origin (never raises FetchError)."""
        url = f"{target.origin}/robots.txt"
        robots_target = netguard.parse_url(url)
        try:
            for hop in range(MAX_REDIRECTS + 1):
                if hop:
                    robots_target, addresses = self._vet(url)
                response = self._send(robots_target, addresses, self._headers())
                try:
                    if response.status_code in REDIRECT_STATUSES:
                        url = self._redirect_location(robots_target, response)
                        continue
                    body = b""
                    if 200 <= response.status_code < 300:
                        body = self._read(robots_target, response, ROBOTS_MAX_BYTES, truncate=True)
                    return rules_from_response(
                        target.origin, response.status_code, body, now=self.clock()
                    )
                finally:
                    response.close()
            error = f"more than {MAX_REDIRECTS} redirects"
        except FetchError as exc:
            error = str(exc).rstrip(".")
        return rules_from_response(target.origin, None, b"", now=self.clock(), error=error)

    def _interval(self, target: netguard.Target) -> float:
        rules = self.robots.peek(target.origin) if self.obey_robots else None
        crawl_delay = min(rules.crawl_delay(self.user_agent), MAX_CRAWL_DELAY) if rules else 0.0
        return max(self.min_interval, crawl_delay)

    def _send_with_retries(
        self, target: netguard.Target, addresses: list[str], headers: Mapping[str, str]
    ) -> requests.Response:
        """Send; retry 429/503 a bounded number of times, after Retry-After or a backoff."""
        for attempt in range(self.max_retries + 1):
            response = self._send(target, addresses, headers)
            if response.status_code not in RETRY_STATUSES or attempt == self.max_retries:
                return response
            asked = parse_retry_after(response.headers.get("Retry-After"))
            response.close()
            if asked is not None and asked > self.max_retry_after:
                raise FetchError(
                    f"Could not fetch {target.url}: the server answered {response.status_code} "
                    f"and asked us to come back in {asked:.0f} s, longer than the "
                    f"{self.max_retry_after:.0f} s the fetcher waits.",
                    url=target.url,
                    status=response.status_code,
                )
            delay = asked if asked is not None else self.backoff_base * 2**attempt
            self.limiter.defer(target.host, delay)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _send(
        self, target: netguard.Target, addresses: list[str], headers: Mapping[str, str]
    ) -> requests.Response:
        """One request on a fresh connection pinned to the vetted addresses."""
        self.limiter.wait(target.host, self._interval(target))
        request = requests.Request("GET", target.scheme + "://" + _netloc(target)).prepare()
        request.url = f"{target.scheme}://{_netloc(target)}{target.request_target}"
        request.headers = requests.structures.CaseInsensitiveDict(headers)
        request.vetted = addresses  # read by _PinnedAdapter
        request.target = target
        where = f"{target.host}:{target.port}"
        try:
            return self._session().send(
                request, stream=True, allow_redirects=False, timeout=self.timeout, verify=True
            )
        except requests.RequestException as exc:
            root = _root_cause(exc)
            if isinstance(exc, requests.Timeout) or isinstance(root, TimeoutError):
                reason = f"no answer from {where} within {self.timeout:g} s"
            elif isinstance(root, ConnectionRefusedError):
                reason = f"{where} refused the connection"
            elif isinstance(root, ssl.SSLCertVerificationError):
                reason = (
                    f"the TLS certificate of {target.host} could not be verified "
                    f"({root.verify_message})"
                )
            elif isinstance(root, ssl.SSLError) or isinstance(exc, requests.exceptions.SSLError):
                reason = f"the TLS handshake with {where} failed ({root})"
            elif isinstance(root, http.client.HTTPException):
                reason = f"{where} sent a malformed response ({root!r})"
            else:
                reason = f"could not connect to {where} ({root})"
            raise FetchError(f"Could not fetch {target.url}: {reason}.", url=target.url) from exc

    def _read(
        self,
        target: netguard.Target,
        response: requests.Response,
        max_bytes: int,
        *,
        truncate: bool = False,
    ) -> bytes:
        deadline = self.clock() + self.max_duration
        raw = response.raw

        def read(size: int) -> bytes:
            if self.clock() > deadline:
                raise FetchError(
                    f"Could not fetch {target.url}: the download took longer than "
                    f"{self.max_duration:g} s.",
                    url=target.url,
                )
            # read1 returns what has arrived, so the deadline is checked between drips;
            # the fetcher decodes gzip/deflate itself, under the size cap.
            return raw.read1(size, decode_content=False)

        try:
            return read_body(
                read,
                url=target.url,
                max_bytes=max_bytes,
                content_encoding=response.headers.get("Content-Encoding", ""),
                content_length=response.headers.get("Content-Length"),
                truncate=truncate,
            )
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
            raise FetchError(
                f"Could not fetch {target.url}: the body stopped arriving for {self.timeout:g} s.",
                url=target.url,
            ) from exc
        except urllib3.exceptions.ProtocolError as exc:
            raise FetchError(
                f"Could not fetch {target.url}: the connection closed before the whole body "
                f"arrived ({_root_cause(exc)!r}).",
                url=target.url,
            ) from exc
        except (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError) as exc:
            raise FetchError(
                f"Could not fetch {target.url}: reading the body failed ({exc!r}).", url=target.url
            ) from exc


def _netloc(target: netguard.Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"{host}:{target.port}"


_fetcher: Fetcher | None = None
_fetcher_lock = threading.Lock()
_SETTINGS_READ = {
    "FETCHER_USER_AGENT",
    "FETCHER_ALLOW_PRIVATE",
    "FETCHER_MIN_INTERVAL",
    "FETCHER_TIMEOUT",
    "FETCHER_MAX_DURATION",
    "FETCHER_ALLOWED_NETWORKS",
    "FETCHER_HOST_CONCURRENCY",
    "MAX_FILE_SIZE",
}


def get_fetcher() -> Fetcher:
    """The process-wide fetcher built from settings (shared robots cache and rate limits)."""
    global _fetcher
    with _fetcher_lock:
        if _fetcher is None:
            _fetcher = Fetcher(
                limiter=limiter_from_settings(
                    str(settings.CELERY_BROKER_URL),
                    concurrency=int(settings.FETCHER_HOST_CONCURRENCY),
                )
            )
        return _fetcher


def _forget_fetcher(*, setting: str, **_kwargs: object) -> None:
    """Rebuild the shared fetcher after a test overrides one of its settings."""
    global _fetcher
    if setting in _SETTINGS_READ:
        with _fetcher_lock:
            _fetcher = None


setting_changed.connect(_forget_fetcher)
