"""Querysets of the commitments API."""

from ..models import (
    ActionPlan,
    Commitment,
    Milestone,
    ProgressUpdate,
)


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
