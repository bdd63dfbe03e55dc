"""robots.txt rules per origin, with the status-code policy of RFC 9309 and a TTL cache.

Policy (the conservative reading that Google also follows):
- 2xx: obey the file's rules (first 500 KiB; parsed by protego, the parser Scrapy uses,
  which applies the longest matching rule and understands `*` and `$` wildcards);
- 4xx (including 401/403/404): no usable robots.txt, so everything is allowed;
- 5xx, 429, unreachable, refused redirect: everything is disallowed for a short while,
  then robots.txt is asked for again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: do not use a cached copy for more than 24 hours
ROBOTS_ERROR_TTL = 10 * 60.0  # how long a server error keeps the whole site off limits


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt says, and until when that answer holds."""

    origin: str
    expires_at: float  # time.monotonic() value
    parser: Protego | None = None  # None: no rules apply (see allow_all)
    allow_all: bool = False
    reason: str = ""  # why everything is disallowed, when it is

    def can_fetch(self, user_agent: str, url: str) -> bool:
        """Whether the rules let `user_agent` fetch `url`."""
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float:
        """The Crawl-delay (seconds) that applies to `user_agent`, 0 when none."""
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay else 0.0

    def sitemaps(self) -> list[str]:
        """The `Sitemap:` lines of the file."""
        return list(self.parser.sitemaps) if self.parser is not None else []


def rules_from_response(
    origin: str, status: int | None, body: bytes, *, now: float, error: str = ""
) -> RobotsRules:
    """Turn the outcome of fetching /robots.txt into rules (status None: no answer at all)."""
    if status is not None and 200 <= status < 300:
        parser = Protego.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace"))
        return RobotsRules(origin, now + ROBOTS_TTL, parser=parser)
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(origin, now + ROBOTS_TTL, allow_all=True)
    reason = error or f"the server answered {status}"
    return RobotsRules(
        origin, now + ROBOTS_ERROR_TTL, allow_all=False, reason=f"robots.txt unavailable: {reason}"
    )


class RobotsCache:
    """Rules per origin; at most one thread fetches an origin's robots.txt at a time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rules: dict[str, RobotsRules] = {}
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}

    def get(self, origin: str, fetch: Callable[[], RobotsRules]) -> RobotsRules:
        """Cached rules for the origin, calling `fetch` when they are missing or expired."""
        rules = self._fresh(origin)
        if rules is not None:
            return rules
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:
            rules = self._fresh(origin)  # another thread may have fetched it meanwhile
            if rules is None:
                rules = fetch()
                with self._lock:
                    self._rules[origin] = rules
            return rules

    def peek(self, origin: str) -> RobotsRules | None:
        """Cached rules without fetching (None when missing or expired)."""
        return self._fresh(origin)

    def clear(self) -> None:
        """Forget every cached robots.txt."""
        with self._lock:
            self._rules.clear()

    def _fresh(self, origin: str) -> RobotsRules | None:
        with self._lock:
            rules = self._rules.get(origin)
        if rules is not None and rules.expires_at > self._clock():
            return rules
        return None
