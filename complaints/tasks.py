from celery import shared_task
from django.utils import timezone

from openlima.jobs import job_lock
from openlima.services import heartbeat_record

from . import services


@shared_task(name="complaints.tasks.complaint_notify_new")
def complaint_notify_new(complaint_id: int) -> int:
    return services.unit_notify(complaint_id=complaint_id, reason="new")


@shared_task(name="complaints.tasks.complaint_notify_update")
def complaint_notify_update(complaint_id: int) -> int:
    return services.unit_notify(complaint_id=complaint_id, reason="update")


@shared_task(name="complaints.tasks.complaint_deadlines")
def complaint_deadlines() -> int:
    with job_lock("complaints:lock:deadlines", timeout=50 * 60) as acquired:
        if not acquired:
            return 0
        sent = services.complaint_deadlines_remind(now=timezone.now())
        heartbeat_record(name="complaint_deadlines", result=f"{sent} reminders")
        return sent


@shared_task(name="complaints.tasks.retention_purge")
def retention_purge() -> int:
    with job_lock("complaints:lock:retention", timeout=6 * 3600) as acquired:
        if not acquired:
            return 0
        purged = services.retention_purge(now=timezone.now())
        heartbeat_record(name="retention_purge", result=f"{purged} purged")
        return purged
