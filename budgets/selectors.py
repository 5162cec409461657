"""Every read and permission check of participatory budgeting."""

from django.db.models import Count, F, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.errors import Conflict, Forbidden
from openlima.tableschema import schema_columns, table_schema

from .models import (
    Ballot,
    BudgetProcess,
    Heading,
    Project,
    ProjectImage,
    ResidentVerification,
)

PUBLIC = ~Q(phase=BudgetProcess.Phase.DRAFT)
# The city-wide heading (no district) first, then districts by name.
CITY_FIRST = F("district__name").asc(nulls_first=True)


# --- Residents -------------------------------------------------------------------------
def resident_verification_get(*, user) -> ResidentVerification | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        ResidentVerification.objects.select_related("district")
        .filter(user=user)
        .first()
    )


def resident_voting_district(*, user):
    """The district a verified resident votes in: the one confirmed at verification
    (not the editable profile district), or None when not a verified resident."""
    if not getattr(user, "is_authenticated", False) or not user.is_verified_resident:
        return None
    verification = resident_verification_get(user=user)
    if verification is None or verification.status != "verified":
        return None
    return verification.district


def access_verification_for_decision(*, staff) -> None:
    """Only staff allowed to change verifications may confirm or reject them."""
    if not (
        getattr(staff, "is_authenticated", False)
        and staff.is_active
        and staff.is_staff
        and staff.has_perm("budgets.change_residentverification")
    ):
        raise Forbidden(_("No tiene permiso para decidir verificaciones."))


def access_paper_ballot_entry(*, staff) -> None:
    if not (
        getattr(staff, "is_authenticated", False)
        and staff.is_active
        and staff.is_staff
        and staff.has_perm("budgets.add_paperballot")
    ):
        raise Forbidden(_("No tiene permiso para registrar cédulas en papel."))


# --- Processes, headings, projects -----------------------------------------------------
def process_list_public():
    return (
        BudgetProcess.objects.filter(PUBLIC)
        .annotate(heading_count=Count("headings", distinct=True))
        .annotate(total_amount=Sum("headings__amount"))
        .order_by("-balloting_starts_at", "-id")
    )


def process_get_public(*, slug: str) -> BudgetProcess:
    process = BudgetProcess.objects.filter(PUBLIC, slug=slug).first()
    if process is None:
        raise Http404
    return process


def heading_list(*, process):
    return (
        Heading.objects.filter(process=process)
        .select_related("district")
        .annotate(
            project_count=Count("projects", distinct=True),
        )
        .order_by(CITY_FIRST, "name")
    )


def heading_get_public(*, process_slug: str, heading_slug: str) -> Heading:
    heading = (
        Heading.objects.select_related("process", "district")
        .filter(process__slug=process_slug, slug=heading_slug)
        .exclude(process__phase=BudgetProcess.Phase.DRAFT)
        .first()
    )
    if heading is None:
        raise Http404
    return heading


def _images():
    return Prefetch("images", queryset=ProjectImage.objects.order_by("id"))


def project_list(*, heading, ballot_only: bool = False):
    qs = Project.objects.filter(heading=heading).select_related("unit")
    if ballot_only:
        qs = qs.filter(is_selected=True)
    return qs.prefetch_related(_images()).order_by("title", "id")


def project_get_public(*, heading, project_id) -> Project:
    project = (
        Project.objects.filter(heading=heading, pk=project_id)
        .select_related("heading__process", "heading__district", "unit")
        .prefetch_related(_images())
        .first()
    )
    if project is None:
        raise Http404
    return project


def project_image_get_public(*, image_id) -> ProjectImage:
    image = (
        ProjectImage.objects.filter(pk=image_id)
        .exclude(project__heading__process__phase=BudgetProcess.Phase.DRAFT)
        .first()
    )
    if image is None:
        raise Http404
    return image


