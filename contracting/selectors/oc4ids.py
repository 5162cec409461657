"""The OC4IDS project package (docs/contracting.md, "Data out")."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from openlima import city

from .. import ocds
from ..models import (
    InfrastructureProject,
    Stage,
)
from .files import photo_public_url
from .processes import process_public_qs
from .projects import project_public_qs


def _oc4ids_status(stage: str, compiled: dict) -> str:
    if stage in (Stage.PLANNING, Stage.TENDER, Stage.AWARD):
        return "pre-award"
    contracts = compiled.get("contracts") or []
    if contracts and all(
        c.get("status") in ("terminated", "cancelled") for c in contracts
    ):
        return "closed"
    return "active"


_money = ocds.money


def _process_summaries(processes: list, parties: dict) -> list[dict]:
    """Each contracting process of the project summarised from its compiled release;
    the winning suppliers are added to `parties`."""
    summaries = []
    for p in processes:
        c = p.compiled or {}
        suppliers = []
        for a in c.get("awards") or []:
            if a.get("status") != "active":
                continue
            for s in a.get("suppliers") or []:
                suppliers.append({"id": s.get("id"), "name": s.get("name")})
                party = parties.setdefault(
                    s.get("id"),
                    {"id": s.get("id"), "name": s.get("name"), "roles": []},
                )
                if "supplier" not in party["roles"]:
                    party["roles"].append("supplier")
        contract = next(iter(c.get("contracts") or []), {})
        tender = c.get("tender") or {}
        summaries.append(
            {
                "id": p.ocid,
                "summary": {
                    "ocid": p.ocid,
                    "title": p.title,
                    "description": p.description,
                    "status": _oc4ids_status(p.stage, c),
                    "nature": ["construction"] if p.category == "works" else [],
                    "tender": {
                        "procurementMethod": tender.get("procurementMethod"),
                        "costEstimate": tender.get("value"),
                        "numberOfTenderers": tender.get("numberOfTenderers"),
                        "tenderers": tender.get("tenderers") or [],
                        "tenderPeriod": tender.get("tenderPeriod"),
                    },
                    "suppliers": suppliers,
                    "contractValue": _money(p.value_contracted),
                    "contractPeriod": contract.get("period"),
                },
            }
        )
    return summaries


def _location(district, centroid) -> dict:
    return {
        "id": district.ubigeo,
        "description": district.name,
        "geometry": {"type": "Point", "coordinates": list(centroid)}
        if centroid
        else None,
        "address": {
            "locality": district.name,
            # The city profile's (docs/city-profile.md): "Lima", "Perú".
            "region": city.text("short_name", "es"),
            "countryName": city.text("country", "es"),
        },
    }


def _progress_photos(project: InfrastructureProject) -> list[dict] | None:
    """Progress photos (uploaded or linked) as OC4IDS documents, each with its public
    URL (docs/contracting.md, "Documents and photos")."""
    return [
        {
            "id": f"photo-{r.pk}",
            "documentType": "illustration",
            "title": f"Avance físico {r.progress} % ({r.date.isoformat()})",
            "url": url,
            "format": _photo_format(r),
            "datePublished": _iso_date(r.date),
            "language": "es",
        }
        for r in project.reports.all()
        if (url := photo_public_url(r))
    ] or None


def _cost_measurements(project: InfrastructureProject) -> list[dict] | None:
    if project.cost_amount is None:
        return None
    return [
        {
            "id": "1",
            "date": project.updated_at.isoformat(),
            "costGroups": [
                {
                    "id": "1",
                    "category": "construction",
                    "costItems": [
                        {
                            "id": "1",
                            "classificationID": "construction",
                            "value": _money(project.cost_amount),
                        }
                    ],
                }
            ],
        }
    ]


def project_data(
    project: InfrastructureProject, processes: list, centroids: dict
) -> dict:
    """One OC4IDS project."""
    from ..services import _prune

    prefix = settings.OCDS_OCID_PREFIX.replace("ocds-", "oc4ids-", 1)
    scheme = settings.OCDS_PUBLISHER_SCHEME
    authority_id = f"{scheme}-{settings.OCDS_PUBLISHER_RUC}"
    parties = {
        authority_id: {
            "id": authority_id,
            "name": settings.OCDS_PUBLISHER_NAME,
            "identifier": {"scheme": scheme, "id": settings.OCDS_PUBLISHER_RUC},
            "roles": ["publicAuthority"],
        }
    }
    summaries = _process_summaries(processes, parties)
    district = project.district
    data = {
        "id": f"{prefix}{project.slug}",
        "updated": project.updated_at.isoformat(),
        "language": "es",
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "sector": sorted({project.sector.split(".")[0], project.sector}),
        "type": "construction",
        "period": {
            "startDate": _iso_date(project.start_on),
            "endDate": _iso_date(project.end_on),
        },
        "budget": {"amount": _money(project.budget_amount)},
        "locations": [_location(district, centroids.get(district.ubigeo))],
        "publicAuthority": {"id": authority_id, "name": settings.OCDS_PUBLISHER_NAME},
        "parties": list(parties.values()),
        "contractingProcesses": summaries,
        "completion": {
            "endDate": _iso_date(project.completed_on),
            "finalValue": _money(project.cost_amount),
        }
        if project.completed_on
        else None,
        "documents": _progress_photos(project),
        "costMeasurements": _cost_measurements(project),
    }
    return _prune(data)


def _photo_format(report) -> str | None:
    """Uploaded photos are re-encoded as JPEG, or PNG when they have transparency."""
    if not report.photo:
        return None
    return "image/png" if report.photo.name.endswith(".png") else "image/jpeg"


def _iso_date(value):
    """A date as the start of that day in the city's time zone (its offset that day)."""
    if value is None:
        return None
    start = datetime.combine(value, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return start.isoformat()


def project_package(*, uri: str) -> dict:
    from ..map import district_centroids

    projects = list(
        project_public_qs()
        .select_related("district")
        .prefetch_related("reports")
        .order_by("slug")
    )
    by_project: dict[int, list] = {}
    for p in (
        process_public_qs()
        .filter(project__in=projects)
        .select_related("compiled_release")
        .order_by("id")
    ):
        by_project.setdefault(p.project_id, []).append(p)
    centroids = district_centroids()
    meta = ocds.package_metadata(uri=uri, published_date=timezone.now().isoformat())
    return {
        "uri": uri,
        "version": ocds.OC4IDS_VERSION,
        "publishedDate": meta["publishedDate"],
        "publisher": meta["publisher"],
        "license": meta["license"],
        "publicationPolicy": meta["publicationPolicy"],
        "projects": [
            project_data(p, by_project.get(p.pk, []), centroids) for p in projects
        ],
    }
