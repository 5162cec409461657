"""Consultations, their options and ratings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consultation(models.Model):
    """A weighted consultation: each participant rates each option on a published scale."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        SCHEDULED = "scheduled", _("Programada")
        OPEN = "open", _("Abierta")
        CLOSED = "closed", _("Cerrada")

    class Cut(models.TextChoices):
        TOP_SHARE = "top_share", _("Las opciones del tramo superior del ranking")
        SCORE_SHARE = "score_share", _("Puntaje de al menos una fracción del máximo")

    title = models.CharField(_("título"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    question = models.CharField(_("pregunta"), max_length=300)
    contribution_question = models.CharField(
        _("pregunta de aportes"), max_length=300, blank=True
    )
    description = models.TextField(_("descripción"), blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("abre el"))
    closes_at = models.DateTimeField(_("cierra el"))
    weight_high = models.PositiveSmallIntegerField(_("peso muy prioritario"), default=3)
    weight_medium = models.PositiveSmallIntegerField(_("peso prioritario"), default=2)
    weight_low = models.PositiveSmallIntegerField(_("peso poco prioritario"), default=1)
    cut_kind = models.CharField(
        _("regla de corte"), max_length=20, choices=Cut.choices, default=Cut.TOP_SHARE
    )
    cut_fraction = models.DecimalField(
        _("fracción del corte"),
        max_digits=4,
        decimal_places=3,
        default="0.100",
        help_text=_("0,1 = décimo superior."),
    )
    # Issue 12: results may stay hidden until the consultation closes, so early figures do
    # not sway later participants (page, API and admin honour it).
    hide_results_while_open = models.BooleanField(
        _("ocultar los resultados parciales mientras esté abierta"), default=False
    )
    created_at = models.DateTimeField(_("creada el"), default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("consulta")
        verbose_name_plural = _("consultas")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(cut_fraction__gt=0) & Q(cut_fraction__lte=1),
                name="consultation_cut_fraction_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def weights(self) -> dict[str, int]:
        return {
            Level.HIGH: self.weight_high,
            Level.MEDIUM: self.weight_medium,
            Level.LOW: self.weight_low,
        }

    @property
    def results_hidden(self) -> bool:
        """True while a consultation not yet closed keeps its partial results hidden."""
        return self.hide_results_while_open and self.status != self.Status.CLOSED

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class Level(models.TextChoices):
    HIGH = "high", _("Muy prioritario")
    MEDIUM = "medium", _("Prioritario")
    LOW = "low", _("Poco prioritario")


class ConsultationOption(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="options"
    )
    title = models.CharField(_("opción"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    commitment_id = models.PositiveIntegerField(
        _("compromiso (id)"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("opción")
        verbose_name_plural = _("opciones")

    def __str__(self):
        return self.title


class ConsultationRating(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    option = models.ForeignKey(
        ConsultationOption,
        on_delete=models.CASCADE,
        related_name="ratings",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("prioridad"), max_length=10, choices=Level.choices)
    contribution = models.TextField(_("aporte"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calificación")
        verbose_name_plural = _("calificaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "user"], name="rating_one_per_option_user"
            )
        ]
        indexes = [
            models.Index(fields=["consultation", "user"], name="rating_cons_user")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.option_id} = {self.level}"
