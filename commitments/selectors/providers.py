"""What commitment tracking provides other apps through the registry: site search, datasets, indicators, summaries, personal data, staff tasks."""

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import charts
from openlima.registry import HomeCard, HomeCharts, HomeIndicatorBlock
from openlima.tableschema import schema_columns, table_schema

from ..models import (
    ActionPlan,
    Commitment,
    CompletionLevel,
    Evidence,
    Milestone,
    MilestoneStatus,
    OgpValue,
    ProgressUpdate,
    Subscription,
)
from .access import user_is_unit_editor
from .api import api_commitments, api_milestones, api_progress_updates
from .plans import OPEN_STATUSES, current_plan, overdue_milestones, plan_list_public


def site_search(*, query: str, limit: int) -> list[dict]:
    from openlima.search import text_search

    results = []
    commitments = text_search(
        Commitment.objects.filter(plan__is_published=True).select_related("plan"),
        fields=["title", "objective", "problem"],
        query=query,
        weights=["A", "B", "C"],
    )[:limit]
    for c in commitments:
        results.append(
            {
                "kind": "commitment",
                "kind_label": _("Compromiso"),
                "title": c.title,
                "summary": (c.objective or c.plan.title)[:300],
                "url": c.get_absolute_url(),
                "rank": float(c.rank),
            }
        )
    milestones = text_search(
        Milestone.objects.filter(commitment__plan__is_published=True).select_related(
            "commitment__plan"
        ),
        fields=["title", "description"],
        query=query,
    )[:limit]
    for m in milestones:
        results.append(
            {
                "kind": "milestone",
                "kind_label": _("Hito"),
                "title": f"{m.code}. {m.title}",
                "summary": m.commitment.title[:300],
                "url": m.commitment.get_absolute_url() + f"#hito-{m.pk}",
                "rank": float(m.rank),
            }
        )
    results.sort(key=lambda r: -r["rank"])
    return results[:limit]


def dataset_plans() -> dict:
    rows = [
        {
            "slug": p.slug,
            "title": p.title,
            "government": p.government,
            "level": p.level,
            "programme": p.programme,
            "status": p.status,
            "period_start": p.period_start.isoformat(),
            "period_end": p.period_end.isoformat(),
            "commitments": p.commitment_count,
            "coordinating_unit": p.coordinating_unit.name
            if p.coordinating_unit_id
            else p.coordinating_unit_name,
            "civil_society_partner": p.civil_society_partner,
        }
        for p in plan_list_public()
    ]
    return {
        "title": _("Planes de acción de gobierno abierto"),
        "description": _("Planes de acción OGP publicados en el portal."),
        "publisher_slug": "sgdi",
        "tags": ["gobierno abierto", "OGP", "planes de acción"],
        "columns": schema_columns(PLAN_SCHEMA),
        "rows": rows,
        "schema": PLAN_SCHEMA,
    }


