"""Notices, follows, the e-mail digests and unsubscribe links."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city
from openlima.conf import email_subject_prefix
from openlima.errors import Invalid, NotFound
from openlima.selectors import absolute_url
from openlima.services import outbox_enqueue

from .. import selectors
from ..models import (
    Consultation,
    Follow,
    Notification,
    NotificationSettings,
    Proposal,
)
from .common import _locked, _validate


def notification_settings_get(*, user) -> NotificationSettings:
    obj, _created = NotificationSettings.objects.get_or_create(user=user)
    return obj


@transaction.atomic
def notification_settings_update(*, user, frequency: str, follow_own_proposals: bool):
    obj = notification_settings_get(user=user)
    obj.frequency = frequency
    obj.follow_own_proposals = follow_own_proposals
    _validate(obj)
    obj.save(update_fields=["frequency", "follow_own_proposals"])
    return obj


def notify(*, user_ids, kind: str, text: str, url: str = "", exclude=()) -> int:
    """Queue a notice for each user (respecting their settings); immediate ones go out
    after commit through the outbox, the rest in the daily digest."""
    user_ids = {u for u in user_ids if u and u not in set(exclude)}
    if not user_ids:
        return 0
    prefs = dict(
        NotificationSettings.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "frequency"
        )
    )
    rows = []
    immediate = []
    for uid in sorted(user_ids):
        freq = prefs.get(uid, NotificationSettings.Frequency.DAILY)
        if freq == NotificationSettings.Frequency.NEVER:
            continue
        rows.append(Notification(user_id=uid, kind=kind, text=text[:400], url=url))
        if freq == NotificationSettings.Frequency.IMMEDIATE:
            immediate.append(uid)
    Notification.objects.bulk_create(rows)
    for uid in immediate:
        from participation.tasks import send_notifications

        outbox_enqueue(send_notifications, uid)
    return len(rows)


def followers(*, kind: str, target_id: int) -> list[int]:
    return list(
        Follow.objects.filter(kind=kind, target_id=target_id).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def follow_set(*, user, kind: str, target_id: int, follow: bool) -> bool:
    selectors.access_participation(user=user)
    followable: dict[str, type[Proposal | Consultation]] = {
        Follow.Kind.PROPOSAL: Proposal,
        Follow.Kind.CONSULTATION: Consultation,
    }
    model = followable.get(kind)
    if model is None or not model.objects.filter(pk=target_id).exists():
        raise NotFound(_("No se puede seguir este elemento."))
    if follow:
        try:
            with transaction.atomic():
                Follow.objects.create(user=user, kind=kind, target_id=target_id)
        except IntegrityError:
            pass
    else:
        Follow.objects.filter(user=user, kind=kind, target_id=target_id).delete()
    return follow


def notifications_send(*, user, digest: bool) -> int:
    """E-mail pending notices of one user in one message, with an unsubscribe link."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    if not user.is_active or user.deleted_at:
        return 0
    with transaction.atomic():
        pending = list(
            _locked(
                Notification.objects.filter(user=user, sent_at__isnull=True)
            ).order_by("id")[:100]
        )
        if not pending:
            return 0
        site = absolute_url()
        context = {
            "notifications": pending,
            "site": site,
            "digest": digest,
            "unsubscribe_url": site + unsubscribe_path(user=user),
            "settings_url": site + reverse("participation:notification_settings"),
        }
        body = render_to_string("participation/email/notifications.txt", context)
        subject = (
            _("%(name)s: su resumen del día")
            % {"name": city.text("participation_name")}
            if digest
            else _("%(name)s: novedades") % {"name": city.text("participation_name")}
        )
        send_mail(
            f"{email_subject_prefix()}{subject}",
            body,
            None,
            [user.email],
            fail_silently=False,
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            sent_at=timezone.now()
        )
        if digest:
            NotificationSettings.objects.update_or_create(
                user=user, defaults={"last_digest_at": timezone.now()}
            )
    return len(pending)


def unsubscribe_path(*, user) -> str:
    from django.core import signing

    token = signing.dumps({"u": user.pk}, salt="participation.unsubscribe")
    return reverse("participation:unsubscribe", args=[token])


@transaction.atomic
def unsubscribe_by_token(*, token: str):
    from django.contrib.auth import get_user_model
    from django.core import signing

    try:
        data = signing.loads(token, salt="participation.unsubscribe")
        user = get_user_model().objects.get(pk=data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Invalid(_("El enlace para darte de baja no es válido.")) from exc
    except get_user_model().DoesNotExist as exc:
        raise Invalid(_("El enlace para darte de baja no es válido.")) from exc
    prefs = notification_settings_get(user=user)
    prefs.frequency = NotificationSettings.Frequency.NEVER
    prefs.save(update_fields=["frequency"])
    Notification.objects.filter(user=user, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    return user


def follower_digests_send() -> int:
    """The daily digest: one e-mail per person at most, with everything they follow that
    changed (a person whose digest went out in the last 20 hours is skipped, so a second run
    the same day sends nothing)."""
    from django.contrib.auth import get_user_model

    recent = timezone.now() - timedelta(hours=20)
    daily_users = (
        Notification.objects.filter(sent_at__isnull=True)
        .exclude(
            user__participation_notifications__frequency=NotificationSettings.Frequency.NEVER
        )
        .exclude(user__participation_notifications__last_digest_at__gt=recent)
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in get_user_model().objects.filter(pk__in=list(daily_users)).iterator():
        sent += bool(notifications_send(user=user, digest=True))
    return sent
