"""Core jobs: the `publish_scheduled` sweep (apps plug in through openlima.registry) and the
outbox flush. Both idempotent, both under a token-checked lock (openlima.jobs)."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from . import registry, selectors, services
from .jobs import scheduled_job

logger = logging.getLogger(__name__)


@shared_task(name="openlima.tasks.publish_scheduled")
@scheduled_job("publish_scheduled", lock_timeout=120)
def publish_scheduled() -> dict:
    """Make public everything whose `publish_at` has passed, in every app."""
    now = timezone.now()
    results = {}
    for hook in registry.publishers():
        try:
            results[hook.name] = hook.func(now=now)
        except Exception:  # one app's failure must not stop the others
            logger.exception("publish_scheduled: %s failed", hook.name)
            results[hook.name] = "error"
    return results


@shared_task(name="openlima.tasks.outbox_flush")
@scheduled_job("outbox_flush", lock_timeout=120)
def outbox_flush() -> int:
    """Send what the broker could not take at the time; forget rows sent long ago."""
    sent = services.outbox_flush()
    services.outbox_purge()
    return sent


@shared_task(name="openlima.tasks.storage_purge_deleted")
@scheduled_job("storage_purge_deleted", lock_timeout=3600)
def storage_purge_deleted() -> dict:
    """Remove stored objects deleted longer than STORAGE_DELETE_GRACE_SECONDS ago."""
    from .storage import storage_purge_deleted as purge

    return purge()


@shared_task(name="openlima.tasks.ping")
def ping(token: str) -> str:
    """Records that a worker really ran a task (used by the real-broker test and /readyz)."""
    services.heartbeat_record(name=f"ping:{token}", result="pong")
    return "pong"


@shared_task(name="openlima.tasks.indicators_refresh")
@scheduled_job("indicators_refresh", lock_timeout=300)
def indicators_refresh() -> int:
    """Recompute the home page indicators, in every language, into the cache and the
    database snapshot a cold home page reads (docs/performance.md)."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            data = selectors.indicators_refresh()
            services.indicator_snapshot_save(language=code, data=data)
    return len(settings.LANGUAGES)


@shared_task(name="openlima.tasks.view_counts_flush")
@scheduled_job("view_counts_flush", lock_timeout=300)
def view_counts_flush() -> int:
    """Move the page views counted in Redis into the apps' daily counters
    (openlima/viewcounts.py)."""
    from . import viewcounts

    return viewcounts.flush()
