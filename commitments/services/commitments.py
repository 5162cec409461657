"""Writes of plans and commitments: save, recompute, budget-project tracking."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openlima.services import audit_log_record

from .. import selectors
from ..models import (
    ActionPlan,
    Commitment,
    Milestone,
    MilestoneStatus,
    PlanStatus,
)


def commitment_recompute(*, commitment: Commitment) -> Commitment:
    """Progress = weighted mean of the (not cancelled) milestones' progress."""
    milestones = [
        m
        for m in Milestone.objects.filter(commitment=commitment).only(
            "progress", "weight", "status", "due_on"
        )
        if m.status != MilestoneStatus.CANCELLED
    ]
    total_weight = sum(m.weight for m in milestones)
    weighted = sum(m.progress * m.weight for m in milestones)
    # Half up (not banker's rounding): 32.5 % shows as 33 %.
    progress = (
        (2 * weighted + total_weight) // (2 * total_weight) if total_weight else 0
    )
    today = timezone.localdate()
    if milestones and all(m.status == MilestoneStatus.COMPLETED for m in milestones):
        status = MilestoneStatus.COMPLETED
    elif any(
        m.status == MilestoneStatus.DELAYED or m.is_overdue(today) for m in milestones
    ):
        status = MilestoneStatus.DELAYED
    elif any(
        m.progress > 0 or m.status != MilestoneStatus.NOT_STARTED for m in milestones
    ):
        status = MilestoneStatus.IN_PROGRESS
    else:
        status = MilestoneStatus.NOT_STARTED
    if (commitment.progress, commitment.status) != (progress, status):
        commitment.progress = progress
        commitment.status = status
        commitment.updated_at = timezone.now()
        commitment.save(update_fields=["progress", "status", "updated_at"])
    return commitment


@transaction.atomic
def commitment_save(*, user, commitment: Commitment, units=None) -> Commitment:
    """The coordinator edits a commitment's card (admin)."""
    if not selectors.user_is_coordinator(user=user):
        raise PermissionDenied(_("Solo la coordinación OGP edita la ficha."))
    commitment.full_clean(exclude=["plan"] if commitment.plan_id is None else None)
    commitment.updated_at = timezone.now()
    commitment.save()
    if units is not None:
        commitment.responsible_units.set(units)
    commitment_recompute(commitment=commitment)
    audit_log_record(actor=user, action="commitment.save", obj=commitment)
    return commitment


@transaction.atomic
def action_plan_save(*, user, plan: ActionPlan) -> ActionPlan:
    if not selectors.user_is_coordinator(user=user):
        raise PermissionDenied(_("Solo la coordinación OGP edita los planes."))
    plan.full_clean()
    plan.updated_at = timezone.now()
    plan.save()
    audit_log_record(actor=user, action="action_plan.save", obj=plan)
    return plan


def _tracking_plan(*, plan_slug: str, plan_title: str, today, due_on) -> ActionPlan:
    """The follow-up plan (created published, in implementation), long enough for
    `due_on`."""
    plan, _c = ActionPlan.objects.get_or_create(
        slug=slugify(plan_slug)[:100] or "seguimiento",
        defaults={
            "title": plan_title[:255],
            "status": PlanStatus.IMPLEMENTATION,
            "period_start": min(today, due_on),
            "period_end": max(due_on, today),
            "is_published": True,
        },
    )
    if plan.period_end < due_on:
        plan.period_end = due_on
        plan.save(update_fields=["period_end"])
    return plan


def _tracking_commitment(
    *, plan: ActionPlan, title: str, description: str, unit_id, today, due_on
) -> Commitment:
    """The plan's commitment of that title, or a new one numbered after the last."""
    from openlima.models import OrgUnit

    slug = slugify(title)[:100] or "compromiso"
    commitment = Commitment.objects.filter(plan=plan, slug=slug).first()
    if commitment is not None:
        return commitment
    number = (
        max(
            Commitment.objects.filter(plan=plan).values_list("number", flat=True),
            default=0,
        )
        + 1
    )
    commitment = Commitment(
        plan=plan,
        number=number,
        slug=slug,
        title=title[:300],
        objective=description,
        commitment_start=min(today, due_on),
        commitment_end=due_on,
    )
    commitment.full_clean()
    commitment.save()
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit:
        commitment.responsible_units.add(unit)
    return commitment


@transaction.atomic
def commitment_track_project(
    *,
    plan_title: str,
    plan_slug: str,
    commitment_title: str,
    unit_id,
    milestone_title: str,
    description: str,
    due_on,
) -> dict:
    """Idempotent: the same arguments return the same commitment and milestone."""
    if isinstance(due_on, str):
        due_on = datetime.date.fromisoformat(due_on)
    today = timezone.localdate()
    plan = _tracking_plan(
        plan_slug=plan_slug, plan_title=plan_title, today=today, due_on=due_on
    )
    commitment = _tracking_commitment(
        plan=plan,
        title=commitment_title,
        description=description,
        unit_id=unit_id,
        today=today,
        due_on=due_on,
    )
    milestone = Milestone.objects.filter(
        commitment=commitment, title=milestone_title[:300]
    ).first()
    if milestone is None:
        code = chr(ord("A") + commitment.milestones.count() % 26)
        milestone = Milestone(
            commitment=commitment,
            code=code,
            title=milestone_title[:300],
            description=description,
            start_on=min(today, due_on),
            due_on=due_on,
        )
        milestone.full_clean()
        milestone.save()
        commitment_recompute(commitment=commitment)
    return {
        "commitment_id": commitment.pk,
        "milestone_id": milestone.pk,
        "url": commitment.get_absolute_url(),
    }
