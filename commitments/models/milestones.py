"""Milestones, their evidence and progress updates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import HttpsURLField

from .choices import MilestoneStatus
from .plans import Commitment


class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="milestones",
        db_index=False,
    )
    code = models.CharField(_("código"), max_length=10)
    title = models.CharField(_("título"), max_length=300)
    description = models.TextField(_("descripción"), blank=True)
    start_on = models.DateField(_("fecha de inicio"))
    due_on = models.DateField(_("fecha de vencimiento"))
    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(
        _("avance (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    completed_on = models.DateField(_("completado el"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("peso"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Cuánto pesa este hito en el avance del compromiso."),
    )
    delay_reason = models.TextField(_("motivo del retraso"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["commitment_id", "code", "id"]
        verbose_name = _("hito")
        verbose_name_plural = _("hitos")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "code"], name="commitments_milestone_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="commitments_milestone_progress_range",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("start_on")),
                name="commitments_milestone_dates_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="commitments_milestone_completed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1), name="commitments_milestone_weight_min"
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def clean(self):
        errors = {}
        if self.start_on and self.due_on and self.due_on < self.start_on:
            errors["due_on"] = _(
                "La fecha de vencimiento no puede ser anterior a la de inicio."
            )
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = _("El avance debe estar entre 0 y 100.")
        if self.status == MilestoneStatus.COMPLETED and not self.completed_on:
            errors["completed_on"] = _(
                "Un hito completado necesita su fecha de cumplimiento."
            )
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _(
                "La fecha de cumplimiento no puede estar en el futuro."
            )
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.due_on < today and self.status not in (
            MilestoneStatus.COMPLETED,
            MilestoneStatus.CANCELLED,
        )


def evidence_upload_to(instance, filename):
    now = timezone.now()
    return f"commitments/evidence/{now:%Y/%m}/{instance.stored_name}"


class Evidence(models.Model):
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("hito"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    description = models.CharField(_("descripción"), max_length=300)
    url = HttpsURLField(_("enlace"), max_length=500, blank=True)
    file = models.FileField(
        _("documento"), upload_to=evidence_upload_to, max_length=300, blank=True
    )
    stored_name = models.CharField(max_length=100, blank=True, editable=False)
    original_name = models.CharField(
        _("nombre del archivo"), max_length=255, blank=True, editable=False
    )
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    unit = models.ForeignKey(
        "openlima.OrgUnit",
        verbose_name=_("unidad"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    publish_at = models.DateTimeField(_("publicar el"), default=timezone.now)

    class Meta:
        ordering = ["milestone_id", "created_at", "id"]
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="commitments_evidence_link_or_file",
            )
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        if self.url:
            return self.url
        return reverse("commitments:evidence_file", kwargs={"evidence_id": self.pk})


class ProgressUpdate(models.Model):
    """Append-only public history: nothing about a milestone changes without one."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="updates",
        db_index=False,
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("hito"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="updates",
    )
    unit = models.ForeignKey(
        "openlima.OrgUnit",
        verbose_name=_("unidad"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autor (interno)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changes = models.JSONField(_("cambios"), default=dict, blank=True)
    note = models.TextField(_("nota"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("registrado el"), default=timezone.now)
    publish_at = models.DateTimeField(_("publicar el"), default=timezone.now)
    published_at = models.DateTimeField(_("publicado el"), null=True, blank=True)
    # When `changes` were applied to the milestone (at publication if scheduled).
    applied_at = models.DateTimeField(_("aplicado el"), null=True, blank=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("actualización de avance")
        verbose_name_plural = _("historial de avances")
        indexes = [
            models.Index(fields=["published_at"]),
            models.Index(fields=["commitment", "published_at"]),
        ]

    def __str__(self):
        return f"{self.commitment.number} · {self.publish_at:%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
