"""Indicators of commitments and their measurements."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .plans import Commitment


class Indicator(models.Model):
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="indicators",
        db_index=False,
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
        db_index=False,
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
