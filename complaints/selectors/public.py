"""Public aggregates (any count under 5 withheld), their dataset and the home page's card
and indicator blocks."""

import statistics
from typing import Any

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from openlima import charts, city, roles
from openlima.registry import HomeCard, HomeCharts, HomeIndicatorBlock
from openlima.tableschema import schema_columns, table_schema

from ..models import ATTENDED_STAGES, Channel, Complaint, Stage

SUPPRESS_BELOW = 5


def _suppress(value):
    return value if value is not None and value >= SUPPRESS_BELOW else None


def public_statistics() -> dict:
    """Aggregates only (docs/threat-model.md); any count under 5 is None."""
    rows = Complaint.objects.aggregate(
        received=Count("id"),
        attended=Count("id", filter=Q(stage__in=list(ATTENDED_STAGES))),
        ratings=Count("rating"),
        average_rating=Avg("rating"),
    )
    received = rows["received"]
    attended = _suppress(rows["attended"])
    by_channel_raw = dict(
        Complaint.objects.values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    by_stage_raw = dict(
        Complaint.objects.values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    ack_days = [
        (ack - rec).total_seconds() / 86400
        for rec, ack in Complaint.objects.filter(acknowledged_at__isnull=False)
        .values_list("received_at", "acknowledged_at")
        .iterator()
        if ack is not None  # the filter says so; this tells the type checker
    ]
    ratings = _suppress(rows["ratings"])
    return {
        "received": _suppress(received),
        "attended": attended,
        "attended_ratio": round(attended / received, 3)
        if attended is not None and received
        else None,
        "by_channel": [
            {
                "channel": value,
                "label": str(label),
                "count": _suppress(by_channel_raw.get(value, 0)),
            }
            for value, label in Channel.choices
        ],
        "by_stage": [
            {
                "stage": value,
                "label": str(label),
                "count": _suppress(by_stage_raw.get(value, 0)),
            }
            for value, label in Stage.choices
        ],
        "median_days_to_acknowledge": round(statistics.median(ack_days), 1)
        if len(ack_days) >= SUPPRESS_BELOW
        else None,
        "average_rating": round(rows["average_rating"], 2)
        if ratings is not None
        else None,
        "ratings": ratings,
        "suppressed_below": SUPPRESS_BELOW,
    }


# Table Schema of `dataset:estadisticas-denuncias` (openlima/tableschema.py); an
# empty value is a figure below the suppression threshold.
STATISTICS_SCHEMA = table_schema(
    ("dimension", "string", "Dimensión"),
    ("category", "string", "Categoría"),
    ("label", "string", "Etiqueta"),
    ("value", "number", "Valor"),
    primary_key=("dimension", "category"),
)


def statistics_dataset() -> dict:
    """`dataset:estadisticas-denuncias`: the public figures as a platform dataset."""
    rows = _statistics_rows(public_statistics())
    return {
        "title": _("Estadísticas de denuncias de %(name)s")
        % {"name": city.text("complaints_name")},
        "description": _(
            "Cifras agregadas de las denuncias recibidas por %(name)s: por canal, por "
            "etapa, atención y valoración. Las cifras menores que 5 se omiten (vacías) "
            "para proteger a las personas denunciantes."
        )
        % {"name": city.text("complaints_name")},
        "publisher_slug": roles.role_unit_slug(roles.INTEGRITY_MEMBER),
        "tags": ["denuncias", "integridad", "anticorrupción"],
        "columns": schema_columns(STATISTICS_SCHEMA),
        "rows": [{**r, "label": str(r["label"])} for r in rows],
        "schema": STATISTICS_SCHEMA,
    }


def _statistics_rows(stats: dict) -> list[dict[str, Any]]:
    """The public figures as rows (dimension, category, label, value): totals, ratings,
    then one per channel and per stage."""
    rows: list[dict[str, Any]] = [
        {
            "dimension": "total",
            "category": "received",
            "label": _("Recibidas"),
            "value": stats["received"],
        },
        {
            "dimension": "total",
            "category": "attended",
            "label": _("Atendidas"),
            "value": stats["attended"],
        },
        {
            "dimension": "total",
            "category": "attended_ratio",
            "label": _("Atendidas / recibidas"),
            "value": stats["attended_ratio"],
        },
        {
            "dimension": "total",
            "category": "median_days_to_acknowledge",
            "label": _("Mediana de días hasta el acuse"),
            "value": stats["median_days_to_acknowledge"],
        },
        {
            "dimension": "rating",
            "category": "average",
            "label": _("Valoración media"),
            "value": stats["average_rating"],
        },
        {
            "dimension": "rating",
            "category": "count",
            "label": _("Valoraciones"),
            "value": stats["ratings"],
        },
    ]
    rows += [
        {
            "dimension": "channel",
            "category": c["channel"],
            "label": c["label"],
            "value": c["count"],
        }
        for c in stats["by_channel"]
    ]
    rows += [
        {
            "dimension": "stage",
            "category": s["stage"],
            "label": s["label"],
            "value": s["count"],
        }
        for s in stats["by_stage"]
    ]
    return rows


def home_card() -> HomeCard:
    """`home_card:complaints`: Lima Honesta on the home page (named as the city profile names it)."""
    return {
        "title": city.city()["complaints_name"],
        "summary": _(
            "Denuncie actos de corrupción de forma anónima y segura. Recibirá un código para seguir su caso; solo la Unidad de Integridad puede leerlo."
        ),
        "url": reverse("complaints:index"),
        "order": 20,
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:complaints`: where the home page shows `indicators:complaints`."""
    return [
        {"place": "figures", "template": "complaints/home/figures.html", "order": 20},
        {"place": "charts", "template": "complaints/home/charts.html", "order": 10},
    ]


def home_charts(*, figures: dict[str, Any]) -> HomeCharts:
    """`home_charts:complaints`: complaints by channel, drawn from `public_statistics`
    (a suppressed count is drawn without a bar)."""
    return {"channel_bars": charts.bars(figures.get("by_channel") or [])}
