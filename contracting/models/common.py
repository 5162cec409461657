"""Shared validators, amount field options and OCDS codelists (docs/contracting.md)."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RUC_VALIDATOR = RegexValidator(
    r"^(10|15|17|20)\d{9}$", _("El RUC tiene 11 dígitos y empieza por 10, 15, 17 o 20.")
)
AMOUNT_FIELD = {
    "max_digits": 16,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planificación")
    TENDER = "tender", _("Convocatoria")
    AWARD = "award", _("Adjudicación")
    CONTRACT = "contract", _("Contrato")
    IMPLEMENTATION = "implementation", _("Ejecución")


class Method(models.TextChoices):
    """OCDS `method` codelist (closed)."""

    OPEN = "open", _("Abierto (licitación o concurso público)")
    SELECTIVE = "selective", _("Selectivo")
    LIMITED = "limited", _("Limitado")
    DIRECT = "direct", _("Contratación directa")


class Category(models.TextChoices):
    """OCDS `procurementCategory` codelist (closed)."""

    GOODS = "goods", _("Bienes")
    WORKS = "works", _("Obras")
    SERVICES = "services", _("Servicios")
