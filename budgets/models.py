"""Participatory budgeting (Presupuesto Participativo): verified residents, processes with
phases, headings with an amount, projects, supports, ballots and results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import AmountField
from openlima.models import District, OrgUnit


class ResidentVerification(models.Model):
    """A citizen's claim to be a resident: the DNI only as a keyed hash, never in clear."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pendiente de verificación presencial")
        VERIFIED = "verified", _("verificado")
        REJECTED = "rejected", _("rechazado")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="resident_verification",
    )
    dni_hmac = models.CharField(_("huella del DNI (HMAC)"), max_length=64)
    birth_date = models.DateField(_("fecha de nacimiento"))
    district = models.ForeignKey(
        District,
        verbose_name=_("distrito de residencia"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    backend = models.CharField(_("método de verificación"), max_length=200)
    created_at = models.DateTimeField(_("solicitada el"), default=timezone.now)
    decided_at = models.DateTimeField(_("decidida el"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decidida por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rejection_reason = models.CharField(
        _("motivo del rechazo"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("verificación de residencia")
        verbose_name_plural = _("verificaciones de residencia")
        constraints = [
            # One person (one DNI) verifies at most one account; a rejected claim frees it.
            # A pending claim does not hold the DNI (a false claim must not block its
            # real owner): the office confirms whoever shows the card (docs/journeys.md).
            models.UniqueConstraint(
                fields=["dni_hmac"],
                condition=Q(status="verified"),
                name="budgets_one_verified_account_per_dni",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_status_display()}"


class BudgetProcess(models.Model):
    """One participatory budget edition; its phase follows the dates (publish_scheduled)."""

    class Phase(models.TextChoices):
        DRAFT = "draft", _("en preparación")
        ACCEPTING = "accepting", _("presentación de proyectos")
        REVIEW = "review", _("evaluación técnica")
        SELECTING = "selecting", _("apoyos")
        BALLOTING = "balloting", _("votación")
        RESULTS = "results", _("resultados")
        EXECUTION = "execution", _("ejecución")

    class VotingStyle(models.TextChoices):
        KNAPSACK = "knapsack", _("con presupuesto (hasta el monto de la partida)")
        APPROVAL = "approval", _("por aprobación (hasta N proyectos)")

    PHASE_ORDER = [
        Phase.DRAFT,
        Phase.ACCEPTING,
        Phase.REVIEW,
        Phase.SELECTING,
        Phase.BALLOTING,
        Phase.RESULTS,
        Phase.EXECUTION,
    ]
    # Phase -> the date field at which it starts.
    PHASE_STARTS = {
        Phase.ACCEPTING: "accepting_starts_at",
        Phase.REVIEW: "review_starts_at",
        Phase.SELECTING: "selecting_starts_at",
        Phase.BALLOTING: "balloting_starts_at",
        Phase.RESULTS: "balloting_ends_at",
        Phase.EXECUTION: "execution_starts_at",
    }

    title = models.CharField(_("título"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("descripción"), blank=True)
    phase = models.CharField(
        _("fase"), max_length=12, choices=Phase.choices, default=Phase.DRAFT
    )
    voting_style = models.CharField(
        _("tipo de votación"),
        max_length=10,
        choices=VotingStyle.choices,
        default=VotingStyle.KNAPSACK,
    )
    approval_max_projects = models.PositiveSmallIntegerField(
        _("máximo de proyectos por cédula (votación por aprobación)"), default=3
    )
    accepting_starts_at = models.DateTimeField(_("inicio de presentación"))
    review_starts_at = models.DateTimeField(_("inicio de evaluación"))
    selecting_starts_at = models.DateTimeField(_("inicio de apoyos"))
    balloting_starts_at = models.DateTimeField(_("inicio de votación"))
    balloting_ends_at = models.DateTimeField(_("cierre de votación"))
    execution_starts_at = models.DateTimeField(_("inicio de ejecución"))
    execution_due_on = models.DateField(_("fecha prevista de ejecución"), null=True)
    results_published_at = models.DateTimeField(
        _("resultados publicados el"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-balloting_starts_at", "-id"]
        verbose_name = _("proceso de presupuesto participativo")
        verbose_name_plural = _("procesos de presupuesto participativo")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_starts_at__gte=models.F("accepting_starts_at"))
                & Q(selecting_starts_at__gte=models.F("review_starts_at"))
                & Q(balloting_starts_at__gte=models.F("selecting_starts_at"))
                & Q(balloting_ends_at__gt=models.F("balloting_starts_at"))
                & Q(execution_starts_at__gte=models.F("balloting_ends_at")),
                name="budgets_process_phase_dates_in_order",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("budgets:process", args=[self.slug])

    def phase_at(self, now):
        """The phase the dates say the process is in at `now`."""
        current = self.Phase.DRAFT
        for phase, field in self.PHASE_STARTS.items():
            if getattr(self, field) <= now:
                current = phase
        return current

    def phase_index(self, phase=None) -> int:
        return self.PHASE_ORDER.index(phase or self.phase)

    @property
    def is_approval(self) -> bool:
        return self.voting_style == self.VotingStyle.APPROVAL

    def timeline(self):
        """[(phase, label, starts_at, state)] with state past/current/future."""
        current = self.phase_index()
        rows = []
        for phase, field in self.PHASE_STARTS.items():
            index = self.phase_index(phase)
            state = (
                "current"
                if index == current
                else "past"
                if index < current
                else "future"
            )
            rows.append((phase, phase.label, getattr(self, field), state))
        return rows


class Heading(models.Model):
    """A pot of money: city-wide (no district) or for one district."""

    process = models.ForeignKey(
        BudgetProcess,
        verbose_name=_("proceso"),
        on_delete=models.CASCADE,
        related_name="headings",
        db_index=False,
    )
    name = models.CharField(_("nombre"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    district = models.ForeignKey(
        District,
        verbose_name=_("distrito"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vacío: partida de toda la ciudad."),
    )
    amount = AmountField(_("monto (S/)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["process", "district__name", "name"]
        verbose_name = _("partida")
        verbose_name_plural = _("partidas")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "slug"], name="budgets_heading_slug_per_process"
            ),
            models.UniqueConstraint(
                fields=["process", "district"],
                name="budgets_one_heading_per_district",
            ),
            models.UniqueConstraint(
                fields=["process"],
                condition=Q(district__isnull=True),
                name="budgets_one_city_heading",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="budgets_heading_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.process} · {self.name}"

    def get_absolute_url(self):
        return reverse("budgets:heading", args=[self.process.slug, self.slug])

    @property
    def is_city_wide(self) -> bool:
        return self.district_id is None


class Project(models.Model):
    """A proposal for spending part of a heading, costed and assessed by a unit."""

    class Feasibility(models.TextChoices):
        PENDING = "pending", _("en evaluación")
        FEASIBLE = "feasible", _("viable")
        UNFEASIBLE = "unfeasible", _("no viable")

    class Tracking(models.TextChoices):
        NONE = "", _("sin seguimiento")
        PENDING = "pending", _("seguimiento pendiente")
        TRACKED = "tracked", _("en seguimiento")

    heading = models.ForeignKey(
        Heading,
        verbose_name=_("partida"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    title = models.CharField(_("título"), max_length=200)
    description = models.TextField(_("descripción"), max_length=5000)
    location = models.CharField(_("ubicación"), max_length=200, blank=True)
    estimated_cost = AmountField(
        _("costo estimado (S/)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Estimado por la unidad orgánica responsable."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("propuesto por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unidad responsable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    feasibility = models.CharField(
        _("viabilidad"),
        max_length=12,
        choices=Feasibility.choices,
        default=Feasibility.PENDING,
    )
    unfeasibility_reason = models.TextField(
        _("motivo público de no viabilidad"), blank=True
    )
    is_selected = models.BooleanField(_("seleccionado para la votación"), default=False)
    support_count = models.PositiveIntegerField(_("apoyos"), default=0)
    ballot_count = models.PositiveIntegerField(_("votos"), default=0)
    is_winner = models.BooleanField(_("ganador"), default=False)
    result_position = models.PositiveIntegerField(
        _("puesto en resultados"), null=True, blank=True
    )
    tracking_status = models.CharField(
        _("seguimiento"),
        max_length=10,
        choices=Tracking.choices,
        default=Tracking.NONE,
        blank=True,
    )
    tracking_url = models.CharField(
        _("enlace de seguimiento"), max_length=300, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["heading", "title", "id"]
        verbose_name = _("proyecto")
        verbose_name_plural = _("proyectos")
        constraints = [
            models.CheckConstraint(
                condition=~Q(feasibility="unfeasible") | ~Q(unfeasibility_reason=""),
                name="budgets_unfeasible_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(estimated_cost__isnull=True) | Q(estimated_cost__gt=0),
                name="budgets_project_cost_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "budgets:project",
            args=[self.heading.process.slug, self.heading.slug, self.pk],
        )

    def clean(self):
        from django.core.exceptions import ValidationError

        if (
            self.feasibility == self.Feasibility.UNFEASIBLE
            and not (self.unfeasibility_reason or "").strip()
        ):
            raise ValidationError(
                {
                    "unfeasibility_reason": _(
                        "Indique el motivo público por el que el proyecto no es viable."
                    )
                }
            )
        if self.is_selected and (
            self.feasibility != self.Feasibility.FEASIBLE or not self.estimated_cost
        ):
            raise ValidationError(
                {
                    "is_selected": _(
                        "Solo un proyecto viable y con costo estimado puede ir a votación."
                    )
                }
            )


class ProjectImage(models.Model):
    """A picture of a project; stored re-encoded, without EXIF/GPS metadata."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("proyecto"),
        on_delete=models.CASCADE,
        related_name="images",
    )
    image = models.ImageField(_("imagen"), upload_to="budgets/projects/%Y/%m/")
    alt_text = models.CharField(_("texto alternativo"), max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("imagen de proyecto")
        verbose_name_plural = _("imágenes de proyecto")

    def __str__(self):
        return self.alt_text


class Support(models.Model):
    """A resident's support for a project in the selecting phase (to shortlist it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("apoyo")
        verbose_name_plural = _("apoyos")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "project"], name="budgets_one_support_per_project"
            )
        ]

    def __str__(self):
        return f"{self.project_id} · {self.user_id}"


class Ballot(models.Model):
    """One resident's ballot in one heading, cast on the web or on paper."""

    class Channel(models.TextChoices):
        WEB = "web", _("web")
        PAPER = "paper", _("papel (punto de votación)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vecino/a"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    heading = models.ForeignKey(
        Heading,
        verbose_name=_("partida"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("proyectos"), related_name="ballots"
    )
    channel = models.CharField(
        _("canal"), max_length=6, choices=Channel.choices, default=Channel.WEB
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrada por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("emitida el"), default=timezone.now)
    updated_at = models.DateTimeField(_("modificada el"), default=timezone.now)
    # The voter's DNI fingerprint (the same keyed hash as their verification) at casting:
    # one DNI has at most one counted ballot per heading, whatever happens to accounts.
    dni_hmac = models.CharField(
        _("huella del DNI (HMAC)"), max_length=64, blank=True, editable=False
    )
    # Set when the voter's residence is rejected after voting: the ballot stays (for the
    # record) but is no longer counted.
    voided_at = models.DateTimeField(
        _("anulada el"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cédula")
        verbose_name_plural = _("cédulas")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "heading"], name="budgets_one_ballot_per_heading"
            ),
            models.UniqueConstraint(
                fields=["dni_hmac", "heading"],
                condition=Q(voided_at__isnull=True) & ~Q(dni_hmac=""),
                name="budgets_one_counted_ballot_per_dni",
            ),
        ]

    def __str__(self):
        return f"{self.heading} · {self.get_channel_display()} #{self.pk}"


class PaperBallot(Ballot):
    """Admin entry point for ballots cast on paper at an in-person voting point."""

    class Meta:
        proxy = True
        verbose_name = _("cédula en papel")
        verbose_name_plural = _("cédulas en papel")


class VerificationOffice(models.Model):
    """Where residents confirm their verification in person (issue 12): staff keep the
    list in /gestion/; the verification page shows it to whoever is pending."""

    name = models.CharField(_("nombre"), max_length=200)
    address = models.CharField(_("dirección"), max_length=300)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("distrito"),
    )
    hours = models.CharField(
        _("horario de atención"),
        max_length=300,
        help_text=_("Por ejemplo: lunes a viernes de 8:30 a 16:30."),
    )
    notes = models.CharField(_("indicaciones"), max_length=300, blank=True)
    is_active = models.BooleanField(_("activa"), default=True)
    position = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("oficina de verificación")
        verbose_name_plural = _("oficinas de verificación")

    def __str__(self):
        return self.name
