"""Scheduled jobs of the contracting app (names as in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from openlima.jobs import scheduled_job

from . import services


@shared_task(name="contracting.tasks.bulk_export")
@scheduled_job("contracting_bulk_export", lock_timeout=4 * 3600)
def bulk_export() -> dict:
    """Write the OCDS bulk files to storage (before the catalogue's nightly refresh,
    which then holds them as resources of the dataset: docs/contracting.md)."""
    return services.bulk_export()
