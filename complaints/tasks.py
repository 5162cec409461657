from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

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
    if not cache.add("complaints:lock:deadlines", 1, 50 * 60):
        return 0
    try:
        sent = services.complaint_deadlines_remind(now=timezone.now())
        heartbeat_record(name="complaint_deadlines", result=f"{sent} reminders")
        return sent
    finally:
        cache.delete("complaints:lock:deadlines")


@shared_task(name="complaints.tasks.retention_purge")
def retention_purge() -> int:
    if not cache.add("complaints:lock:retention", 1, 6 * 3600):
        return 0
    try:
        purged = services.retention_purge(now=timezone.now())
        heartbeat_record(name="retention_purge", result=f"{purged} purged")
        return purged
    finally:
        cache.delete("complaints:lock:retention")