# The Table Schemas of the datasets above (openlima/tableschema.py): Spanish titles.
PLAN_SCHEMA = table_schema(
    ("slug", "string", "Identificador del plan"),
    ("title", "string", "Título"),
    ("government", "string", "Gobierno"),
    ("level", "string", "Nivel de gobierno"),
    ("programme", "string", "Programa"),
    ("status", "string", "Estado"),
    ("period_start", "date", "Inicio del periodo"),
    ("period_end", "date", "Fin del periodo"),
    ("commitments", "integer", "Número de compromisos"),
    ("coordinating_unit", "string", "Unidad coordinadora"),
    ("civil_society_partner", "string", "Contraparte de la sociedad civil"),
    primary_key=("slug",),
)
COMMITMENT_SCHEMA = table_schema(
    ("plan", "string", "Plan"),
    ("number", "integer", "Número"),
    ("slug", "string", "Identificador del compromiso"),
    ("title", "string", "Título"),
    ("component", "string", "Componente"),
    ("responsible_units", "string", "Unidades responsables"),
    ("ogp_values", "string", "Valores OGP"),
    ("sdg_targets", "string", "Metas ODS"),
    ("objective", "string", "Objetivo"),
    ("implementation_start", "date", "Inicio de la implementación"),
    ("implementation_end", "date", "Fin de la implementación"),
    ("commitment_start", "date", "Inicio del compromiso"),
    ("commitment_end", "date", "Fin del compromiso"),
    ("status", "string", "Estado"),
    ("progress", "integer", "Avance (%)"),
    ("completion_level", "string", "Nivel de cumplimiento"),
    ("open_government_effect", "string", "Efecto en el gobierno abierto"),
    primary_key=("plan", "number"),
)
MILESTONE_SCHEMA = table_schema(
    ("plan", "string", "Plan"),
    ("commitment_number", "integer", "Número del compromiso"),
    ("commitment", "string", "Compromiso"),
    ("code", "string", "Código del hito"),
    ("title", "string", "Título"),
    ("start_on", "date", "Inicio"),
    ("due_on", "date", "Fecha límite"),
    ("status", "string", "Estado"),
    ("progress", "integer", "Avance (%)"),
    ("weight", "integer", "Peso"),
    ("completed_on", "date", "Completado el"),
    ("overdue", "boolean", "Vencido"),
    primary_key=("plan", "commitment", "code"),
)
HISTORY_SCHEMA = table_schema(
    ("published_at", "datetime", "Publicado el"),
    ("plan", "string", "Plan"),
    ("commitment", "string", "Compromiso"),
    ("milestone", "string", "Hito"),
    ("unit", "string", "Unidad"),
    ("changes", "string", "Campos cambiados"),
    ("status", "string", "Estado"),
    ("progress", "integer", "Avance (%)"),
    ("note", "string", "Nota"),
)


COMMITMENT_COLUMNS = [
    "plan",
    "number",
    "slug",
    "title",
    "component",
    "responsible_units",
    "ogp_values",
    "sdg_targets",
    "objective",
    "implementation_start",
    "implementation_end",
    "commitment_start",
    "commitment_end",
    "status",
    "progress",
    "completion_level",
    "open_government_effect",
]


def commitment_rows(*, plan=None) -> list[dict]:
    qs = api_commitments()
    if plan is not None:
        qs = qs.filter(plan=plan)
    rows = []
    for c in qs:
        units = [u.name for u in c.responsible_units.all()]
        rows.append(
            {
                "plan": c.plan.slug,
                "number": c.number,
                "slug": c.slug,
                "title": c.title,
                "component": c.component,
                "responsible_units": "; ".join(units) or c.responsible_text,
                "ogp_values": ",".join(c.ogp_value_list),
                "sdg_targets": ",".join(c.sdg_target_list),
                "objective": c.objective,
                "implementation_start": _iso(c.implementation_start),
                "implementation_end": _iso(c.implementation_end),
                "commitment_start": _iso(c.commitment_start),
                "commitment_end": _iso(c.commitment_end),
                "status": c.status,
                "progress": c.progress,
                "completion_level": c.completion_level,
                "open_government_effect": c.open_government_effect,
            }
        )
    return rows


MILESTONE_COLUMNS = [
    "plan",
    "commitment_number",
    "commitment",
    "code",
    "title",
    "start_on",
    "due_on",
    "status",
    "progress",
    "weight",
    "completed_on",
    "overdue",
]


def milestone_rows(*, plan=None) -> list[dict]:
    qs = api_milestones()
    if plan is not None:
        qs = qs.filter(commitment__plan=plan)
    today = timezone.localdate()
    return [
        {
            "plan": m.commitment.plan.slug,
            "commitment_number": m.commitment.number,
            "commitment": m.commitment.slug,
            "code": m.code,
            "title": m.title,
            "start_on": _iso(m.start_on),
            "due_on": _iso(m.due_on),
            "status": m.status,
            "progress": m.progress,
            "weight": m.weight,
            "completed_on": _iso(m.completed_on),
            "overdue": m.is_overdue(today),
        }
        for m in qs
    ]