# --- Ballots ------------------------------------------------------------------------------
def access_ballot_for_heading(*, user, heading) -> None:
    """Raise ApplicationError unless `user` may fill a ballot in `heading` now."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Inicie sesión para votar."))
    verification = resident_verification_get(user=user)
    if verification is not None and verification.status == "pending":
        raise Forbidden(
            _(
                "Su verificación de residencia está pendiente: acérquese a una oficina municipal con su %(document)s."
            )
            % {"document": city.text("identity_document.short_name")},
        )
    district = resident_voting_district(user=user)
    if district is None:
        raise Forbidden(_("Solo los vecinos y vecinas verificados pueden votar."))
    process = heading.process
    now = timezone.now()
    # The clock, not only the stored phase (publish_scheduled may not have run yet).
    if process.phase != BudgetProcess.Phase.BALLOTING or not (
        process.balloting_starts_at <= now < process.balloting_ends_at
    ):
        raise Conflict(_("La votación de este proceso no está abierta."))
    if heading.district_id is not None and heading.district_id != district.pk:
        raise Forbidden(_("Solo puede votar en la partida de su propio distrito."))


def ballot_get(*, user, heading) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Ballot.objects.filter(user=user, heading=heading)
        .prefetch_related("projects")
        .first()
    )


def ballot_headings_for_user(*, user, process) -> list[Heading]:
    """Headings `user` may vote in: the city-wide one and their own district's."""
    district = resident_voting_district(user=user)
    if district is None:
        return []
    return list(
        Heading.objects.filter(process=process)
        .filter(Q(district__isnull=True) | Q(district=district))
        .select_related("district")
        .order_by(CITY_FIRST, "name")
    )


# --- Results and open data ------------------------------------------------------------------
def results_for_process(*, process):
    """Headings with their voted projects in result order (only once published)."""
    if process.results_published_at is None:
        return []
    projects = Project.objects.filter(is_selected=True).order_by(
        "result_position", "id"
    )
    return list(
        Heading.objects.filter(process=process)
        .select_related("district")
        .prefetch_related(Prefetch("projects", queryset=projects, to_attr="ranked"))
        .order_by(CITY_FIRST, "name")
    )


# Table Schema of `dataset:presupuesto-participativo` (openlima/tableschema.py).
BUDGET_SCHEMA = table_schema(
    ("process", "string", "Proceso"),
    ("process_title", "string", "Título del proceso"),
    ("heading", "string", "Partida"),
    ("heading_name", "string", "Nombre de la partida"),
    ("district_ubigeo", "string", "Ubigeo del distrito"),
    ("heading_amount", "number", "Monto de la partida (S/)"),
    ("project_id", "integer", "Identificador del proyecto"),
    ("project_title", "string", "Proyecto"),
    ("estimated_cost", "number", "Costo estimado (S/)"),
    ("ballot_count", "integer", "Votos"),
    ("position", "integer", "Puesto"),
    ("funded", "boolean", "Financiado"),
    primary_key=("project_id",),
)


def dataset_budgets() -> dict:
    """Provider `dataset:presupuesto-participativo`: ballot counts per project, no voters."""
    rows = []
    qs = (
        Project.objects.filter(
            is_selected=True, heading__process__results_published_at__isnull=False
        )
        .select_related("heading__process", "heading__district")
        .order_by("heading__process__id", "heading__id", "result_position", "id")
    )
    for p in qs.iterator(chunk_size=2000):
        heading = p.heading
        rows.append(
            {
                "process": heading.process.slug,
                "process_title": heading.process.title,
                "heading": heading.slug,
                "heading_name": heading.name,
                "district_ubigeo": heading.district.ubigeo if heading.district else "",
                "heading_amount": str(heading.amount),
                "project_id": p.pk,
                "project_title": p.title,
                "estimated_cost": str(p.estimated_cost),
                "ballot_count": p.ballot_count,
                "position": p.result_position,
                "funded": p.is_winner,
            }
        )
    return {
        "title": str(_("Presupuesto participativo: votos por proyecto")),
        "description": str(
            _(
                "Votos recibidos por cada proyecto en las votaciones del presupuesto participativo y proyectos financiados. No incluye la identidad de quienes votaron."
            )
        ),
        "publisher_slug": "participacion-vecinal",
        "tags": ["presupuesto participativo", "participación", "votación"],
        "columns": schema_columns(BUDGET_SCHEMA),
        "schema": BUDGET_SCHEMA,
        "rows": rows,
    }


def indicators_budgets() -> dict:
    """Provider `indicators:budgets`: keys verified_residents, processes, ballots,
    funded_projects, funded_amount (str, soles)."""
    funded = Project.objects.filter(is_winner=True).aggregate(
        n=Count("id"), total=Sum("estimated_cost")
    )
    return {
        "verified_residents": ResidentVerification.objects.filter(
            status="verified"
        ).count(),
        "processes": BudgetProcess.objects.filter(PUBLIC).count(),
        "ballots": Ballot.objects.count(),
        "funded_projects": funded["n"] or 0,
        "funded_amount": str(funded["total"] or 0),
    }


