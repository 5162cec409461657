"""Results: computation and publication."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from openlima.services import audit_log_record

from ..models import (
    BudgetProcess,
    Heading,
    Project,
)
from .projects import project_tracking_sync


# --- Phases and results ---------------------------------------------------------------------
def results_compute(*, heading: Heading) -> list[dict]:
    """Projects by votes (ties: cheaper first, then older), funded greedily while money
    remains; a project that does not fit is skipped and the next one tried."""
    projects = (
        Project.objects.filter(heading=heading, is_selected=True)
        .annotate(votes=Count("ballots", filter=Q(ballots__voided_at__isnull=True)))
        .order_by("-votes", "estimated_cost", "id")
    )
    remaining = heading.amount
    rows = []
    for position, project in enumerate(projects, start=1):
        cost = project.estimated_cost or Decimal("0")
        funded = project.votes > 0 and cost <= remaining
        if funded:
            remaining -= cost
        rows.append(
            {
                "project": project,
                "votes": project.votes,
                "cost": cost,
                "funded": funded,
                "position": position,
                "remaining_after": remaining,
            }
        )
    return rows


@transaction.atomic
def results_publish(*, process: BudgetProcess, actor=None) -> int:
    """Store each heading's result on its projects and start tracking the winners."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if process.results_published_at is not None:
        return 0
    winners = []
    for heading in process.headings.all():
        rows = results_compute(heading=heading)
        for row in rows:
            project = row["project"]
            project.ballot_count = row["votes"]
            project.is_winner = row["funded"]
            project.result_position = row["position"]
            if row["funded"]:
                project.tracking_status = Project.Tracking.PENDING
                winners.append(project)
        Project.objects.bulk_update(
            [r["project"] for r in rows],
            ["ballot_count", "is_winner", "result_position", "tracking_status"],
        )
    process.results_published_at = timezone.now()
    process.save(update_fields=["results_published_at"])
    audit_log_record(
        actor=actor or "system",
        action="budgets.results.publish",
        obj=process,
        details={"winners": [p.pk for p in winners]},
    )
    for project in winners:
        project_tracking_sync(project_id=project.pk)
    return len(winners)
