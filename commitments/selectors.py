"""Every read and permission check of commitment tracking."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import roles

from .models import (
    ActionPlan,
    Commitment,
    CompletionLevel,
    Evidence,
    Indicator,
    Measurement,
    Milestone,
    MilestoneStatus,
    OgpValue,
    PlanLevel,
    ProgressUpdate,
    Subscription,
)

OPEN_STATUSES = [
    MilestoneStatus.NOT_STARTED,
    MilestoneStatus.IN_PROGRESS,
    MilestoneStatus.DELAYED,
]

# --- permissions --------------------------------------------------------------------


def _roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_commitments_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._commitments_roles = cached
    return cached


def user_is_staff_member(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def user_is_coordinator(*, user) -> bool:
    if not user_is_staff_member(user=user):
        return False
    return user.is_superuser or roles.OGP_COORDINATOR in _roles(user)


def user_is_unit_editor(*, user) -> bool:
    return (
        user_is_staff_member(user=user)
        and roles.UNIT_EDITOR in _roles(user)
        and user.org_unit_id is not None
    )


def user_may_manage(*, user) -> bool:
    """Whether the staff admin shows this app at all."""
    return user_is_coordinator(user=user) or user_is_unit_editor(user=user)


def commitment_unit_ids(*, commitment) -> set[int]:
    if "responsible_units" in getattr(commitment, "_prefetched_objects_cache", {}):
        return {u.pk for u in commitment.responsible_units.all()}
    return set(commitment.responsible_units.values_list("pk", flat=True))


def user_can_edit_commitment(*, user, commitment) -> bool:
    """Coordinators edit everything; unit editors only commitments of their own unit."""
    if commitment is None:
        return False
    if user_is_coordinator(user=user):
        return True
    if not user_is_unit_editor(user=user):
        return False
    return user.org_unit_id in commitment_unit_ids(commitment=commitment)


def access_commitment_for_edit(*, user, commitment_id: int) -> Commitment:
    from django.core.exceptions import PermissionDenied

    commitment = Commitment.objects.filter(pk=commitment_id).first()
    if commitment is None or not user_can_edit_commitment(
        user=user, commitment=commitment
    ):
        raise PermissionDenied
    return commitment


def commitments_editable_by(*, user):
    if user_is_coordinator(user=user):
        return Commitment.objects.all()
    if user_is_unit_editor(user=user):
        return Commitment.objects.filter(responsible_units=user.org_unit_id).distinct()
    return Commitment.objects.none()


def acting_unit(*, user, commitment):
    """The unit shown in the public history for a change (never the person)."""
    if getattr(user, "org_unit_id", None):
        return user.org_unit
    return commitment.plan.coordinating_unit if commitment.plan_id else None


# --- public reads -------------------------------------------------------------------


def plan_list_public():
    return (
        ActionPlan.objects.filter(is_published=True)
        .select_related("coordinating_unit")
        .annotate(commitment_count=Count("commitments"))
        .order_by("-period_start", "id")
    )


def plan_get_public(*, slug: str) -> ActionPlan:
    plan = (
        ActionPlan.objects.filter(is_published=True, slug=slug)
        .select_related("coordinating_unit")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def _milestone_qs():
    return Milestone.objects.order_by("code", "id")


def plan_commitments(*, plan, filters: dict | None = None):
    filters = filters or {}
    qs = (
        Commitment.objects.filter(plan=plan)
        .select_related("plan")
        .prefetch_related(
            "responsible_units",
            Prefetch("milestones", queryset=_milestone_qs()),
        )
        .order_by("number", "id")
    )
    if filters.get("ogp_value"):
        qs = qs.filter(ogp_values__contains=filters["ogp_value"])
    if filters.get("unit"):
        qs = qs.filter(responsible_units__slug=filters["unit"]).distinct()
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("completion_level"):
        qs = qs.filter(completion_level=filters["completion_level"])
    return qs


def plan_version(*, plan) -> str:
    """Changes whenever a commitment or milestone of the plan is added, removed or saved
    (services stamp `updated_at`): the key of the plan page cache."""
    from django.db.models import Max

    c = Commitment.objects.filter(plan=plan).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    m = Milestone.objects.filter(commitment__plan=plan).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return f"{plan.updated_at.isoformat()}|{c['n']}|{c['last']}|{m['n']}|{m['last']}"


def completion_summary(*, plan) -> list[dict]:
    """Counts per OGP IRM completion level, in the scale's order. The four levels of the
    self-assessment form are always listed; "no evidence" and "not assessed" only when
    they occur (so a plan's table matches the form it came from)."""
    counts = dict(
        Commitment.objects.filter(plan=plan)
        .values_list("completion_level")
        .annotate(n=Count("id"))
        .values_list("completion_level", "n")
    )
    rows = []
    for level, label in CompletionLevel.choices:
        n = counts.get(level, 0)
        if level == CompletionLevel.NO_EVIDENCE and not n:
            continue
        rows.append({"level": level, "label": str(label), "count": n})
    if counts.get(""):
        rows.append(
            {"level": "not_assessed", "label": _("Sin evaluar"), "count": counts[""]}
        )
    return rows


def overdue_milestones(*, plan=None, today=None, limit=None):
    today = today or timezone.localdate()
    qs = (
        Milestone.objects.filter(
            due_on__lt=today,
            status__in=OPEN_STATUSES,
            commitment__plan__is_published=True,
        )
        .select_related("commitment__plan")
        .order_by("due_on", "id")
    )
    if plan is not None:
        qs = qs.filter(commitment__plan=plan)
    return qs[:limit] if limit else qs


def commitment_get_public(*, plan_slug: str, commitment_slug: str) -> Commitment:
    commitment = (
        Commitment.objects.filter(
            plan__slug=plan_slug, plan__is_published=True, slug=commitment_slug
        )
        .select_related("plan", "plan__coordinating_unit")
        .prefetch_related(
            "responsible_units",
            Prefetch(
                "milestones",
                queryset=_milestone_qs().prefetch_related(
                    Prefetch(
                        "evidence",
                        queryset=Evidence.objects.filter(
                            publish_at__lte=timezone.now()
                        ).order_by("created_at", "id"),
                    )
                ),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch(
                        "measurements",
                        queryset=Measurement.objects.order_by("measured_on"),
                    )
                ),
            ),
        )
        .first()
    )
    if commitment is None:
        raise Http404
    return commitment


