"""The Redis cache's client (decision 0062): one `redis.Redis` per server, kept, not one built
for every operation, and still a working, shared and resilient cache.

Run against the Redis of REDIS_URL (CI's second run) or of this machine; skipped with the
reason when none answers."""

import os
import uuid

import pytest
import redis

from dateline.site.resilient_cache import ResilientRedisCache

LOCATION = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(LOCATION, socket_connect_timeout=0.5).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at {LOCATION}: {error}")
    made = ResilientRedisCache(LOCATION, {"KEY_PREFIX": f"test-client-{uuid.uuid4().hex}"})
    yield made
    made.clear()


def test_every_operation_of_a_server_goes_through_one_client(cache):
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("a", {"story": 1})
    cache.get("a")
    cache.get_many(["a", "b"])
    assert cache._cache.get_client("a") is client
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    redis.Redis.__init__ = counting
    try:
        cache.set("b", 2)
        assert cache.get("b") == 2
        cache.delete("b")
    finally:
        redis.Redis.__init__ = original
    assert built == []


def test_the_kept_client_reads_what_another_process_wrote(cache):
    """Two caches on one server (two web processes): each sees the other's writes and
    deletions at once; the kept client holds no values of its own."""
    other = ResilientRedisCache(LOCATION, {"KEY_PREFIX": cache.key_prefix})
    cache.set("version", "one")
    assert other.get("version") == "one"
    other.set("version", "two")
    assert cache.get("version") == "two"
    other.delete("version")
    assert cache.get("version") is None
    assert cache.get_many(["version"]) == {}


def test_a_kept_client_survives_its_connections_being_dropped(cache):
    """Redis restarting drops every connection: the next operation connects again through the
    same client, and nothing fails."""
    cache.set("kept", 1)
    client = cache._cache.get_client()
    pooled = client.client_id()  # the connection the pool lends, back in it after the command
    assert redis.Redis.from_url(LOCATION).client_kill_filter(_id=pooled) == 1
    assert cache.get("kept") == 1
    assert client.client_id() != pooled
    assert cache._cache.get_client() is client
