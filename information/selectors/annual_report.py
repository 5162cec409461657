"""The annual report's figures in the layout of Peru's national transparency authority
(Autoridad Nacional de Transparencia y Acceso a la Información Pública, ANTAIP), built from
the same `statistics_rows()` as the statistics page and the open dataset.

Sources and choices: docs/information-requests.md, "Annual report export". The ANTAIP asks
each entity for its general data and its officer (its "Formato N.° 1") and for the requests
received, answered, in progress and not answered, the reasons for not answering and the
information most requested (the sections of its published annual reports). Fields the portal
does not hold (resolution numbers, the secretary general's name) are left for the entity to
fill in, never invented.
"""

import statistics
from collections import Counter, defaultdict

from django.utils.translation import gettext as _

from openlima import city

from .rules import exception_choices, law_info
from .stats import answer_business_days, statistics_rows

__all__ = [
    "ANNUAL_COLUMNS",
    "UNIT_COLUMNS",
    "annual_report",
]

# One row per month of reception, then the year's total.
ANNUAL_COLUMNS = [
    "periodo",
    "solicitudes_recibidas",
    "solicitudes_atendidas",
    "atendidas_dentro_del_plazo",
    "atendidas_fuera_del_plazo",
    "con_prorroga",
    "denegadas_totalmente",
    "denegadas_parcialmente",
    "en_tramite",
    "no_atendidas_plazo_vencido",
    "mediana_dias_habiles_respuesta",
    "motivos_de_no_atencion",
]

# The information most requested: requests per unit that holds it.
UNIT_COLUMNS = [
    "unidad_organica",
    "solicitudes_recibidas",
    "solicitudes_atendidas",
    "no_atendidas_plazo_vencido",
]

_SUMMED = {
    "solicitudes_recibidas": "received",
    "solicitudes_atendidas": "answered",
    "atendidas_dentro_del_plazo": "answered_on_time",
    "atendidas_fuera_del_plazo": "answered_late",
    "con_prorroga": "extended",
    "denegadas_totalmente": "denied",
    "denegadas_parcialmente": "partially_denied",
    "no_atendidas_plazo_vencido": "overdue",
}


def _reasons(counter: Counter) -> str:
    labels = dict(exception_choices())
    return "; ".join(
        f"{labels.get(code, code)}: {n}" for code, n in sorted(counter.items())
    )


def annual_report(*, year: int) -> dict:
    """The year's figures: `entity` (field, value) pairs, `rows` per month + total, and
    `units` per unit; every figure from `statistics_rows()`."""
    rows = [r for r in statistics_rows() if r["month"].startswith(f"{year:04d}-")]
    days = answer_business_days(month_prefix=f"{year:04d}-")
    by_month: dict[str, list[dict]] = defaultdict(list)
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_month[r["month"]].append(r)
        by_unit[r["unit"]].append(r)

    def line(label, items, months):
        answer_days = [d for m in months for d in days.get(m, [])]
        return _report_line(label, items, answer_days)

    table = [line(month, items, [month]) for month, items in sorted(by_month.items())]
    table.append(line(_("Total %(year)s") % {"year": year}, rows, list(by_month)))
    return {
        "year": year,
        "entity": _entity_fields(year),
        "columns": ANNUAL_COLUMNS,
        "rows": table,
        "unit_columns": UNIT_COLUMNS,
        "units": _unit_lines(by_unit),
    }


def _report_line(label, items: list[dict], answer_days: list) -> dict:
    """One line of the annual table (a month or the total) from its statistics rows."""
    out = {"periodo": label}
    for column, key in _SUMMED.items():
        out[column] = sum(i[key] for i in items)
    out["en_tramite"] = sum(i["pending"] - i["overdue"] for i in items)
    out["mediana_dias_habiles_respuesta"] = (
        statistics.median(answer_days) if answer_days else None
    )
    overdue = out["no_atendidas_plazo_vencido"]
    text = _reasons(_exception_counts(items))
    if overdue:
        silence = _("Sin respuesta en el plazo: %(n)s") % {"n": overdue}
        text = f"{text}; {silence}" if text else silence
    out["motivos_de_no_atencion"] = text
    return out


def _exception_counts(items: list[dict]) -> Counter:
    """The denials per exception, summed over rows whose `exceptions` read "code:n;..."."""
    reasons: Counter = Counter()
    for i in items:
        for part in filter(None, (i["exceptions"] or "").split(";")):
            code, _sep, n = part.partition(":")
            reasons[code] += int(n or 0)
    return reasons


def _unit_lines(by_unit: dict[str, list[dict]]) -> list[dict]:
    """Requests per unit that holds the information, the most requested first."""
    units = [
        {
            "unidad_organica": unit,
            "solicitudes_recibidas": sum(i["received"] for i in items),
            "solicitudes_atendidas": sum(i["answered"] for i in items),
            "no_atendidas_plazo_vencido": sum(i["overdue"] for i in items),
        }
        for unit, items in sorted(by_unit.items(), key=lambda kv: kv[0])
    ]
    units.sort(key=lambda u: -u["solicitudes_recibidas"])
    return units


def _entity_fields(year: int) -> list[tuple]:
    """The entity's general data ("Formato N.° 1"); what the portal does not hold is left
    for the entity to fill in."""
    to_fill = _("(a completar por la entidad)")
    profile = city.city()
    return [
        (_("Periodo informado"), str(year)),
        (_("Nombre de la entidad pública"), profile["municipality_name"]),
        (_("Norma"), law_info().get("law", "")),
        (_("Destinatario del informe"), law_info().get("annual_report_authority", "")),
        (_("Máxima autoridad administrativa (secretario/a general)"), to_fill),
        (
            _(
                "¿Se ha designado funcionario/a responsable del acceso a la información (FRAI)?"
            ),
            to_fill,
        ),
        (_("Resolución de designación del FRAI y su enlace en el portal"), to_fill),
        (_("Nombre, cargo, correo y teléfono del FRAI"), to_fill),
        (_("Fecha de designación del FRAI"), to_fill),
    ]