def _iso(value):
    return value.isoformat() if value else None


def dataset_commitments() -> dict:
    return {
        "title": _("Compromisos de gobierno abierto"),
        "description": _(
            "Compromisos de los planes de acción con su estado y avance (derivado de los hitos)."
        ),
        "publisher_slug": "sgdi",
        "tags": ["gobierno abierto", "OGP", "compromisos"],
        "columns": COMMITMENT_COLUMNS,
        "rows": commitment_rows(),
        "schema": COMMITMENT_SCHEMA,
    }


def dataset_milestones() -> dict:
    return {
        "title": _("Hitos de los compromisos"),
        "description": _("Hitos con fechas, estado y avance."),
        "publisher_slug": "sgdi",
        "tags": ["gobierno abierto", "OGP", "hitos"],
        "columns": MILESTONE_COLUMNS,
        "rows": milestone_rows(),
        "schema": MILESTONE_SCHEMA,
    }


def dataset_history() -> dict:
    columns = [
        "published_at",
        "plan",
        "commitment",
        "milestone",
        "unit",
        "changes",
        "status",
        "progress",
        "note",
    ]
    rows = []
    for u in api_progress_updates().order_by("publish_at", "id")[:50000]:
        status = u.changes.get("status", [None, None])[1] if u.changes else None
        progress = u.changes.get("progress", [None, None])[1] if u.changes else None
        rows.append(
            {
                "published_at": u.published_at.isoformat(),
                "plan": u.commitment.plan.slug,
                "commitment": u.commitment.slug,
                "milestone": u.milestone.code if u.milestone_id else None,
                "unit": u.unit.name if u.unit_id else None,
                "changes": ", ".join(sorted(u.changes)),
                "status": status or (u.milestone.status if u.milestone_id else None),
                "progress": progress
                if progress is not None
                else (u.milestone.progress if u.milestone_id else None),
                "note": u.note,
            }
        )
    return {
        "title": _("Historial de avances de los compromisos"),
        "description": _("Cada cambio publicado en hitos y compromisos."),
        "publisher_slug": "sgdi",
        "tags": ["gobierno abierto", "OGP", "avances"],
        "columns": columns,
        "rows": rows,
        "schema": HISTORY_SCHEMA,
    }


def indicators() -> dict:
    today = timezone.localdate()
    plans = ActionPlan.objects.filter(is_published=True)
    plan = current_plan(today=today)
    commitments = Commitment.objects.filter(plan=plan)
    milestones = Milestone.objects.filter(commitment__plan=plan)
    counts = milestones.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=MilestoneStatus.COMPLETED)),
        overdue=Count("id", filter=Q(due_on__lt=today, status__in=OPEN_STATUSES)),
    )
    level_counts = dict(
        commitments.values_list("completion_level")
        .annotate(n=Count("id"))
        .values_list("completion_level", "n")
    )
    summary = [
        {"level": level, "label": str(label), "count": level_counts.get(level, 0)}
        for level, label in CompletionLevel.choices
    ]
    overdue = [
        {
            "title": f"{m.code}. {m.title}",
            "commitment": m.commitment.title,
            "due_on": m.due_on.isoformat(),
            "url": m.commitment.get_absolute_url() + f"#hito-{m.pk}",
        }
        for m in (overdue_milestones(plan=plan, today=today, limit=10) if plan else [])
    ]
    return {
        "plan_title": plan.title if plan else "",
        "plan_url": plan.get_absolute_url() if plan else "",
        "plans": plans.count(),
        "commitments": commitments.count(),
        "milestones": counts["total"],
        "milestones_completed": counts["done"],
        "milestones_overdue": counts["overdue"],
        "completion_summary": summary,
        "overdue": overdue,
    }