# --- ARCO (Ley 29733): personal data ------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def personal_data(*, user) -> dict:
    """`personal_data:budgets`: the person's resident verification (state, district and
    dates, never the DNI nor its keyed hash), supports, ballots and projects they proposed.
    A fixed number of queries however many rows."""
    from django.utils.translation import gettext

    verification_data = _my_verification(user)
    supports = _my_supports(user)
    ballots = _my_ballots(user)
    proposed = [
        {"project": title, "heading": heading}
        for title, heading in Project.objects.filter(proposed_by=user)
        .order_by("id")
        .values_list("title", "heading__name")
    ]
    return {
        "summary": [
            [
                gettext("Verificación de residencia"),
                verification_data["status_label"]
                if verification_data
                else gettext("No solicitada"),
            ],
            [gettext("Apoyos a proyectos"), len(supports)],
            [gettext("Cédulas emitidas"), len(ballots)],
            [gettext("Proyectos propuestos"), len(proposed)],
        ],
        "resident_verification": verification_data,
        "supports": supports,
        "ballots": ballots,
        "projects_proposed": proposed,
    }


def _my_verification(user) -> dict | None:
    """The person's resident verification: state, district and dates (never the DNI nor
    its keyed hash), or None."""
    verification = (
        ResidentVerification.objects.filter(user=user)
        .select_related("district")
        .first()
    )
    verification_data = None
    if verification is not None:
        verification_data = {
            "status": verification.status,
            "status_label": str(verification.get_status_display()),
            "district": verification.district.name,
            "birth_date": _iso(verification.birth_date),
            "method": verification.backend,
            "requested_at": _iso(verification.created_at),
            "decided_at": _iso(verification.decided_at),
            "rejection_reason": verification.rejection_reason,
        }
    return verification_data


def _my_supports(user) -> list[dict]:
    """The budget projects the person supported."""
    from .models import Support

    return [
        {
            "project": s["project__title"],
            "heading": s["project__heading__name"],
            "process": s["project__heading__process__title"],
            "created_at": _iso(s["created_at"]),
        }
        for s in Support.objects.filter(user=user)
        .order_by("id")
        .values(
            "project__title",
            "project__heading__name",
            "project__heading__process__title",
            "created_at",
        )
    ]


def _my_ballots(user) -> list[dict]:
    """The person's ballots and the projects on each."""
    return [
        {
            "process": b.heading.process.title,
            "heading": b.heading.name,
            "channel": b.channel,
            "projects": [p.title for p in b.projects.all()],
            "created_at": _iso(b.created_at),
            "updated_at": _iso(b.updated_at),
        }
        for b in Ballot.objects.filter(user=user)
        .select_related("heading__process")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.order_by("id")))
        .order_by("id")
    ]


# --- Site search (openlima.registry "search:budgets") -------------------------------------
def site_search(*, query: str, limit: int) -> list[dict]:
    """Public processes and their projects matching `query` (openlima.search)."""
    from openlima.search import text_search

    results = []
    processes = text_search(
        BudgetProcess.objects.filter(PUBLIC),
        fields=["title", "description"],
        query=query,
    )[:limit]
    for p in processes:
        results.append(
            {
                "kind": "budget_process",
                "kind_label": _("Presupuesto participativo"),
                "title": p.title,
                "summary": (p.description or "")[:300],
                "url": p.get_absolute_url(),
                "rank": float(p.rank),
            }
        )
    projects = text_search(
        Project.objects.filter(
            heading__process__in=BudgetProcess.objects.filter(PUBLIC)
        ).select_related("heading__process"),
        fields=["title", "description", "location"],
        query=query,
        weights=["A", "B", "B"],
    )[:limit]
    for p in projects:
        results.append(
            {
                "kind": "budget_project",
                "kind_label": _("Proyecto de presupuesto participativo"),
                "title": p.title,
                "summary": p.description[:300],
                "url": p.get_absolute_url(),
                "rank": float(p.rank),
            }
        )
    results.sort(key=lambda r: -r["rank"])
    return results[:limit]


# --- Staff dashboard (openlima.registry "staff_tasks:budgets") ------------------------------
def staff_tasks(*, user) -> list[dict]:
    from django.urls import reverse

    if not user.has_perm("budgets.change_residentverification"):
        return []
    pending = ResidentVerification.objects.filter(
        status=ResidentVerification.Status.PENDING
    ).count()
    url = reverse("admin:budgets_residentverification_changelist")
    return [
        {
            "label": _("Verificaciones de residencia pendientes"),
            "count": pending,
            "url": f"{url}?status__exact=pending",
        }
    ]


def verification_offices() -> list:
    """Active offices where a pending resident confirms in person (1 query)."""
    from .models import VerificationOffice

    return list(
        VerificationOffice.objects.filter(is_active=True).select_related("district")
    )
