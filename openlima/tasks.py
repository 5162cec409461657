"""Core jobs: the `publish_scheduled` sweep (apps plug in through openlima.registry) and the
outbox flush. Both idempotent, both under a cache lock."""

import logging

from celery import shared_task
from django.utils import timezone

from . import registry, services
from .jobs import job_lock

logger = logging.getLogger(__name__)


@shared_task(name="openlima.tasks.publish_scheduled")
def publish_scheduled() -> dict:
    """Make public everything whose `publish_at` has passed, in every app."""
    with job_lock("lock:publish_scheduled", timeout=120) as acquired:
        if not acquired:
            return {"skipped": "locked"}
        now = timezone.now()
        results = {}
        for hook in registry.publishers():
            try:
                results[hook.name] = hook.func(now=now)
            except Exception:  # one app's failure must not stop the others
                logger.exception("publish_scheduled: %s failed", hook.name)
                results[hook.name] = "error"
        services.heartbeat_record(name="publish_scheduled", result=str(results))
        return results


@shared_task(name="openlima.tasks.outbox_flush")
def outbox_flush() -> int:
    with job_lock("lock:outbox_flush", timeout=120) as acquired:
        if not acquired:
            return 0
        sent = services.outbox_flush()
        services.heartbeat_record(name="outbox_flush", result=str(sent))
        return sent


@shared_task(name="openlima.tasks.ping")
def ping(token: str) -> str:
    """Records that a worker really ran a task (used by the real-broker test and /readyz)."""
    services.heartbeat_record(name=f"ping:{token}", result="pong")
    return "pong"
