"""A Redis cache that degrades instead of failing (docs/architecture.md, "Faults").

The cache only ever holds copies (indicators, facet counts), counters of rate limits and
job locks. When Redis is unreachable every page and API must still answer, doing the work
uncached: reads miss, writes are dropped, `add` says "not added" (so a job lock is not
taken and the job waits for its next run), and `incr` behaves as if the key had expired
(a rate-limit window starts again). Each failure is logged, without the error text's
connection details.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

_last_warning = 0.0


def _unavailable(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 10:  # one line per 10 s, not one per request
        _last_warning = now
        logger.warning(
            "cache unavailable (%s: %s): working uncached",
            operation,
            type(exc).__name__,
        )


def _errors():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every cache call, and its constructor fills
    ~170 response callbacks: about a tenth of a millisecond of CPU each time, several
    times a request (page cache, session, generation bump; docs/performance.md). One
    client per connection pool is enough: a client is thread-safe and takes its
    connections from the pool, which survives a fork (it checks the process id)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        options = {"socket_connect_timeout": 1, "socket_timeout": 2}
        options.update(params.get("OPTIONS") or {})
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _errors() as exc:
            _unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _errors() as exc:
            _unavailable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _errors() as exc:
            _unavailable("has_key", exc)
            return False

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except _errors() as exc:
            _unavailable("set", exc)
            return None

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _errors() as exc:
            _unavailable("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _errors() as exc:
            _unavailable("add", exc)
            return False

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except _errors() as exc:
            _unavailable("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _errors() as exc:
            _unavailable("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except _errors() as exc:
            _unavailable("delete_many", exc)
            return None

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except _errors() as exc:
            _unavailable("incr", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from None

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout=timeout, version=version)
        return value

    def clear(self):
        try:
            return super().clear()
        except _errors() as exc:
            _unavailable("clear", exc)
            return False
