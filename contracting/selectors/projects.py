"""Public works (OC4IDS projects): list, page and counts by district."""

from django.db.models import Count
from django.http import Http404

from openlima import registry

from ..models import (
    InfrastructureProject,
)

# --- projects --------------------------------------------------------------------------------
from .files import photo_public_url


def project_public_qs():
    return InfrastructureProject.objects.filter(is_published=True)


def project_list(*, filters: dict):
    qs = project_public_qs().select_related("district", "unit")
    if filters.get("district"):
        qs = qs.filter(district=filters["district"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("district__name", "title")


def project_get_public(*, slug: str) -> InfrastructureProject:
    project = (
        project_public_qs().select_related("district", "unit").filter(slug=slug).first()
    )
    if project is None:
        raise Http404
    return project


def project_detail(*, project: InfrastructureProject) -> dict:
    processes = list(
        project.processes.filter(is_published=True)
        .select_related("compiled_release")
        .order_by("created_at", "id")
    )
    contractors = sorted(
        {
            s.get("name")
            for p in processes
            for a in p.compiled.get("awards") or []
            if a.get("status") == "active"
            for s in a.get("suppliers") or []
            if s.get("name")
        }
    )
    # Links to the plan and to Lima Activa through the registry contracts (the app
    # imports no other app); a missing app or an unpublished target shows nothing.
    milestone = proposal = None
    milestone_summary = registry.provider("commitments.milestone_summary")
    if milestone_summary and project.commitment_milestone_id:
        milestone = milestone_summary(milestone_id=project.commitment_milestone_id)
    proposal_summary = registry.provider("participation.proposal_summary")
    if proposal_summary and project.proposal_id:
        proposal = proposal_summary(proposal_id=project.proposal_id)
    return {
        "processes": processes,
        "contractors": contractors,
        "reports": [
            {"report": r, "photo": bool(r.photo), "photo_link": photo_public_url(r)}
            for r in project.reports.all()
        ],
        "milestone": milestone,
        "proposal": proposal,
    }


def project_counts_by_district() -> dict[str, dict]:
    """ubigeo -> {"name", "total", "implementation"} for the map and its table."""
    out: dict[str, dict] = {}
    for ubigeo, name, status, n in (
        project_public_qs()
        .values_list("district__ubigeo", "district__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row = out.setdefault(ubigeo, {"name": name, "total": 0, "implementation": 0})
        row["total"] += n
        if status == InfrastructureProject.Status.IMPLEMENTATION:
            row["implementation"] += n
    return out
