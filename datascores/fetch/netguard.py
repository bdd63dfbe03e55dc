"""SSRF guard: which URLs and addresses the fetcher may reach, and connections pinned to them.

The fetcher resolves a host once, vets every address, then connects to those vetted
addresses itself (`connect_first`, used by the fetcher's transport), so a DNS answer
that changes between the check and the connect (DNS rebinding) cannot steer it to an
internal service.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = {"http": 80, "https": 443}
# NAT64 (RFC 6052) embeds an IPv4 address in the last 32 bits; judge that address.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Characters left as they are in a request target; everything else is percent-encoded.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class URLRefused(ValueError):
    """The URL itself is not one the fetcher will ever request (scheme, credentials, no host)."""


class AddressRefused(ValueError):
    """A host resolved to an address the fetcher must not reach."""


class ResolveFailed(OSError):
    """The host name could not be resolved."""


@dataclass(frozen=True)
class Target:
    """A vetted-syntax URL split into what a connection needs."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal without brackets
    port: int
    request_target: str  # path and query, percent-encoded

    @property
    def origin(self) -> str:
        """scheme://host[:port], the key robots.txt is scoped by."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == ALLOWED_SCHEMES[self.scheme]:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"


def parse_url(url: str) -> Target:
    """Split an http(s) URL, refusing other schemes, embedded credentials and missing hosts."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise URLRefused(f"it is not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"the {scheme}:// scheme" if scheme else "a URL without a scheme"
        raise URLRefused(f"only http:// and https:// URLs are fetched, not {shown}")
    if parts.username is not None or parts.password is not None:
        raise URLRefused("URLs with embedded credentials are not fetched")
    if not parts.hostname:
        raise URLRefused("the URL has no host")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise URLRefused(f"the host name is not valid ({exc})") from exc
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    return Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port or ALLOWED_SCHEMES[scheme],
        request_target=f"{path}?{query}" if query else path,
    )


def blocked_reason(address: str | IPAddress) -> str | None:
    """Why this address must not be reached (e.g. "loopback"), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None
        )
        if embedded is not None:
            reason = blocked_reason(embedded)
            return f"IPv4-mapped {reason}" if reason else None
        for embedded in (ip.sixtofour, *(ip.teredo or ())):
            if embedded is not None and (reason := blocked_reason(embedded)):
                return f"tunnelled {reason}"
        if ip.is_site_local:
            return "site-local"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),  # e.g. 100.64.0.0/10 carrier-grade NAT
    )
    return next((name for name, hit in checks if hit), None)


def resolve(host: str, port: int) -> list[str]:
    """All addresses the host name resolves to, in the resolver's order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolveFailed(f"could not resolve host {host!r} ({exc})") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    if not addresses:
        raise ResolveFailed(f"host {host!r} resolved to no addresses")
    return addresses


def vet_addresses(
    host: str,
    addresses: Iterable[str],
    *,
    allow_private: bool,
    allowed_networks: Sequence[IPNetwork] = (),
) -> list[str]:
    """Return the addresses, or raise AddressRefused if ANY of them is not public."""
    addresses = list(addresses)
    if allow_private:
        return addresses
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in allowed_networks):
            continue
        if reason := blocked_reason(ip):
            raise AddressRefused(f"host {host!r} resolves to {address}, a {reason} address")
    return addresses


def connect_first(addresses: Sequence[str], port: int, timeout: float | None) -> socket.socket:
    """Open a TCP connection to the first vetted address that answers."""
    last_error: OSError | None = None
    for address in addresses:
        try:
            sock = socket.create_connection((address, port), timeout=timeout)
        except OSError as exc:
            last_error = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    assert last_error is not None  # addresses is never empty
    raise last_error
