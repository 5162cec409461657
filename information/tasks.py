from celery import shared_task
from django.utils import timezone

from openlima.jobs import job_lock
from openlima.services import heartbeat_record

from . import services


@shared_task(name="information.tasks.information_notify")
def information_notify(request_id: int, event: str) -> int:
    return services.notify(request_id=request_id, event=event)


@shared_task(name="information.tasks.information_deadlines")
def information_deadlines() -> dict:
    """Hourly: overdue marking (silencio negativo) and reminders before each deadline."""
    with job_lock("information:lock:deadlines", timeout=50 * 60) as acquired:
        if not acquired:
            return {}
        result = services.deadlines_process(now=timezone.now())
        heartbeat_record(
            name="information_deadlines",
            result=f"{result['overdue']} overdue, {result['reminders']} reminders",
        )
        return result
