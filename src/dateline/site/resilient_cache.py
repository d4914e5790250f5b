"""Django's Redis cache, as an accelerator rather than a dependency (decision 0032).

When Redis cannot be reached, every operation answers as a cache that holds nothing (a read
misses, a write is dropped, `add` and `incr` fail) instead of raising, so pages are rendered
without the cache and 0 requests fail. The first failure is logged; then Redis is left alone
for `RETRY_SECONDS` (a request must not wait on a dead server's connect, page after page),
and tried again after that, so service returns by itself when Redis does.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0


class OneClientPerServer(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per server instead of building one for every
    operation: building one fills a table of about 170 response callbacks, 0.2 ms of CPU, more
    than the whole round trip to Redis (decision 0062). The client is only a view of the
    server's connection pool, which lends each command a connection, so sharing it is safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # per process (and per cache alias: set on the instance when down)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerServer

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        if self._available():
            logger.warning(
                "cache %s failed (%s); serving without the cache for %s s",
                operation,
                error,
                RETRY_SECONDS,
            )
        self._down_until = time.monotonic() + RETRY_SECONDS

    def _guarded(self, operation: str, missing, call, *args, **kwargs):
        if not self._available():
            return missing
        try:
            return call(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._failed(operation, error)
            return missing

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._guarded("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            raise ValueError("the cache is unavailable")  # what callers expect of a lost key
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            self._failed("incr", error)
            raise ValueError("the cache is unavailable") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded("clear", False, super().clear)
