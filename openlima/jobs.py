"""Shared pieces of scheduled jobs and cache-kept limits (docs/architecture.md, "Jobs": jobs
take a lock where two runs could overlap; limits are kept in the cache only, never with an
address)."""

import functools
import logging
import pickle
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Deletes the key only while it still holds our token (atomic on the Redis server).
_RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _redis_client():
    """The redis-py client behind Django's RedisCache, or None for other backends."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def _release(key: str, token: str) -> bool:
    """Release `key` only if this run still owns it. A run that outlived its timeout finds
    a newer run's token there and leaves that lock alone."""
    client = _redis_client()
    if client is not None:
        full_key = cache.make_and_validate_key(key)
        # Django's RedisSerializer pickles every non-integer value.
        stored = pickle.dumps(token, pickle.HIGHEST_PROTOCOL)
        try:
            return bool(client.eval(_RELEASE_LUA, 1, full_key, stored))
        except Exception:  # Redis gone: the lock's timeout will free it
            logger.warning("job lock %s: could not release (cache unavailable)", key)
            return True
    # Local-memory cache (embedded default, one worker process): check, then delete.
    if cache.get(key) == token:
        cache.delete(key)
        return True
    return False


@contextmanager
def job_lock(key: str, *, timeout: int) -> Iterator[bool]:
    """Yields True when this run holds `key` (released on exit), False when another run
    holds it. `timeout` frees the lock if a worker dies mid-run; the lock carries a random
    token, so a run that overran its timeout never releases the next run's lock."""
    token = uuid.uuid4().hex
    acquired = cache.add(key, token, timeout=timeout)
    try:
        yield acquired
    finally:
        if acquired and not _release(key, token):
            logger.warning(
                "job lock %s expired before the run ended (timeout %ss)", key, timeout
            )


SKIPPED = {"skipped": "locked"}


def scheduled_job(name: str, *, lock_timeout: int, lock_key: str | None = None):
    """Decorator for a scheduled job's body: runs it under `job_lock` and records its
    heartbeat (`JobHeartbeat` named `name`, shown by /readyz and the admin).

        @shared_task(name="commitments.tasks.milestone_reminders")
        @scheduled_job("milestone_reminders", lock_timeout=600)
        def milestone_reminders():
            return services.milestone_reminders_send()

    A run that finds the lock taken returns `SKIPPED` without doing anything."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            from .services import heartbeat_record

            with job_lock(lock_key or f"lock:{name}", timeout=lock_timeout) as acquired:
                if not acquired:
                    return dict(SKIPPED)
                result = func(*args, **kwargs)
                heartbeat_record(name=name, result=str(result))
                return result

        return wrapper

    return decorator


def window_hit(key: str, *, window: int) -> int:
    """Counts one more hit on `key` in a fixed window of `window` seconds; returns the count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1
