"""Reminders to editors and digests to followers."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openlima import city
from openlima.selectors import absolute_url

from .. import selectors
from ..models import (
    Milestone,
    SentNotice,
    Subscription,
)


def _notice_claim(*, keys: list[str], recipient: str, today) -> list[str]:
    """Record the notices as sent; returns the keys that were not sent before."""
    fresh = []
    for key in keys:
        try:
            with transaction.atomic():
                SentNotice.objects.create(key=key, recipient=recipient, sent_on=today)
            fresh.append(key)
        except IntegrityError:
            continue
    return fresh


def _send_notice(*, recipient: str, keys: list[str], today, subject, template, ctx):
    """Claim the keys and send one e-mail; if sending fails nothing stays recorded."""
    with transaction.atomic():
        fresh = _notice_claim(keys=keys, recipient=recipient, today=today)
        if not fresh:
            return 0
        ctx = {**ctx, "fresh": set(fresh)}
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(template, ctx)
        send_mail(str(subject), body, None, [recipient])
    return 1


def milestone_reminders_send(*, today=None) -> dict:
    """Reminders N days before a due date (MILESTONE_REMINDER_DAYS), weekly while overdue,
    to the responsible units' editors; a weekly digest to the coordinators. Run it any
    number of times a day: every notice goes out once."""
    today = today or timezone.localdate()
    days = sorted(
        {int(d) for d in getattr(settings, "MILESTONE_REMINDER_DAYS", [7, 1])}
    )
    horizon = today + datetime.timedelta(days=max(days) if days else 0)
    milestones = selectors.milestones_for_reminders(today=today, horizon=horizon)
    per_recipient: dict[str, list[tuple[str, Milestone, str]]] = {}
    editors = selectors.unit_editors_by_unit()
    for milestone in milestones:
        remaining = (milestone.due_on - today).days
        if remaining >= 0:
            window = next((d for d in days if remaining <= d), None)
            if window is None:
                continue
            key = f"m{milestone.pk}:before:{window}:{milestone.due_on.isoformat()}"
            kind = "upcoming"
        else:
            week = (-remaining - 1) // 7
            key = f"m{milestone.pk}:overdue:{milestone.due_on.isoformat()}:w{week}"
            kind = "overdue"
        recipients = {
            email
            for unit in milestone.commitment.responsible_units.all()
            for email in editors.get(unit.pk, [])
        }
        for email in recipients:
            per_recipient.setdefault(email, []).append((key, milestone, kind))
    sent = 0
    for recipient, items in sorted(per_recipient.items()):
        sent += _send_notice(
            recipient=recipient,
            keys=[k for k, _m, _k in items],
            today=today,
            subject=_("%(portal)s: hitos por vencer o vencidos")
            % {"portal": city.text("portal_name")},
            template="commitments/email/reminder.txt",
            ctx={"items": items, "today": today, "site_url": absolute_url("")},
        )
    digests = 0
    year, week, _wd = today.isocalendar()
    late, upcoming = selectors.milestones_digest(today=today)
    if late or upcoming:
        for recipient in selectors.coordinator_emails():
            digests += _send_notice(
                recipient=recipient,
                keys=[f"digest:{year}-W{week:02d}"],
                today=today,
                subject=_("%(portal)s: resumen semanal de hitos")
                % {"portal": city.text("portal_name")},
                template="commitments/email/digest_coordinator.txt",
                ctx={
                    "late": late,
                    "upcoming": upcoming,
                    "today": today,
                    "site_url": absolute_url(""),
                },
            )
    return {"reminders": sent, "digests": digests}


def follower_digests_send(*, now=None) -> int:
    """One e-mail per follower per day at most, listing the published changes since the
    last one, with an unsubscribe link for each followed commitment."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    groups = selectors.active_subscriptions_by_recipient()
    sent = 0
    for recipient, subscriptions in groups.items():
        sections = []
        for subscription in subscriptions:
            since = subscription.last_digest_at or subscription.confirmed_at
            updates = selectors.published_updates_between(
                commitment_id=subscription.commitment_id, since=since, until=now
            )
            if updates:
                sections.append(
                    {
                        "commitment": subscription.commitment,
                        "updates": updates,
                        "url": absolute_url(subscription.commitment.get_absolute_url()),
                        "unsubscribe_url": absolute_url(
                            reverse(
                                "commitments:subscription_unsubscribe",
                                kwargs={"token": subscription.token},
                            )
                        ),
                    }
                )
        if not sections:
            continue
        with transaction.atomic():
            sent_now = _send_notice(
                recipient=recipient,
                keys=[f"follower-digest:{today.isoformat()}"],
                today=today,
                subject=_("%(portal)s: novedades de los compromisos que sigue")
                % {"portal": city.text("portal_name")},
                template="commitments/email/follower_digest.txt",
                ctx={"sections": sections},
            )
            if sent_now:
                Subscription.objects.filter(
                    pk__in=[s.pk for s in subscriptions]
                ).update(last_digest_at=now)
        sent += sent_now
    return sent
