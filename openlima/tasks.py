"""Core jobs: the `publish_scheduled` sweep (apps plug in through openlima.registry) and the
outbox flush. Both idempotent, both under a cache lock."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import registry, services

logger = logging.getLogger(__name__)


@shared_task(name="openlima.tasks.publish_scheduled")
def publish_scheduled() -> dict:
    """Make public everything whose `publish_at` has passed, in every app."""
    if not cache.add("lock:publish_scheduled", "1", timeout=120):
        return {"skipped": "locked"}
    try:
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
    finally:
        cache.delete("lock:publish_scheduled")


@shared_task(name="openlima.tasks.outbox_flush")
def outbox_flush() -> int:
    if not cache.add("lock:outbox_flush", "1", timeout=120):
        return 0
    try:
        sent = services.outbox_flush()
        services.heartbeat_record(name="outbox_flush", result=str(sent))
        return sent
    finally:
        cache.delete("lock:outbox_flush")


@shared_task(name="openlima.tasks.ping")
def ping(token: str) -> str:
    """Records that a worker really ran a task (used by the real-broker test and /readyz)."""
    services.heartbeat_record(name=f"ping:{token}", result="pong")
    return "pong"
