"""Scheduled jobs of commitment tracking: idempotent, under a cache lock."""

from celery import shared_task
from django.core.cache import cache

from openlima.services import heartbeat_record

from . import services


@shared_task(name="commitments.tasks.milestone_reminders")
def milestone_reminders() -> dict:
    if not cache.add("lock:commitments:milestone_reminders", "1", timeout=600):
        return {"skipped": "locked"}
    try:
        result = services.milestone_reminders_send()
        heartbeat_record(name="milestone_reminders", result=str(result))
        return result
    finally:
        cache.delete("lock:commitments:milestone_reminders")


@shared_task(name="commitments.tasks.follower_digests")
def follower_digests() -> int:
    if not cache.add("lock:commitments:follower_digests", "1", timeout=600):
        return 0
    try:
        sent = services.follower_digests_send()
        heartbeat_record(name="commitments_follower_digests", result=str(sent))
        return sent
    finally:
        cache.delete("lock:commitments:follower_digests")


@shared_task(name="commitments.tasks.subscription_confirmation")
def subscription_confirmation(subscription_id: int) -> bool:
    """Double opt-in e-mail (queued through the outbox by subscription_request_email)."""
    return services.subscription_send_confirmation(subscription_id=subscription_id)
