"""Pluggable resident verification (setting RESIDENT_VERIFICATION_BACKEND, a dotted path).

A backend receives the declared data (the DNI number is already checked and is passed
in clear only in memory) and answers with a decision; the service stores and audits it.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from openlima import city

from . import conf

DEFAULT_BACKEND = "budgets.backends.InPersonCheckBackend"


@dataclass(frozen=True)
class Decision:
    status: str  # "pending" | "verified" | "rejected"
    reason: str = ""


class InPersonCheckBackend:
    """Accept the declared data; a staff member confirms it later in /gestion/."""

    def check(self, *, dni: str, birth_date, district) -> Decision:
        return Decision("pending")


class CensusCsvBackend:
    """Confirm at once against a census CSV (setting RESIDENT_CENSUS_CSV) with columns
    named by the city profile: the document number (`identity_document.census_column`,
    Lima's ``dni``, La Paz's ``ci``), ``birth_date`` (YYYY-MM-DD) and the unit's code
    (`territory.code_property`, Lima's ``ubigeo``); docs/city-profile.md."""

    def check(self, *, dni: str, birth_date, district) -> Decision:
        path = conf.census_csv()
        if not path or not Path(path).is_file():
            return Decision("pending")
        profile = city.raw()
        number_column = profile["identity_document"].get("census_column", "dni")
        code_column = profile["territory"].get("code_property", "ubigeo")
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if (row.get(number_column) or "").strip() != dni:
                    continue
                if (row.get("birth_date") or "").strip() == birth_date.isoformat() and (
                    row.get(code_column) or ""
                ).strip() == district.ubigeo:
                    return Decision("verified")
                break
        return Decision(
            "rejected",
            str(_("Los datos no coinciden con el padrón de residentes.")),
        )


def verification_backend():
    path = conf.verification_backend_path(DEFAULT_BACKEND)
    return import_string(path)()


def backend_name() -> str:
    return conf.verification_backend_path(DEFAULT_BACKEND)
