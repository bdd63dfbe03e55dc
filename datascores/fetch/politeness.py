"""Politeness per host: how far apart requests start, and how many run at once.

`RateLimiter` keeps that state in this process (threads share it). `RedisRateLimiter`
keeps it in Redis, so every worker process on every machine that shares the broker
shares one interval and one concurrency limit per host. Both take an injectable clock
and sleep, so tests never wait on the wall clock.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator


class RateLimiter:
    """Spaces request starts per host; threads reserve slots, then sleep outside the lock."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        concurrency: int = 2,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_start: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self.concurrency = max(1, concurrency)
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def wait(self, host: str, interval: float) -> float:
        """Block until a request to `host` may start; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            start = now
            if host in self._last_start:
                start = max(start, self._last_start[host] + interval)
            start = max(start, self._not_before.get(host, now))
            self._last_start[host] = start
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    def defer(self, host: str, seconds: float) -> None:
        """Make no request to `host` start within the next `seconds` (server asked us to wait)."""
        with self._lock:
            until = self._clock() + seconds
            self._not_before[host] = max(self._not_before.get(host, until), until)

    @contextlib.contextmanager
    def slot(self, host: str, hold_for: float = 0.0) -> Iterator[None]:
        """Hold one of the host's concurrent-request slots for the duration of the block."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with semaphore:
            yield


# Atomically reserve the next start time for a host: returns the seconds to wait.
# KEYS[1] last start, KEYS[2] not-before; ARGV[1] interval (s); times from Redis's clock.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start = now
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last then start = math.max(start, last + tonumber(ARGV[1])) end
local nb = tonumber(redis.call('GET', KEYS[2]) or '')
if nb then start = math.max(start, nb) end
redis.call('SET', KEYS[1], string.format('%.6f', start), 'EX', 3600)
return string.format('%.6f', start - now)
"""
_DEFER = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local nb = tonumber(redis.call('GET', KEYS[1]) or '')
if not nb or nb < until_ then
  redis.call('SET', KEYS[1], string.format('%.6f', until_), 'EX', math.ceil(tonumber(ARGV[1])) + 60)
end
return 1
"""
# A counting semaphore: members are holders scored by when their hold lapses (a holder
# that died frees its slot when that time passes).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 60)
  return 1
end
return 0
"""


class RedisRateLimiter:
    """The same politeness as RateLimiter, shared by every process through Redis."""

    def __init__(
        self,
        client,
        *,
        prefix: str = "datascores:fetch",
        sleep: Callable[[float], None] = time.sleep,
        concurrency: int = 2,
        poll: float = 0.05,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self._sleep = sleep
        self.concurrency = max(1, concurrency)
        self.poll = poll
        self._reserve = client.register_script(_RESERVE)
        self._defer = client.register_script(_DEFER)
        self._acquire = client.register_script(_ACQUIRE)

    def _key(self, kind: str, host: str) -> str:
        return f"{self.prefix}:{kind}:{host}"

    def wait(self, host: str, interval: float) -> float:
        keys = [self._key("last", host), self._key("notbefore", host)]
        delay = float(self._reserve(keys=keys, args=[interval]))
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    def defer(self, host: str, seconds: float) -> None:
        self._defer(keys=[self._key("notbefore", host)], args=[seconds])

    @contextlib.contextmanager
    def slot(self, host: str, hold_for: float = 300.0) -> Iterator[None]:
        key = self._key("slots", host)
        token = uuid.uuid4().hex
        while not int(self._acquire(keys=[key], args=[self.concurrency, hold_for, token])):
            self._sleep(self.poll)
        try:
            yield
        finally:
            self.client.zrem(key, token)


def limiter_from_settings(broker_url: str, *, concurrency: int) -> RateLimiter | RedisRateLimiter:
    """Redis-shared politeness when Redis is the broker, this process's own otherwise."""
    if broker_url.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis

            client = redis.Redis.from_url(broker_url, socket_timeout=5)
            client.ping()
            return RedisRateLimiter(client, concurrency=concurrency)
        except Exception:  # Redis down: stay polite within this process rather than fail
            logging.getLogger(__name__).warning(
                "Redis unreachable: fetch politeness is kept per process", exc_info=True
            )
    return RateLimiter(concurrency=concurrency)
