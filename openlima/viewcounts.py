"""Page view counters that cost no database write on the request path (docs/performance.md,
"View counters").

A page that counts its views (the dataset page) calls `count(app, object_id)` when it is
rendered and `mark(response, app, object_id)` on its response. The anonymous page cache
(openlima.pagecache) keeps the mark with the stored page and calls `count` again on every
hit, so a page served from the cache is counted too.

With Redis as the cache, `count` is one HINCRBY on a hash per app and day; the
`view_counts_flush` job (every 5 minutes) moves the hashes into the apps' daily counters
through their ``view_counts:<app>`` providers (openlima.registry). Without Redis, or when
Redis does not answer, `count` adds the view to the database at once through the same
provider. Counter tables are not content: their writes do not bump the page cache's
generations (`page_cache_unwatched` on the model), so a view never empties the cached
pages. A page showing the totals may show them up to the flush interval plus
`PAGE_CACHE_SECONDS` late.
"""

import datetime
import logging
import uuid

from django.core.cache import cache
from django.utils import timezone

from . import registry

logger = logging.getLogger(__name__)

KEY = "viewcount:{}:{}"  # app, ISO day; fields: object id -> views
FLUSHING = "viewcountflush:{}"
KEEP_SECONDS = 8 * 24 * 3600  # a hash not flushed for a week is dropped


def _redis():
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # Django's RedisCache (and ours, resilient)
        return backend.get_client(write=True)
    return None


def _errors() -> tuple[type[BaseException], ...]:
    try:
        import redis
    except ImportError:  # pragma: no cover (redis is a dependency)
        return (OSError,)
    return (redis.exceptions.RedisError, OSError)


def _save(app: str, day, counts: dict[int, int]) -> None:
    saver = registry.provider(f"view_counts:{app}")
    if saver is None:
        logger.warning("view counts for %s dropped: no provider", app)
        return
    saver(day=day, counts=counts)


def count(app: str, object_id: int) -> None:
    """One view of `object_id` today, in app `app` (``view_counts:<app>`` saves it)."""
    day = timezone.localdate()
    client = _redis()
    if client is not None:
        key = cache.make_and_validate_key(KEY.format(app, day.isoformat()))
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(key, str(object_id), 1)
            pipe.expire(key, KEEP_SECONDS)
            pipe.execute()
            return
        except _errors():
            logger.warning("view counter: cache unavailable, written to the database")
    _save(app, day, {int(object_id): 1})


def mark(response, app: str, object_id: int):
    """Tell the page cache to count a view of `object_id` on every hit of this page."""
    response.view_count = (app, int(object_id))
    return response


def flush() -> int:
    """Move every counted day of every app from Redis into the database; returns the
    views moved. A hash is renamed before it is read, so views counted meanwhile go to a
    new hash and are never lost or counted twice; if saving fails they are put back."""
    client = _redis()
    if client is None:
        return 0
    moved = 0
    for app in registry.providers("view_counts:"):
        pattern = cache.make_and_validate_key(KEY.format(app, "*"))
        for raw in client.scan_iter(match=pattern, count=500):
            key = raw.decode() if isinstance(raw, bytes) else raw
            day_text = key.rsplit(":", 1)[-1]
            taken = cache.make_and_validate_key(FLUSHING.format(uuid.uuid4().hex))
            try:
                client.rename(key, taken)
            except _errors():  # gone meanwhile (another flush took it)
                continue
            counts = {
                int(k): int(v) for k, v in client.hgetall(taken).items() if int(v) > 0
            }
            try:
                if counts:
                    _save(app, datetime.date.fromisoformat(day_text), counts)
            except Exception:
                pipe = client.pipeline(transaction=False)
                for object_id, n in counts.items():
                    pipe.hincrby(key, str(object_id), n)
                pipe.expire(key, KEEP_SECONDS)
                pipe.delete(taken)
                pipe.execute()
                raise
            client.delete(taken)
            moved += sum(counts.values())
    return moved
