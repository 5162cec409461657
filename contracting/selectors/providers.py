"""What the app provides through openlima/registry.py: site search, home indicators,
the flattened sheet and the catalogue datasets."""

from django.db.models import IntegerField, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.registry import HomeIndicatorBlock
from openlima.selectors import absolute_url
from openlima.tableschema import schema_columns, table_schema

from ..models import (
    BulkFile,
    ContractingProcess,
    InfrastructureProject,
    Stage,
)
from .access import LOGISTICS_UNIT_SLUG
from .processes import flags_for, process_public_qs
from .projects import project_public_qs

# --- registry providers --------------------------------------------------------------------


def _search_rows(query: str):
    """Processes and works matching `query` as one UNION of (kind, key, title, state,
    place, progress) rows: "p" for a process, "w" for a work."""
    from django.db.models import CharField, F
    from django.db.models import Value as V

    text = Q(title__icontains=query) | Q(description__icontains=query)
    processes = (
        process_public_qs()
        .filter(text | Q(ocid__iexact=query))
        .annotate(
            kind=V("p", output_field=CharField()),
            key=F("ocid"),
            state=F("stage"),
            place=F("district__name"),
            pct=V(0, output_field=IntegerField()),
        )
        .order_by()  # SQLite refuses ORDER BY inside a UNION's parts
        .values_list("kind", "key", "title", "state", "place", "pct")
    )
    works = (
        project_public_qs()
        .filter(text)
        .annotate(
            kind=V("w", output_field=CharField()),
            key=F("slug"),
            state=F("status"),
            place=F("district__name"),
            pct=F("progress"),
        )
        .order_by()
        .values_list("kind", "key", "title", "state", "place", "pct")
    )
    return processes.union(works)


def _search_hit(row: tuple, *, query: str) -> dict:
    kind, key, title, state, place, pct = row
    rank = 1.0 if query.lower() in title.lower() else 0.5
    if kind == "p":
        return {
            "kind": "contracting_process",
            "kind_label": _("Proceso de contratación"),
            "title": title,
            "summary": str(dict(Stage.choices).get(state, state)),
            "url": reverse("contracting:process", args=[key]),
            "rank": rank,
        }
    statuses = dict(InfrastructureProject.Status.choices)
    return {
        "kind": "infrastructure_project",
        "kind_label": _("Obra"),
        "title": title,
        "summary": f"{place} · {statuses.get(state, state)} · {pct} %",
        "url": reverse("contracting:project", args=[key]),
        "rank": rank,
    }


def site_search(*, query: str, limit: int) -> list[dict]:
    """`search:contracting`: processes and works whose title or description match, in
    one query (a UNION), however many rows."""
    results = [
        _search_hit(row, query=query) for row in _search_rows(query)[: limit * 2]
    ]
    results.sort(key=lambda r: -r["rank"])
    return results[:limit]


def indicators() -> dict:
    """`indicators:contracting`: calls for bids open now, works under way."""
    now = timezone.now()
    return {
        "tenders_open": process_public_qs()
        .filter(stage=Stage.TENDER, tender_cancelled=False, tender_end__gt=now)
        .count(),
        "works_in_progress": project_public_qs()
        .filter(status=InfrastructureProject.Status.IMPLEMENTATION)
        .count(),
        "url": reverse("contracting:process_list"),
    }


def home_indicator_blocks() -> list[HomeIndicatorBlock]:
    """`home_indicators:contracting`: where the home page shows `indicators:contracting`."""
    return [
        {"place": "figures", "template": "contracting/home/figures.html", "order": 50},
    ]


FLAT_COLUMNS = [
    "ocid",
    "title",
    "stage",
    "buyer",
    "district",
    "method",
    "category",
    "budget_amount",
    "tender_amount",
    "tender_start",
    "tender_end",
    "number_of_tenderers",
    "suppliers",
    "value_awarded",
    "value_contracted",
    "value_paid",
    "red_flags",
    "url",
]


def flat_rows(processes=None):
    """The flattened main sheet (one row per process) of docs/contracting.md."""
    qs = processes if processes is not None else process_public_qs()
    qs = qs.select_related("district", "buyer_unit", "compiled_release").order_by("pk")
    batch = list(qs)
    flag_map = flags_for(batch)
    for p in batch:
        c = p.compiled or {}
        tender = c.get("tender") or {}
        suppliers = sorted(
            {
                s.get("name") or ""
                for a in c.get("awards") or []
                if a.get("status") == "active"
                for s in a.get("suppliers") or []
            }
        )
        yield {
            "ocid": p.ocid,
            "title": p.title,
            "stage": p.stage,
            "buyer": (c.get("buyer") or {}).get("name") or "",
            "district": p.district.name if p.district else "",
            "method": p.method,
            "category": p.category,
            "budget_amount": _num(p.budget_amount),
            "tender_amount": _num(p.tender_amount),
            "tender_start": p.tender_start.isoformat() if p.tender_start else "",
            "tender_end": p.tender_end.isoformat() if p.tender_end else "",
            "number_of_tenderers": tender.get("numberOfTenderers") or "",
            "suppliers": "; ".join(suppliers),
            "value_awarded": _num(p.value_awarded),
            "value_contracted": _num(p.value_contracted),
            "value_paid": _num(p.value_paid),
            "red_flags": " ".join(f.code for f in flag_map.get(p.pk, [])),
            "url": absolute_url(p.get_absolute_url()),
        }


