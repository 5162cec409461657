"""Action plans, their commitments and milestones, evidence, the public progress history,
indicators, followers and the record of reminders already sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import HttpsURLField


class PlanLevel(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("Nacional")


class PlanStatus(models.TextChoices):
    CO_CREATION = "co_creation", _("Cocreación")
    PUBLIC_CONSULTATION = "public_consultation", _("Consulta pública")
    IMPLEMENTATION = "implementation", _("Implementación")
    CLOSED = "closed", _("Cerrado")


class OgpValue(models.TextChoices):
    TRANSPARENCY = "transparency", _("Transparencia")
    ACCOUNTABILITY = "accountability", _("Rendición de cuentas")
    PARTICIPATION = "participation", _("Participación ciudadana")
    TECHNOLOGY_INNOVATION = "technology_innovation", _("Tecnología e innovación")


class CompletionLevel(models.TextChoices):
    """OGP IRM completion vocabulary."""

    NO_EVIDENCE = "no_evidence", _("Sin evidencia disponible")
    NOT_STARTED = "not_started", _("No iniciado")
    LIMITED = "limited", _("Limitado")
    SUBSTANTIAL = "substantial", _("Sustancial")
    COMPLETE = "complete", _("Completo")


class OpenGovernmentEffect(models.TextChoices):
    """OGP IRM "did it open government?" scale."""

    WORSENED = "worsened", _("Empeoró")
    DID_NOT_CHANGE = "did_not_change", _("No cambió")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Importante")
    OUTSTANDING = "outstanding", _("Sobresaliente")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("No iniciado")
    IN_PROGRESS = "in_progress", _("En curso")
    COMPLETED = "completed", _("Completado")
    DELAYED = "delayed", _("Retrasado")
    CANCELLED = "cancelled", _("Cancelado")


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


class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="milestones",
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


class Indicator(models.Model):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("nombre"), max_length=300)
    unit_label = models.CharField(_("unidad de medida"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["commitment_id", "order", "id"]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "name"], name="commitments_indicator_unique"
            )
        ]

    def __str__(self):
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicador"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_on = models.DateField(_("fecha"))
    value = models.DecimalField(_("valor"), max_digits=14, decimal_places=2)
    source = models.CharField(_("fuente"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator_id", "measured_on", "id"]
        verbose_name = _("medición")
        verbose_name_plural = _("mediciones")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="commitments_measurement_unique",
            )
        ]

    def __str__(self):
        return f"{self.measured_on}: {self.value}"


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
