"""Participation sessions and their registrations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import HttpsURLField

from .proposals import Proposal


class Session(models.Model):
    """A participation session (Lima Activa física y digitalmente)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Presencial")
        ONLINE = "online", _("Virtual")
        HYBRID = "hybrid", _("Híbrida")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Programada")
        CANCELLED = "cancelled", _("Cancelada")
        CLOSED = "closed", _("Realizada")

    title = models.CharField(_("título"), max_length=200)
    agenda = models.TextField(_("agenda"))
    mode = models.CharField(_("modalidad"), max_length=10, choices=Mode.choices)
    district = models.ForeignKey(
        "openlima.District",
        verbose_name=_("distrito"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("dirección"), max_length=300, blank=True)
    online_url = HttpsURLField(_("enlace de conexión"), blank=True)
    starts_at = models.DateTimeField(_("inicio"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveIntegerField(_("aforo"))
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    registered_count = models.PositiveIntegerField(_("inscritos"), default=0)
    minutes = models.TextField(_("acta"), blank=True)
    attendance_count = models.PositiveIntegerField(_("asistencia"), default=0)
    proposals = models.ManyToManyField(
        Proposal,
        verbose_name=_("propuestas surgidas"),
        blank=True,
        related_name="sessions",
    )
    organiser_unit = models.ForeignKey(
        "openlima.OrgUnit",
        verbose_name=_("unidad organizadora"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("sesión de participación")
        verbose_name_plural = _("sesiones de participación")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_cap"),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.registered_count)


class SessionRegistration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmada")
        WAITLISTED = "waitlisted", _("En lista de espera")
        CANCELLED = "cancelled", _("Cancelada")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="registration_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.session_id} ({self.status})"
