"""Scheduled jobs of the open data catalogue (names as in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from openlima.jobs import scheduled_job

from . import services


@shared_task(name="opendata.tasks.opendata_refresh")
@scheduled_job("opendata_refresh", lock_timeout=3600)
def opendata_refresh() -> dict:
    """Regenerate the platform's own datasets; a new version only when content changed."""
    return services.platform_datasets_refresh()
