"""Scheduled jobs of commitment tracking: idempotent, under a lock (openlima.jobs)."""

from celery import shared_task

from openlima.jobs import scheduled_job

from . import services


@shared_task(name="commitments.tasks.milestone_reminders")
@scheduled_job(
    "milestone_reminders",
    lock_timeout=600,
    lock_key="lock:commitments:milestone_reminders",
)
def milestone_reminders() -> dict:
    return services.milestone_reminders_send()


@shared_task(name="commitments.tasks.follower_digests")
@scheduled_job(
    "commitments_follower_digests",
    lock_timeout=600,
    lock_key="lock:commitments:follower_digests",
)
def follower_digests() -> int:
    return services.follower_digests_send()


@shared_task(name="commitments.tasks.subscription_confirmation")
def subscription_confirmation(subscription_id: int) -> bool:
    """Double opt-in e-mail (queued through the outbox by subscription_request_email)."""
    return services.subscription_send_confirmation(subscription_id=subscription_id)
