"""The identity document a resident shows to vote, chosen by the city profile's
`identity_document.validator` (docs/city-profile.md): each validator turns what the person
typed into the canonical number that is hashed (dni.dni_hmac), or None when it is not valid.

- ``pe-dni``: Peru's DNI, 8 digits and the check character after the hyphen (dni.py).
- ``bo-ci``: Bolivia's cédula de identidad: 5 to 9 digits; the SEGIP complement that tells
  apart two people given the same number ("-1B": a digit and a letter) when the card has
  one; optionally the issuing department's code (LP, CB, SC, OR, PT, TJ, CH, BE, PD), which
  is not part of the identity and is dropped. Canonical form: "4827193" or "4827193-1B".
"""

import re
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from openlima import city

from .dni import dni_parse

BO_DEPARTMENTS = ("LP", "CB", "SC", "OR", "PT", "TJ", "CH", "BE", "PD")
_CI_RE = re.compile(
    r"^(\d{5,9})(?:-([0-9][A-Z]))?(?:(" + "|".join(BO_DEPARTMENTS) + r"))?$"
)


def bo_ci_parse(value: str) -> str | None:
    """Canonical Bolivian cédula number ("4827193" or "4827193-1B"), or None."""
    cleaned = re.sub(r"[\s.]", "", str(value or "")).upper()
    match = _CI_RE.match(cleaned)
    if not match:
        return None
    number, complement = match.group(1), match.group(2)
    if number.startswith("0"):
        return None
    return f"{number}-{complement}" if complement else number


VALIDATORS: dict[str, Callable[[str], str | None]] = {
    "pe-dni": dni_parse,
    "bo-ci": bo_ci_parse,
}


def identity_parse(value: str) -> str | None:
    """The canonical document number under the city profile's validator, or None."""
    return VALIDATORS[city.raw()["identity_document"]["validator"]](value)


def identity_name():
    """'DNI', 'cédula de identidad'... (lazy)."""
    return city.lazy_text("identity_document.short_name")


def identity_label():
    return city.lazy_text("identity_document.label")


def identity_help_text():
    return city.lazy_text("identity_document.help_text")


def identity_invalid():
    return city.lazy_text(
        "identity_document.invalid", _("Número de documento no válido.")
    )
