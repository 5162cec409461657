"""Subscriptions to commitments and the notices sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .plans import Commitment


class Subscription(models.Model):
    """A follower of a commitment: a registered user, or an e-mail confirmed by double
    opt-in."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitment_subscriptions",
    )
    email = models.EmailField(_("correo electrónico"), blank=True)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("seguidor")
        verbose_name_plural = _("seguidores")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "user"],
                condition=Q(user__isnull=False),
                name="commitments_subscription_user_unique",
            ),
            models.UniqueConstraint(
                fields=["commitment", "email"],
                condition=~Q(email=""),
                name="commitments_subscription_email_unique",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="commitments_subscription_has_recipient",
            ),
        ]

    def __str__(self):
        return self.recipient

    @property
    def recipient(self) -> str:
        return self.user.email if self.user_id else self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class SentNotice(models.Model):
    """Reminders and digests already e-mailed: the unique key makes a second run a no-op."""

    key = models.CharField(max_length=120)
    recipient = models.EmailField()
    sent_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aviso enviado")
        verbose_name_plural = _("avisos enviados")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], name="commitments_notice_unique"
            )
        ]

    def __str__(self):
        return f"{self.key} → {self.recipient}"