def flat_rows_streamed(*, chunk=1000):
    """flat_rows over every published process, in id-keyset chunks (bounded memory)."""
    last = 0
    while True:
        ids = list(
            process_public_qs()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            return
        yield from flat_rows(ContractingProcess.objects.filter(pk__in=ids))
        last = ids[-1]


def _num(value):
    return "" if value is None else str(value)


# Table Schemas of the two datasets (openlima/tableschema.py): Spanish titles; amounts
# are in the city's currency (the profile's), so no symbol in the titles.
PROCESS_SCHEMA = table_schema(
    ("ocid", "string", "OCID"),
    ("title", "string", "Título"),
    ("stage", "string", "Etapa"),
    ("buyer", "string", "Entidad compradora"),
    ("district", "string", "Unidad territorial"),
    ("method", "string", "Método de contratación"),
    ("category", "string", "Categoría"),
    ("budget_amount", "number", "Presupuesto"),
    ("tender_amount", "number", "Valor convocado"),
    ("tender_start", "datetime", "Inicio de la convocatoria"),
    ("tender_end", "datetime", "Fin de la convocatoria"),
    ("number_of_tenderers", "integer", "Número de postores"),
    ("suppliers", "string", "Proveedores adjudicados"),
    ("value_awarded", "number", "Monto adjudicado"),
    ("value_contracted", "number", "Monto contratado"),
    ("value_paid", "number", "Monto pagado"),
    ("red_flags", "string", "Señales de alerta"),
    ("url", "string", "Página del proceso"),
    primary_key=("ocid",),
)
PROJECT_SCHEMA = table_schema(
    ("id", "string", "Identificador de la obra"),
    ("title", "string", "Título"),
    ("district", "string", "Unidad territorial"),
    ("ubigeo", "string", "Código de la unidad territorial"),
    ("status", "string", "Estado"),
    ("progress", "integer", "Avance físico (%)"),
    ("budget_amount", "number", "Presupuesto"),
    ("cost_amount", "number", "Costo"),
    ("url", "string", "Página de la obra"),
    primary_key=("id",),
)


def dataset_processes() -> dict:
    """`dataset:contrataciones-ocds`: the flattened process table, with links to the
    bulk OCDS files in its description."""
    base = absolute_url("")
    return {
        "title": _("Procesos de contratación (OCDS)"),
        "description": _(
            "Una fila por proceso de contratación de la municipalidad, aplanada del "
            "release compilado OCDS 1.1. Los datos completos: paquete de releases "
            "%(json)s, JSON lines %(jsonl)s, API %(api)s."
        )
        % {
            "json": f"{base}/api/ocds/bulk/releases.json",
            "jsonl": f"{base}/api/ocds/bulk/releases.jsonl",
            "api": f"{base}/api/ocds/releases/",
        },
        "publisher_slug": LOGISTICS_UNIT_SLUG,
        "tags": ["contrataciones", "ocds", "licitaciones"],
        "columns": FLAT_COLUMNS,
        "rows": list(flat_rows()),
        "schema": PROCESS_SCHEMA,
        # The nightly bulk files, already in storage: the catalogue holds each one as a
        # resource of this dataset (docs/contracting.md, "Bulk files").
        "files": [
            {
                "key": f.name,
                "title": f.title,
                "format": f.format,
                "media_type": f.media_type,
                "storage_name": f.storage_name,
                "filename": f.name,
                "size": f.size,
                "sha256": f.sha256,
                "modified": f.modified_at,
            }
            for f in BulkFile.objects.order_by("name")
        ],
    }


def dataset_projects() -> dict:
    """`dataset:obras-oc4ids`: one row per public work."""
    rows = [
        {
            "id": p.slug,
            "title": p.title,
            "district": p.district.name,
            "ubigeo": p.district.ubigeo,
            "status": p.status,
            "progress": p.progress,
            "budget_amount": _num(p.budget_amount),
            "cost_amount": _num(p.cost_amount),
            "url": absolute_url(p.get_absolute_url()),
        }
        for p in project_public_qs().select_related("district").order_by("slug")
    ]
    return {
        "title": _("Obras públicas (OC4IDS)"),
        "description": _(
            "Obras de la municipalidad por distrito, con su avance y costo. El paquete "
            "OC4IDS completo: %(url)s"
        )
        % {"url": absolute_url("/api/oc4ids/projects/")},
        "publisher_slug": LOGISTICS_UNIT_SLUG,
        "tags": ["obras", "oc4ids", "infraestructura"],
        "columns": schema_columns(PROJECT_SCHEMA),
        "schema": PROJECT_SCHEMA,
        "rows": rows,
    }
