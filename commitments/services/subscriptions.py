"""Follows and e-mail subscriptions to commitments (double opt-in)."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openlima.errors import Invalid, NotFound
from openlima.selectors import absolute_url
from openlima.services import outbox_enqueue

from ..models import (
    Commitment,
    Subscription,
)


@transaction.atomic
def subscription_follow(*, user, commitment: Commitment) -> Subscription:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    subscription, created = Subscription.objects.get_or_create(
        commitment=commitment,
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "confirmed_at": timezone.now()},
    )
    if not created and not subscription.is_active:
        subscription.confirmed_at = subscription.confirmed_at or timezone.now()
        subscription.unsubscribed_at = None
        subscription.last_digest_at = timezone.now()
        subscription.save(
            update_fields=["confirmed_at", "unsubscribed_at", "last_digest_at"]
        )
    return subscription


@transaction.atomic
def subscription_unfollow(*, user, commitment: Commitment) -> None:
    Subscription.objects.filter(
        commitment=commitment, user=user, unsubscribed_at__isnull=True
    ).update(unsubscribed_at=timezone.now())


@transaction.atomic
def subscription_request_email(*, email: str, commitment: Commitment) -> None:
    """Double opt-in: e-mail a confirmation link; the same answer whatever the state."""
    email = (email or "").strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError as exc:
        raise Invalid(
            _("Escriba un correo electrónico válido."),
            field_errors={"email": [_("Correo no válido.")]},
        ) from exc
    subscription = Subscription.objects.filter(
        commitment=commitment, email=email
    ).first()
    if subscription is None:
        subscription = Subscription.objects.create(
            commitment=commitment, email=email, token=secrets.token_urlsafe(32)
        )
    elif subscription.is_active:
        return
    elif subscription.unsubscribed_at:
        subscription.unsubscribed_at = None
        subscription.confirmed_at = None
        subscription.token = secrets.token_urlsafe(32)
        subscription.save(update_fields=["unsubscribed_at", "confirmed_at", "token"])
    # Recorded in the outbox: sent after commit, retried if the broker is down.
    from commitments.tasks import subscription_confirmation

    outbox_enqueue(subscription_confirmation, subscription.pk)


def subscription_send_confirmation(*, subscription_id: int) -> bool:
    subscription = (
        Subscription.objects.filter(
            pk=subscription_id, confirmed_at__isnull=True, unsubscribed_at__isnull=True
        )
        .select_related("commitment__plan")
        .first()
    )
    if subscription is None or not subscription.email:
        return False
    confirm_url = absolute_url(
        reverse(
            "commitments:subscription_confirm", kwargs={"token": subscription.token}
        )
    )
    unsubscribe_url = absolute_url(
        reverse(
            "commitments:subscription_unsubscribe", kwargs={"token": subscription.token}
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "commitments/email/confirm.txt",
            {
                "commitment": subscription.commitment,
                "confirm_url": confirm_url,
                "unsubscribe_url": unsubscribe_url,
            },
        )
        subject = _("Confirme que quiere seguir un compromiso")
    send_mail(subject, body, None, [subscription.email])
    return True


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        raise NotFound(_("El enlace no es válido o ya caducó."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.last_digest_at = timezone.now()
        subscription.save(update_fields=["confirmed_at", "last_digest_at"])
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription:
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        raise NotFound(_("El enlace no es válido."))
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription
