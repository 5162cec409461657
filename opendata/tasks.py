"""Scheduled jobs of the open data catalogue (names as in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from openlima.jobs import job_lock
from openlima.services import heartbeat_record

from . import selectors, services


@shared_task(name="opendata.tasks.opendata_refresh")
def opendata_refresh() -> dict:
    """Regenerate the platform's own datasets; a new version only when content changed."""
    with job_lock("lock:opendata_refresh", timeout=3600) as acquired:
        if not acquired:
            return {"skipped": "locked"}
        results = services.platform_datasets_refresh()
        heartbeat_record(name="opendata_refresh", result=str(results))
        return results


@shared_task(name="opendata.tasks.indicators_refresh")
def indicators_refresh() -> int:
    """Recompute the home page indicators, in every language, into the cache."""
    with job_lock("lock:indicators_refresh", timeout=300) as acquired:
        if not acquired:
            return 0
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                selectors.indicators_refresh()
        heartbeat_record(name="indicators_refresh", result="ok")
        return len(settings.LANGUAGES)
