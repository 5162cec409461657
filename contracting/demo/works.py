"""Lima's five demo works (PROJECTS), each with its progress reports, and the logistics
unit that buys them."""

from datetime import timedelta
from decimal import Decimal

from openlima.models import OrgUnit

from ..models import InfrastructureProject, ProgressReport
from .common import _district

PROJECTS = [
    (
        "losa-deportiva-comas",
        "Losa deportiva y parque del Collique, Comas",
        "150110",
        InfrastructureProject.Status.IMPLEMENTATION,
        45,
        "cultureSportsAndRecreation",
        Decimal("1850000"),
    ),
    (
        "pistas-sjl-canto-grande",
        "Rehabilitación de pistas en Canto Grande, San Juan de Lurigancho",
        "150132",
        InfrastructureProject.Status.IMPLEMENTATION,
        70,
        "transport.road",
        Decimal("4200000"),
    ),
    (
        "puente-peatonal-ves",
        "Puente peatonal en la avenida Pachacútec, Villa El Salvador",
        "150142",
        InfrastructureProject.Status.PREPARATION,
        0,
        "transport.urban",
        Decimal("2600000"),
    ),
    (
        "parque-zonal-ate",
        "Mejoramiento del parque zonal de Ate",
        "150103",
        InfrastructureProject.Status.COMPLETION,
        100,
        "cultureSportsAndRecreation",
        Decimal("980000"),
    ),
    (
        "mercado-la-victoria",
        "Ampliación del mercado municipal de La Victoria",
        "150115",
        InfrastructureProject.Status.IMPLEMENTATION,
        30,
        "economy",
        Decimal("2500000"),
    ),
]


def _logistics_unit() -> OrgUnit:
    unit = OrgUnit.objects.filter(slug="logistica").first()
    if unit is None:
        unit = OrgUnit.objects.create(
            name="Oficina General de Logística", slug="logistica", acronym="OGL"
        )
    return unit


def _lima_projects(*, unit, today, proposal_id, milestone_id) -> dict:
    """Lima's demo works (PROJECTS) by slug, each with its progress reports; a work whose
    district is not loaded is left out."""
    projects = {}
    for slug, title, district, status, progress, sector, budget in PROJECTS:
        d = _district(district)
        if d is None:
            continue
        project = InfrastructureProject.objects.create(
            slug=slug,
            title=title,
            description=(
                f"{title}. Obra de demostración: datos inventados para probar el portal."
            ),
            district=d,
            unit=unit,
            status=status,
            sector=sector,
            budget_amount=budget,
            cost_amount=budget * progress / 100 if progress else None,
            progress=progress,
            start_on=today - timedelta(days=120),
            end_on=today + timedelta(days=240),
            completed_on=today - timedelta(days=10) if progress == 100 else None,
            proposal_id=proposal_id if slug == "losa-deportiva-comas" else None,
            commitment_milestone_id=milestone_id,
            is_published=True,
            is_demo=True,
        )
        _progress_reports(project, progress=progress, today=today)
        projects[slug] = project
    return projects


def _progress_reports(project, *, progress, today) -> None:
    """One report per 25 % step reached, twenty days apart."""
    for step, pct in enumerate(range(0, progress + 1, 25) if progress else []):
        ProgressReport.objects.create(
            project=project,
            date=today - timedelta(days=90 - step * 20),
            progress=min(pct, progress),
            note="Informe de avance de obra (demo).",
        )
