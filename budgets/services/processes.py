"""Process phases: advancing and scheduled publication."""

from django.db import transaction

from openlima.services import audit_log_record

from ..models import (
    BudgetProcess,
    Project,
)
from .projects import project_tracking_sync
from .results import results_publish


@transaction.atomic
def process_phase_advance(*, process_id: int, now) -> str | None:
    """Move a process forward to the phase its dates say (never backwards)."""
    process = BudgetProcess.objects.select_for_update().get(pk=process_id)
    target = process.phase_at(now)
    if process.phase_index(target) <= process.phase_index():
        return None
    previous = process.phase
    process.phase = target
    process.save(update_fields=["phase"])
    audit_log_record(
        actor="system",
        action="budgets.process.phase",
        obj=process,
        details={"from": previous, "to": target},
    )
    return target


def budgets_publish_due(*, now) -> dict:
    """Publisher for `publish_scheduled`: phases, results, and retrying pending tracking."""
    moved = 0
    results = 0
    open_processes = BudgetProcess.objects.exclude(
        phase=BudgetProcess.Phase.EXECUTION
    ).values_list("pk", flat=True)
    for process_id in list(open_processes):
        if process_phase_advance(process_id=process_id, now=now):
            moved += 1
    results_index = BudgetProcess.PHASE_ORDER.index(BudgetProcess.Phase.RESULTS)
    due = BudgetProcess.objects.filter(
        results_published_at__isnull=True,
        phase__in=BudgetProcess.PHASE_ORDER[results_index:],
    )
    for process in due:
        results_publish(process=process)
        results += 1
    tracked = 0
    for project_id in Project.objects.filter(
        tracking_status=Project.Tracking.PENDING
    ).values_list("pk", flat=True)[:200]:
        tracked += project_tracking_sync(project_id=project_id)
    return {"phases": moved, "results": results, "tracked": tracked}