def commitment_summary(*, commitment_id: int) -> dict | None:
    c = (
        Commitment.objects.filter(pk=commitment_id, plan__is_published=True)
        .select_related("plan")
        .first()
    )
    if c is None:
        return None
    return {
        "id": c.pk,
        "title": c.title,
        "url": c.get_absolute_url(),
        "plan_title": c.plan.title,
        "progress": c.progress,
        "status": c.status,
        "status_label": str(c.get_status_display()),
    }


def commitment_choices() -> list[tuple[int, str]]:
    return [
        (c.pk, f"{c.plan.title} · {c.number}. {c.title}")
        for c in Commitment.objects.filter(plan__is_published=True)
        .select_related("plan")
        .order_by("plan__title", "number", "id")
    ]


def ogp_value_choices():
    return OgpValue.choices


def personal_data(*, user) -> dict:
    """`personal_data:commitments`: the person's follows of commitments (by account or by
    one of their e-mail addresses) and, for staff, how many updates and evidences they
    authored. Two queries however many rows."""
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()} | {
        e.lower()
        for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    subs = (
        Subscription.objects.filter(
            Q(user=user) | Q(user__isnull=True, email__in=emails)
        )
        .select_related("commitment__plan")
        .order_by("id")
    )
    subscriptions = [
        {
            "commitment": s.commitment.title,
            "url": s.commitment.get_absolute_url(),
            "email": s.email or None,
            "created_at": _iso(s.created_at),
            "confirmed_at": _iso(s.confirmed_at),
            "unsubscribed_at": _iso(s.unsubscribed_at),
        }
        for s in subs
    ]
    counts = ProgressUpdate.objects.filter(author=user).aggregate(n=Count("id"))
    evidences = Evidence.objects.filter(created_by=user).count()
    active = sum(1 for s in subscriptions if s["unsubscribed_at"] is None)
    return {
        "summary": [
            [_("Compromisos que sigue"), active],
            [_("Avances redactados (personal municipal)"), counts["n"]],
            [_("Evidencias cargadas (personal municipal)"), evidences],
        ],
        "subscriptions": subscriptions,
        "progress_updates_authored": counts["n"],
        "evidences_uploaded": evidences,
    }


# --- Staff dashboard (openlima.registry "staff_tasks:commitments") --------------------------
def staff_tasks(*, user) -> list[dict]:
    """A unit editor's milestones that are overdue or due within 30 days, still open."""
    if not user_is_unit_editor(user=user):
        return []
    today = timezone.localdate()
    due = Milestone.objects.filter(
        commitment__responsible_units=user.org_unit_id,
        status__in=OPEN_STATUSES,
        due_on__lte=today + datetime.timedelta(days=30),
    ).count()
    url = reverse("admin:commitments_milestone_changelist")
    return [
        {
            "label": _("Hitos de su unidad vencidos o por vencer (30 días)"),
            "count": due,
            "url": f"{url}?commitment__responsible_units__id__exact={user.org_unit_id}",
        }
    ]


def home_card() -> HomeCard:
    """`home_card:commitments`: the action plans on the home page."""
    return {
        "title": _("Compromisos de gobierno abierto"),
        "summary": _(
            "Los planes de acción, sus compromisos e hitos: quién es responsable, qué está a tiempo, qué se retrasó y la evidencia de cada avance."
        ),
        "url": reverse("commitments:plan_list"),
        "order": 10,
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:commitments`: where the home page shows `indicators:commitments`."""
    return [
        {"place": "figures", "template": "commitments/home/figures.html", "order": 60},
        {"place": "charts", "template": "commitments/home/charts.html", "order": 40},
    ]


def home_charts(*, figures: dict[str, Any]) -> HomeCharts:
    """`home_charts:commitments`: the current plan's commitments by completion level."""
    return {"completion_bars": charts.bars(figures.get("completion_summary") or [])}
