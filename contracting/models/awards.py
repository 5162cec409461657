"""Bids, awards, contracts and their execution: amendments, milestones, payments."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import AmountField

from .common import AMOUNT_FIELD
from .processes import ContractingProcess, Supplier


class Bid(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Válida")
        DISQUALIFIED = "disqualified", _("Descalificada")

    process = models.ForeignKey(
        ContractingProcess,
        on_delete=models.CASCADE,
        related_name="bids",
        db_index=False,
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, verbose_name=_("postor")
    )
    amount = AmountField(_("monto ofertado (S/)"), **AMOUNT_FIELD)
    submitted_at = models.DateTimeField(_("presentada el"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=14, choices=Status.choices, default=Status.VALID
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("oferta")
        verbose_name_plural = _("ofertas")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "supplier"], name="ctr_one_bid_per_supplier"
            )
        ]

    def __str__(self):
        return str(self.supplier)


class Award(models.Model):
    class Status(models.TextChoices):
        """OCDS `awardStatus` codelist."""

        PENDING = "pending", _("Pendiente")
        ACTIVE = "active", _("Vigente")
        CANCELLED = "cancelled", _("Cancelada")
        UNSUCCESSFUL = "unsuccessful", _("Desierta")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="awards"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, verbose_name=_("ganador")
    )
    amount = AmountField(_("monto adjudicado (S/)"), **AMOUNT_FIELD)
    date = models.DateTimeField(_("fecha de la buena pro"), default=timezone.now)
    status = models.CharField(
        _("estado"), max_length=14, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("adjudicación")
        verbose_name_plural = _("adjudicaciones")

    def __str__(self):
        return f"{self.supplier} — {self.amount}"


class Contract(models.Model):
    class Status(models.TextChoices):
        """OCDS `contractStatus` codelist."""

        PENDING = "pending", _("Pendiente")
        ACTIVE = "active", _("Vigente")
        CANCELLED = "cancelled", _("Cancelado")
        TERMINATED = "terminated", _("Terminado")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="contracts"
    )
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="contracts")
    amount = AmountField(_("monto contratado (S/)"), **AMOUNT_FIELD)
    signed_on = models.DateField(_("firmado el"), null=True, blank=True)
    start_on = models.DateField(_("inicio del plazo"), null=True, blank=True)
    end_on = models.DateField(_("fin del plazo"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("contrato")
        verbose_name_plural = _("contratos")

    def __str__(self):
        return f"{self.process.ocid}-c{self.pk}"


class Amendment(models.Model):
    """A change to a signed contract (adicional, ampliación): amount after the change."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments"
    )
    date = models.DateField(_("fecha"))
    rationale = models.CharField(_("motivo"), max_length=1000)
    new_amount = AmountField(_("monto del contrato después (S/)"), **AMOUNT_FIELD)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("modificación del contrato")
        verbose_name_plural = _("modificaciones del contrato")

    def __str__(self):
        return self.rationale[:60]


class ImplementationMilestone(models.Model):
    class Status(models.TextChoices):
        """OCDS `milestoneStatus` codelist."""

        SCHEDULED = "scheduled", _("Programado")
        MET = "met", _("Cumplido")
        NOT_MET = "notMet", _("No cumplido")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("título"), max_length=300)
    due_on = models.DateField(_("fecha prevista"))
    met_on = models.DateField(_("fecha de cumplimiento"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("hito de ejecución")
        verbose_name_plural = _("hitos de ejecución")

    def __str__(self):
        return self.title


class Payment(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="payments"
    )
    date = models.DateField(_("fecha"))
    amount = AmountField(_("monto pagado (S/)"), **AMOUNT_FIELD)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")

    def __str__(self):
        return f"{self.date} {self.amount}"
