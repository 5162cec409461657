"""Scheduled jobs of commitment tracking: idempotent, under a cache lock."""

from celery import shared_task

from openlima.jobs import job_lock
from openlima.services import heartbeat_record

from . import services


@shared_task(name="commitments.tasks.milestone_reminders")
def milestone_reminders() -> dict:
    with job_lock("lock:commitments:milestone_reminders", timeout=600) as acquired:
        if not acquired:
            return {"skipped": "locked"}
        result = services.milestone_reminders_send()
        heartbeat_record(name="milestone_reminders", result=str(result))
        return result


@shared_task(name="commitments.tasks.follower_digests")
def follower_digests() -> int:
    with job_lock("lock:commitments:follower_digests", timeout=600) as acquired:
        if not acquired:
            return 0
        sent = services.follower_digests_send()
        heartbeat_record(name="commitments_follower_digests", result=str(sent))
        return sent


@shared_task(name="commitments.tasks.subscription_confirmation")
def subscription_confirmation(subscription_id: int) -> bool:
    """Double opt-in e-mail (queued through the outbox by subscription_request_email)."""
    return services.subscription_send_confirmation(subscription_id=subscription_id)
