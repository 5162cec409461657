from celery import shared_task
from django.utils import timezone

from openlima.jobs import scheduled_job

from . import services


@shared_task(name="information.tasks.information_notify")
def information_notify(request_id: int, event: str) -> int:
    return services.notify(request_id=request_id, event=event)


@shared_task(name="information.tasks.information_deadlines")
@scheduled_job("information_deadlines", lock_timeout=50 * 60)
def information_deadlines() -> dict:
    """Hourly: overdue marking (silencio negativo) and reminders before each deadline."""
    return services.deadlines_process(now=timezone.now())
