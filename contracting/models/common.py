"""Shared validators, amount field options and OCDS codelists (docs/contracting.md)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

RUC_VALIDATOR = RegexValidator(
    r"^(10|15|17|20)\d{9}$", _("El RUC tiene 11 dígitos y empieza por 10, 15, 17 o 20.")
)
# Bolivia's NIT (Número de Identificación Tributaria): digits only. A company's NIT has
# about 10 digits and a person's is built on the cédula, so only 7 to 12 digits are checked
# (no check digit): a modest format check, not a lookup (docs/city-profile.md).
NIT_VALIDATOR = RegexValidator(
    r"^\d{7,12}$", _("El NIT tiene de 7 a 12 dígitos, sin guiones ni espacios.")
)
# The format check of each supplier scheme (openlima.city.SUPPLIER_SCHEMES).
SUPPLIER_ID_VALIDATORS = {"PE-RUC": RUC_VALIDATOR, "BO-NIT": NIT_VALIDATOR}
SUPPLIER_ID_MAX_LENGTH = 12


def validate_supplier_id(value: str) -> None:
    """A supplier's identifier in the city profile's scheme (legal.supplier_id): a RUC in
    Lima, a NIT in La Paz. One function for every profile, so migrations never change."""
    from openlima import city

    SUPPLIER_ID_VALIDATORS[city.supplier_scheme()](value)


def supplier_id_valid(value: str) -> bool:
    try:
        validate_supplier_id(value)
    except ValidationError:
        return False
    return True


class SupplierIdField(models.CharField):
    """A supplier's tax identifier. Its label is the profile's ("RUC", "NIT");
    ``deconstruct`` keeps the written "RUC" so migrations never depend on the profile."""

    def __init__(self, *args, **kwargs):
        from openlima import city

        kwargs["verbose_name"] = city.lazy_supplier_label()
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs["verbose_name"] = "RUC"
        return name, "django.db.models.CharField", args, kwargs


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
