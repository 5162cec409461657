"""The statistics of requests: the public page and the open dataset."""

import statistics
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from openlima import calendar, roles
from openlima.tableschema import table_schema

from ..models import (
    OPEN_STATES,
    InformationRequest,
    State,
)
from .rules import exception_choices, law_info

__all__ = [
    "answer_business_days",
    "statistics_rows",
    "statistics_summary",
    "STAT_COLUMNS",
    "statistics_dataset",
]

# --- statistics ---------------------------------------------------------------------------


def _answer_days(rows, cal) -> dict[int, int]:
    out = {}
    for r in rows:
        if r["answered_at"]:
            out[r["id"]] = cal.business_days_between(
                calendar.local_date(r["received_at"]),
                calendar.local_date(r["answered_at"]),
            )
    return out


def answer_business_days(*, month_prefix: str) -> dict[str, list[int]]:
    """Business days from reception to answer of each answered request received in the
    months starting with `month_prefix` ("2026-"), by month: the same computation as the
    medians of `statistics_rows()`."""
    cal = calendar.Calendar()
    rows = list(
        InformationRequest.objects.filter(answered_at__isnull=False).values(
            "id", "received_at", "answered_at"
        )
    )
    days = _answer_days(rows, cal)
    out: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        month = calendar.local_date(r["received_at"]).strftime("%Y-%m")
        if month.startswith(month_prefix):
            out[month].append(days[r["id"]])
    return dict(out)


def statistics_rows() -> list[dict]:
    """One row per month received and unit: the figures of the law's annual report."""
    cal = calendar.Calendar()
    rows = list(
        InformationRequest.objects.values(
            "id",
            "received_at",
            "answered_at",
            "due_on",
            "extended_due_on",
            "state",
            "denial_exception",
            "unit__name",
        ).order_by("received_at", "id")
    )
    days = _answer_days(rows, cal)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        month = calendar.local_date(r["received_at"]).strftime("%Y-%m")
        groups[(month, r["unit__name"] or _("Sin asignar"))].append(r)
    out = []
    for (month, unit), items in sorted(groups.items()):
        answered = [r for r in items if r["answered_at"]]
        on_time = [
            r
            for r in answered
            if calendar.local_date(r["answered_at"])
            <= (r["extended_due_on"] or r["due_on"])
        ]
        exceptions = Counter(
            r["denial_exception"] for r in items if r["denial_exception"]
        )
        answer_days = [days[r["id"]] for r in answered]
        out.append(
            {
                "month": month,
                "unit": unit,
                "received": len(items),
                "answered": len(answered),
                "answered_on_time": len(on_time),
                "answered_late": len(answered) - len(on_time),
                "extended": sum(1 for r in items if r["extended_due_on"]),
                "denied": sum(1 for r in items if r["state"] == State.DENIED),
                "partially_denied": sum(
                    1 for r in items if r["state"] == State.PARTIALLY_DENIED
                ),
                "pending": sum(1 for r in items if r["state"] in OPEN_STATES),
                "overdue": sum(1 for r in items if r["state"] == State.OVERDUE),
                "median_business_days": (
                    statistics.median(answer_days) if answer_days else None
                ),
                "exceptions": ";".join(
                    f"{k}:{v}" for k, v in sorted(exceptions.items())
                ),
            }
        )
    return out


