"""Action plans and their commitments."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    CompletionLevel,
    MilestoneStatus,
    OgpValue,
    OpenGovernmentEffect,
    PlanLevel,
    PlanStatus,
)


class ActionPlan(models.Model):
    title = models.CharField(_("título"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    government = models.CharField(_("gobierno"), max_length=255, blank=True)
    level = models.CharField(
        _("nivel"), max_length=20, choices=PlanLevel.choices, default=PlanLevel.LOCAL
    )
    programme = models.CharField(_("programa"), max_length=100, blank=True)
    period_start = models.DateField(_("inicio del periodo"))
    period_end = models.DateField(_("fin del periodo"))
    status = models.CharField(
        _("estado"),
        max_length=30,
        choices=PlanStatus.choices,
        default=PlanStatus.CO_CREATION,
    )
    coordinating_unit = models.ForeignKey(
        "openlima.OrgUnit",
        verbose_name=_("unidad coordinadora"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
    )
    coordinating_unit_name = models.CharField(
        _("unidad coordinadora (texto)"), max_length=255, blank=True
    )
    civil_society_partner = models.CharField(
        _("socio de la sociedad civil"), max_length=255, blank=True
    )
    published_on = models.DateField(_("fecha de publicación"), null=True, blank=True)
    is_published = models.BooleanField(_("publicado"), default=False)
    source = models.TextField(_("fuente"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-period_start", "id"]
        verbose_name = _("plan de acción")
        verbose_name_plural = _("planes de acción")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="commitments_plan_period_order",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commitments:plan_detail", kwargs={"plan_slug": self.slug})

    def clean(self):
        if (
            self.period_start
            and self.period_end
            and self.period_end < self.period_start
        ):
            raise ValidationError(
                {"period_end": _("El fin del periodo no puede ser anterior al inicio.")}
            )


class Commitment(models.Model):
    plan = models.ForeignKey(
        ActionPlan,
        verbose_name=_("plan de acción"),
        on_delete=models.CASCADE,
        related_name="commitments",
        db_index=False,
    )
    number = models.PositiveSmallIntegerField(
        _("número"), validators=[MinValueValidator(1)]
    )
    slug = models.SlugField(_("slug"), max_length=100)
    title = models.CharField(_("título"), max_length=300)
    component = models.CharField(_("componente / eje"), max_length=200, blank=True)
    responsible_units = models.ManyToManyField(
        "openlima.OrgUnit",
        verbose_name=_("unidades responsables"),
        blank=True,
        related_name="commitments",
    )
    responsible_text = models.CharField(
        _("responsable (texto)"),
        max_length=300,
        blank=True,
        help_text=_("Para entidades que no son unidades de esta municipalidad."),
    )
    ogp_values = models.CharField(
        _("valores OGP"),
        max_length=200,
        blank=True,
        help_text=_("Códigos separados por comas."),
    )
    sdg_targets = models.CharField(
        _("metas ODS"), max_length=200, blank=True, help_text=_("Separadas por comas.")
    )
    problem = models.TextField(_("problema"), blank=True)
    stoppers = models.TextField(
        _("problemáticas (stoppers)"), blank=True, help_text=_("Una por línea.")
    )
    objective = models.TextField(_("objetivo"), blank=True)
    expected_results = models.TextField(
        _("resultados esperados e indicadores"), blank=True
    )
    implementation_start = models.DateField(
        _("inicio de la implementación"), null=True, blank=True
    )
    implementation_end = models.DateField(
        _("fin de la implementación"), null=True, blank=True
    )
    commitment_start = models.DateField(
        _("inicio del compromiso"), null=True, blank=True
    )
    commitment_end = models.DateField(_("fin del compromiso"), null=True, blank=True)
    completion_level = models.CharField(
        _("nivel de cumplimiento"),
        max_length=20,
        choices=CompletionLevel.choices,
        blank=True,
    )
    open_government_effect = models.CharField(
        _("¿contribuyó a abrir el gobierno?"),
        max_length=20,
        choices=OpenGovernmentEffect.choices,
        blank=True,
    )
    note = models.TextField(_("nota"), blank=True)
    # Derived from the weighted milestones by services.commitment_recompute; never typed.
    progress = models.PositiveSmallIntegerField(
        _("avance (%)"), default=0, editable=False
    )
    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.NOT_STARTED,
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["plan_id", "number", "id"]
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="commitments_commitment_number_unique"
            ),
            models.UniqueConstraint(
                fields=["plan", "slug"], name="commitments_commitment_slug_unique"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="commitments_commitment_progress"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse(
            "commitments:commitment_detail",
            kwargs={"plan_slug": self.plan.slug, "commitment_slug": self.slug},
        )

    def clean(self):
        errors = {}
        if (
            self.implementation_start
            and self.implementation_end
            and self.implementation_end < self.implementation_start
        ):
            errors["implementation_end"] = _(
                "El fin de la implementación no puede ser anterior a su inicio."
            )
        if (
            self.commitment_start
            and self.commitment_end
            and self.commitment_end < self.commitment_start
        ):
            errors["commitment_end"] = _(
                "El fin del compromiso no puede ser anterior a su inicio."
            )
        bad = [v for v in self.ogp_value_list if v not in OgpValue.values]
        if bad:
            errors["ogp_values"] = _("Valor OGP desconocido: %(v)s") % {
                "v": ", ".join(bad)
            }
        if errors:
            raise ValidationError(errors)

    @property
    def ogp_value_list(self) -> list[str]:
        return [v.strip() for v in self.ogp_values.split(",") if v.strip()]

    @property
    def ogp_value_labels(self) -> list[str]:
        labels = dict(OgpValue.choices)
        return [str(labels.get(v, v)) for v in self.ogp_value_list]

    @property
    def sdg_target_list(self) -> list[str]:
        return [v.strip() for v in self.sdg_targets.split(",") if v.strip()]

    @property
    def stopper_list(self) -> list[str]:
        return [v.strip() for v in self.stoppers.splitlines() if v.strip()]

    @property
    def expected_result_list(self) -> list[str]:
        return [v.strip() for v in self.expected_results.splitlines() if v.strip()]
