"""Reads for reminders, digests and subscriptions."""

import datetime

from django.contrib.auth import get_user_model

from openlima import roles

from ..models import (
    Milestone,
    ProgressUpdate,
    Subscription,
)
from .plans import OPEN_STATUSES


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
