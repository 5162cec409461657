"""Scheduled jobs of the open data catalogue (names as in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from openlima.services import heartbeat_record

from . import selectors, services


@shared_task(name="opendata.tasks.opendata_refresh")
def opendata_refresh() -> dict:
    """Regenerate the platform's own datasets; a new version only when content changed."""
    if not cache.add("lock:opendata_refresh", "1", timeout=3600):
        return {"skipped": "locked"}
    try:
        results = services.platform_datasets_refresh()
        heartbeat_record(name="opendata_refresh", result=str(results))
        return results
    finally:
        cache.delete("lock:opendata_refresh")


@shared_task(name="opendata.tasks.indicators_refresh")
def indicators_refresh() -> int:
    """Recompute the home page indicators, in every language, into the cache."""
    if not cache.add("lock:indicators_refresh", "1", timeout=300):
        return 0
    try:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                selectors.indicators_refresh()
        heartbeat_record(name="indicators_refresh", result="ok")
        return len(settings.LANGUAGES)
    finally:
        cache.delete("lock:indicators_refresh")
