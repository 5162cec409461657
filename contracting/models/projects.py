"""Public works as OC4IDS projects and their progress reports (docs/contracting.md)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import AmountField, HttpsURLField

from .common import AMOUNT_FIELD


class InfrastructureProject(models.Model):
    """An OC4IDS project: a public work and the processes that build it."""

    class Status(models.TextChoices):
        """OC4IDS `projectStatus` codelist (the phases shown here)."""

        IDENTIFICATION = "identification", _("Identificación")
        PREPARATION = "preparation", _("Preparación")
        IMPLEMENTATION = "implementation", _("En ejecución")
        COMPLETION = "completion", _("Concluida")
        CANCELLED = "cancelled", _("Cancelada")

    slug = models.SlugField(_("identificador"), max_length=120, unique=True)
    title = models.CharField(_("título"), max_length=300)
    description = models.TextField(_("descripción"), max_length=5000)
    district = models.ForeignKey(
        "openlima.District",
        on_delete=models.PROTECT,
        related_name="infrastructure_projects",
        verbose_name=_("distrito"),
    )
    unit = models.ForeignKey(
        "openlima.OrgUnit",
        on_delete=models.PROTECT,
        related_name="infrastructure_projects",
        verbose_name=_("unidad responsable"),
    )
    status = models.CharField(
        _("estado"),
        max_length=16,
        choices=Status.choices,
        default=Status.IDENTIFICATION,
    )
    sector = models.CharField(
        _("sector (OC4IDS projectSector)"), max_length=40, default="transport.road"
    )
    budget_amount = AmountField(_("presupuesto (S/)"), **AMOUNT_FIELD)
    cost_amount = AmountField(_("costo a la fecha (S/)"), **AMOUNT_FIELD)
    progress = models.PositiveSmallIntegerField(
        _("avance físico (%)"),
        default=0,
        validators=[MinValueValidator(0)],
    )
    start_on = models.DateField(_("inicio previsto"), null=True, blank=True)
    end_on = models.DateField(_("fin previsto"), null=True, blank=True)
    completed_on = models.DateField(_("concluida el"), null=True, blank=True)
    commitment_milestone_id = models.PositiveIntegerField(
        _("hito de compromiso (id)"), null=True, blank=True
    )
    proposal_id = models.PositiveIntegerField(
        _("propuesta de Lima Activa (id)"), null=True, blank=True
    )
    publish_at = models.DateTimeField(_("publicar el"), null=True, blank=True)
    is_published = models.BooleanField(_("publicado"), default=False)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("obra (proyecto de infraestructura)")
        verbose_name_plural = _("obras (proyectos de infraestructura)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="ctr_progress_max_100"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("contracting:project", args=[self.slug])


class ProgressReport(models.Model):
    """A dated report of a work's physical progress (with an optional photo link)."""

    project = models.ForeignKey(
        InfrastructureProject, on_delete=models.CASCADE, related_name="reports"
    )
    date = models.DateField(_("fecha"))
    progress = models.PositiveSmallIntegerField(_("avance físico (%)"))
    note = models.CharField(_("nota"), max_length=1000, blank=True)
    photo_url = HttpsURLField(_("foto (https)"), max_length=500, blank=True)
    # An uploaded photo, re-encoded without EXIF (docs/contracting.md): used before
    # photo_url when both are given.
    photo = models.FileField(
        _("foto (archivo)"), upload_to="contracting/photos/", max_length=200, blank=True
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("informe de avance")
        verbose_name_plural = _("informes de avance")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="ctr_report_progress_max"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.progress}%"

    @property
    def photo_name(self) -> str:
        return self.photo.name.rsplit("/", 1)[-1] if self.photo else ""