def statistics_summary() -> dict:
    """The public statistics page: totals, per month, per unit, per exception."""
    cal = calendar.Calendar()
    rows = list(
        InformationRequest.objects.values(
            "id",
            "received_at",
            "answered_at",
            "due_on",
            "extended_due_on",
            "state",
            "denial_exception",
        )
    )
    days = _answer_days(rows, cal)
    answered = [r for r in rows if r["answered_at"]]
    on_time = sum(
        1
        for r in answered
        if calendar.local_date(r["answered_at"])
        <= (r["extended_due_on"] or r["due_on"])
    )
    by_exception = _summary_by_exception(rows)
    by_unit = _summary_by_unit()
    by_month = Counter(
        calendar.local_date(r["received_at"]).strftime("%Y-%m") for r in rows
    )
    return {
        "total": len(rows),
        "answered": len(answered),
        "answered_on_time": on_time,
        "extended": sum(1 for r in rows if r["extended_due_on"]),
        "denied": sum(1 for r in rows if r["state"] == State.DENIED),
        "partially_denied": sum(
            1 for r in rows if r["state"] == State.PARTIALLY_DENIED
        ),
        "pending": sum(1 for r in rows if r["state"] in OPEN_STATES),
        "overdue": sum(1 for r in rows if r["state"] == State.OVERDUE),
        "median_business_days": (statistics.median(days.values()) if days else None),
        "by_month": sorted(by_month.items()),
        "by_unit": by_unit,
        "by_exception": by_exception,
    }


def _summary_by_exception(rows: list[dict]) -> list[dict]:
    """Denials per legal exception, the most used first."""
    labels = dict(exception_choices())
    exceptions = Counter(r["denial_exception"] for r in rows if r["denial_exception"])
    return [
        {"code": k, "label": labels.get(k, k), "count": v}
        for k, v in exceptions.most_common()
    ]


def _summary_by_unit() -> list[dict]:
    """Requests received and answered per unit, the busiest first."""
    by_unit = (
        InformationRequest.objects.values("unit__name")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
        )
        .order_by("-received", "unit__name")
    )
    return [
        {
            "unit": u["unit__name"] or _("Sin asignar"),
            "received": u["received"],
            "answered": u["answered"],
        }
        for u in by_unit
    ]


STAT_COLUMNS = [
    "month",
    "unit",
    "received",
    "answered",
    "answered_on_time",
    "answered_late",
    "extended",
    "denied",
    "partially_denied",
    "pending",
    "overdue",
    "median_business_days",
    "exceptions",
]


# Table Schema of the statistics dataset (openlima/tableschema.py).
STAT_SCHEMA = table_schema(
    ("month", "yearmonth", "Mes de recepción"),
    ("unit", "string", "Unidad"),
    ("received", "integer", "Recibidas"),
    ("answered", "integer", "Respondidas"),
    ("answered_on_time", "integer", "Respondidas en plazo"),
    ("answered_late", "integer", "Respondidas fuera de plazo"),
    ("extended", "integer", "Prorrogadas"),
    ("denied", "integer", "Denegadas"),
    ("partially_denied", "integer", "Denegadas parcialmente"),
    ("pending", "integer", "Pendientes"),
    ("overdue", "integer", "Vencidas"),
    ("median_business_days", "number", "Mediana de días hábiles hasta la respuesta"),
    ("exceptions", "string", "Denegatorias por excepción (código:cantidad)"),
    primary_key=("month", "unit"),
)


def statistics_dataset() -> dict:
    """`dataset:estadisticas-solicitudes-informacion` (aggregates only, no person)."""
    return {
        "title": _("Estadísticas de solicitudes de acceso a la información pública"),
        "description": _(
            "Solicitudes de acceso a la información pública (%(law)s) por mes de "
            "recepción y unidad: recibidas, respondidas dentro y fuera del plazo, "
            "prorrogadas, denegadas (total o parcialmente), pendientes, vencidas, mediana "
            "de días hábiles hasta la respuesta y denegatorias por excepción legal "
            "(código:cantidad). Sin datos personales."
        )
        % {"law": law_info().get("law_short", "")},
        "publisher_slug": roles.role_unit_slug(roles.TRANSPARENCY_OFFICER),
        "tags": [
            "acceso a la información",
            "transparencia",
            law_info().get("law_short", ""),
        ],
        "columns": STAT_COLUMNS,
        "rows": statistics_rows(),
        "schema": STAT_SCHEMA,
    }
