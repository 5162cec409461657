"""Shared pieces of scheduled jobs and cache-kept limits (DESIGN: jobs take a lock where two
runs could overlap; limits are kept in the cache only, never with an address)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def job_lock(key: str, *, timeout: int) -> Iterator[bool]:
    """Yields True when this run holds `key` (released on exit), False when another run
    holds it. `timeout` frees the lock if a worker dies mid-run."""
    acquired = cache.add(key, "1", timeout=timeout)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(key)


def window_hit(key: str, *, window: int) -> int:
    """Counts one more hit on `key` in a fixed window of `window` seconds; returns the count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1
