"""Public reads of plans, commitments, milestones and evidence."""

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    ActionPlan,
    Commitment,
    CompletionLevel,
    Evidence,
    Indicator,
    Measurement,
    Milestone,
    MilestoneStatus,
    PlanLevel,
    ProgressUpdate,
    Subscription,
)

OPEN_STATUSES = [
    MilestoneStatus.NOT_STARTED,
    MilestoneStatus.IN_PROGRESS,
    MilestoneStatus.DELAYED,
]


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


def subscription_by_token(*, token: str) -> Subscription | None:
    """The subscription of an e-mail link's token (with its commitment), or None."""
    return (
        Subscription.objects.filter(token=token[:64])
        .select_related("commitment")
        .first()
    )


def access_evidence_file_for_staff(*, user, evidence_id: int) -> Evidence:
    """An evidence file for the staff admin, published or still scheduled: only to staff
    who may manage commitments (the admin shows every unit's milestones read-only)."""
    from django.core.exceptions import PermissionDenied

    from .access import user_may_manage

    if not user_may_manage(user=user):
        raise PermissionDenied
    evidence = Evidence.objects.filter(pk=evidence_id).exclude(file="").first()
    if evidence is None:
        raise Http404
    return evidence
