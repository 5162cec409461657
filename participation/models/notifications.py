"""Follows, notification settings and notices."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Follow(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Propuesta")
        CONSULTATION = "consultation", _("Consulta")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "target_id"], name="follow_one_per_user"
            )
        ]
        indexes = [models.Index(fields=["kind", "target_id"], name="follow_target")]

    def __str__(self):
        return f"{self.user_id} → {self.kind}:{self.target_id}"


class NotificationSettings(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("En cuanto ocurra")
        DAILY = "daily", _("Un resumen diario")
        NEVER = "never", _("Nunca")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participation_notifications",
    )
    frequency = models.CharField(
        _("avisos por correo"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    follow_own_proposals = models.BooleanField(
        _("seguir automáticamente mis propuestas"), default=True
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.user_id}: {self.frequency}"


class Notification(models.Model):
    """A notice waiting for the next e-mail (immediately or in the daily digest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=400)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "user"], name="notif_pending")]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"
