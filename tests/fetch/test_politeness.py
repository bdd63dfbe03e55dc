"""Politeness shared through Redis: two limiters (two worker processes) share one host's pace."""

from __future__ import annotations

import uuid

import pytest

from datascores.fetch.politeness import RateLimiter, RedisRateLimiter, limiter_from_settings

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    yield client
    client.close()


def test_two_processes_share_one_hosts_interval(redis_client):
    prefix = f"test:{uuid.uuid4().hex}"
    slept: list[float] = []
    one = RedisRateLimiter(redis_client, prefix=prefix, sleep=slept.append)
    two = RedisRateLimiter(redis_client, prefix=prefix, sleep=slept.append)
    assert one.wait("council.example", 10.0) == 0
    # The second "process" must wait nearly the whole interval the first one reserved.
    assert two.wait("council.example", 10.0) == pytest.approx(10.0, abs=0.5)
    assert one.wait("other.example", 10.0) == 0
    two.defer("other.example", 30.0)
    assert one.wait("other.example", 1.0) == pytest.approx(30.0, abs=0.5)


def test_concurrency_slots_are_shared(redis_client):
    prefix = f"test:{uuid.uuid4().hex}"
    polls: list[float] = []
    one = RedisRateLimiter(redis_client, prefix=prefix, concurrency=1, sleep=polls.append)
    two = RedisRateLimiter(redis_client, prefix=prefix, concurrency=1, sleep=polls.append)
    with one.slot("council.example"):
        key = f"{prefix}:slots:council.example"
        assert redis_client.zcard(key) == 1
        # The other process cannot take a slot while it is held.
        assert not int(two._acquire(keys=[key], args=[1, 60, "probe"]))
    assert redis_client.zcard(key) == 0
    with two.slot("council.example"):
        pass
    assert polls == []


def test_a_redis_broker_means_shared_politeness(redis_client):
    assert isinstance(limiter_from_settings(REDIS_URL, concurrency=2), RedisRateLimiter)
    assert isinstance(limiter_from_settings("filesystem://", concurrency=2), RateLimiter)