def commitment_public_history(*, commitment, limit: int = 100):
    return (
        ProgressUpdate.objects.filter(commitment=commitment, published_at__isnull=False)
        .select_related("unit", "milestone")
        .order_by("-publish_at", "-id")[:limit]
    )


def evidence_get_public(*, evidence_id: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(
            pk=evidence_id,
            milestone__commitment__plan__is_published=True,
            publish_at__lte=timezone.now(),
        )
        .exclude(file="")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def subscription_for(*, user, commitment) -> Subscription | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Subscription.objects.filter(
        commitment=commitment,
        user=user,
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
    ).first()


def plan_report_commitments(*, plan):
    return plan_commitments(plan=plan)


# --- API querysets ------------------------------------------------------------------


def api_plans():
    return (
        ActionPlan.objects.filter(is_published=True)
        .select_related("coordinating_unit")
        .order_by("-period_start", "id")
    )


def api_commitments():
    return (
        Commitment.objects.filter(plan__is_published=True)
        .select_related("plan")
        .prefetch_related("responsible_units")
        .order_by("plan_id", "number", "id")
    )


def api_milestones():
    return (
        Milestone.objects.filter(commitment__plan__is_published=True)
        .select_related("commitment__plan")
        .order_by("commitment__plan_id", "commitment__number", "code", "id")
    )


def api_progress_updates():
    return (
        ProgressUpdate.objects.filter(
            published_at__isnull=False, commitment__plan__is_published=True
        )
        .select_related("commitment__plan", "milestone", "unit")
        .order_by("-publish_at", "-id")
    )


# --- jobs ---------------------------------------------------------------------------


def milestones_for_reminders(*, today, horizon):
    return list(
        Milestone.objects.filter(
            status__in=OPEN_STATUSES,
            due_on__lte=horizon,
            commitment__plan__is_published=True,
        )
        .select_related("commitment__plan")
        .prefetch_related("commitment__responsible_units")
        .order_by("due_on", "id")
    )


def unit_editors_by_unit() -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for unit_id, email in (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            groups__name=roles.UNIT_EDITOR,
            org_unit__isnull=False,
        )
        .values_list("org_unit_id", "email")
        .distinct()
    ):
        result.setdefault(unit_id, []).append(email)
    return result


def coordinator_emails() -> list[str]:
    return sorted(
        set(
            get_user_model()
            .objects.filter(
                is_active=True, is_staff=True, groups__name=roles.OGP_COORDINATOR
            )
            .values_list("email", flat=True)
        )
    )


def milestones_digest(*, today, days_ahead: int = 14):
    base = Milestone.objects.filter(
        status__in=OPEN_STATUSES, commitment__plan__is_published=True
    ).select_related("commitment__plan")
    late = list(base.filter(due_on__lt=today).order_by("due_on", "id")[:200])
    upcoming = list(
        base.filter(
            due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days_ahead)
        ).order_by("due_on", "id")[:200]
    )
    return late, upcoming


def active_subscriptions_by_recipient() -> dict[str, list[Subscription]]:
    groups: dict[str, list[Subscription]] = {}
    for sub in (
        Subscription.objects.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True
        )
        .select_related("user", "commitment__plan")
        .order_by("id")
    ):
        if sub.user_id and not sub.user.is_active:
            continue
        groups.setdefault(sub.recipient.lower(), []).append(sub)
    return groups


def published_updates_between(*, commitment_id: int, since, until):
    qs = ProgressUpdate.objects.filter(
        commitment_id=commitment_id,
        published_at__isnull=False,
        published_at__lte=until,
    )
    if since:
        qs = qs.filter(published_at__gt=since)
    return list(qs.select_related("unit", "milestone").order_by("publish_at", "id"))


# --- providers (openlima.registry) --------------------------------------------------


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
        "columns": list(rows[0].keys()) if rows else ["slug", "title"],
        "rows": rows,
    }


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
    }


def dataset_milestones() -> dict:
    return {
        "title": _("Hitos de los compromisos"),
        "description": _("Hitos con fechas, estado y avance."),
        "publisher_slug": "sgdi",
        "tags": ["gobierno abierto", "OGP", "hitos"],
        "columns": MILESTONE_COLUMNS,
        "rows": milestone_rows(),
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
    }


def current_plan(*, today=None) -> ActionPlan | None:
    """The plan the home page speaks of: the published local plan whose period contains
    today, else the latest published local plan, else the latest published plan (a
    national plan loaded for reference is never mixed into the city's figures)."""
    today = today or timezone.localdate()
    published = ActionPlan.objects.filter(is_published=True).order_by(
        "-period_start", "-id"
    )
    local = published.filter(level=PlanLevel.LOCAL)
    return (
        local.filter(period_start__lte=today, period_end__gte=today).first()
        or local.first()
        or published.first()
    )


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


# --- ARCO (Ley 29733): personal data ------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


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
            [_("Compromisos que sigues"), active],
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
    from django.urls import reverse

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
