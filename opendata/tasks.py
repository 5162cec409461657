"""Scheduled jobs of the open data catalogue (names as in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from openlima.jobs import scheduled_job

from . import selectors, services


@shared_task(name="opendata.tasks.opendata_refresh")
@scheduled_job("opendata_refresh", lock_timeout=3600)
def opendata_refresh() -> dict:
    """Regenerate the platform's own datasets; a new version only when content changed."""
    return services.platform_datasets_refresh()


@shared_task(name="opendata.tasks.indicators_refresh")
@scheduled_job("indicators_refresh", lock_timeout=300)
def indicators_refresh() -> int:
    """Recompute the home page indicators, in every language, into the cache."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            selectors.indicators_refresh()
    return len(settings.LANGUAGES)
