from celery import shared_task
from django.utils import timezone

from openlima.jobs import scheduled_job

from . import services


@shared_task(name="complaints.tasks.complaint_notify_new")
def complaint_notify_new(complaint_id: int) -> int:
    return services.unit_notify(complaint_id=complaint_id, reason="new")


@shared_task(name="complaints.tasks.complaint_notify_update")
def complaint_notify_update(complaint_id: int) -> int:
    return services.unit_notify(complaint_id=complaint_id, reason="update")


@shared_task(name="complaints.tasks.complaint_deadlines")
@scheduled_job(
    "complaint_deadlines", lock_timeout=50 * 60, lock_key="complaints:lock:deadlines"
)
def complaint_deadlines() -> int:
    return services.complaint_deadlines_remind(now=timezone.now())


@shared_task(name="complaints.tasks.retention_purge")
@scheduled_job(
    "retention_purge", lock_timeout=6 * 3600, lock_key="complaints:lock:retention"
)
def retention_purge() -> int:
    return services.retention_purge(now=timezone.now())
