"""Demo catalogue: a handful of Lima datasets and transparency documents (idempotent).

Figures are illustrative, generated for the demo; they are not official statistics."""

import datetime as dt
import json

from django.utils import timezone

from openlima.models import District, OrgUnit

from . import services
from .models import Dataset, Topic, TransparencyCategory, TransparencyDocument

TOPICS = [
    ("economia-y-finanzas", "Economía y finanzas"),
    ("transporte", "Transporte y movilidad"),
    ("medio-ambiente", "Medio ambiente"),
    ("gobierno", "Gobierno y participación"),
    ("desarrollo-urbano", "Desarrollo urbano"),
]


def _csv(rows) -> bytes:
    return ("\n".join(",".join(str(c) for c in row) for row in rows) + "\n").encode()


BUDGET_2024_ROWS = [
    ["funcion", "pia_soles", "pim_soles", "ejecutado_soles"],
    ["Transporte", 412500000, 455300000, 301220000],
    ["Ambiente", 98400000, 104100000, 77350000],
    ["Orden público y seguridad", 150200000, 162800000, 131900000],
    ["Planeamiento y gestión", 220700000, 231000000, 199450000],
    ["Cultura y deporte", 45600000, 51200000, 38100000],
]
MARKET_ROWS = [
    ["mercado", "distrito", "puestos", "ultima_inspeccion", "resultado"],
    [
        "Mercado Central Ramón Castilla",
        "Cercado de Lima",
        1180,
        "2024-03-12",
        "conforme",
    ],
    ["Mercado de Productores", "Santa Anita", 950, "2024-02-20", "observado"],
    ["Mercado N.° 1 de Surquillo", "Surquillo", 410, "2024-04-02", "conforme"],
]


def _cycle_lane(name: str, length_km: float, coordinates: list) -> dict:
    return {
        "type": "Feature",
        "properties": {"nombre": name, "longitud_km": length_km, "tipo": "segregada"},
        "geometry": {"type": "LineString", "coordinates": coordinates},
    }


CYCLE_LANES = {
    "type": "FeatureCollection",
    "features": [
        _cycle_lane(
            "Ciclovía Av. Arequipa", 6.2, [[-77.0365, -12.0640], [-77.0330, -12.1200]]
        ),
        _cycle_lane(
            "Ciclovía Av. Universitaria",
            9.8,
            [[-77.0840, -12.0560], [-77.0800, -11.9900]],
        ),
    ],
}


def _datasets(districts):
    names = [d.name for d in districts] or ["Cercado de Lima", "Miraflores", "Comas"]
    return [
        _budget_dataset(),
        _green_areas_dataset(names),
        _markets_dataset(),
        _cycle_lanes_dataset(),
        _licences_dataset(),
    ]


def _budget_dataset() -> dict:
    return {
        "slug": "presupuesto-institucional-2024",
        "title": "Presupuesto institucional de apertura 2024",
        "description": "Presupuesto institucional de apertura (PIA) y modificado (PIM) de la Municipalidad Metropolitana de Lima por función, en soles. Datos de demostración.",
        "publisher": "planificacion",
        "topics": ["economia-y-finanzas"],
        "tags": ["presupuesto", "finanzas públicas"],
        "frequency": "ANNUAL",
        "temporal": (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        "file": ("presupuesto-2024.csv", _csv(BUDGET_2024_ROWS)),
    }


def _green_areas_dataset(names: list) -> dict:
    """Green areas of the first twelve districts (illustrative figures)."""
    rows = [["distrito", "area_verde_m2", "m2_por_habitante", "fecha_corte"]] + [
        [n, 150000 + 37000 * i, round(1.5 + 0.7 * i, 2), "2023-12-31"]
        for i, n in enumerate(names[:12])
    ]
    return {
        "slug": "areas-verdes-por-distrito",
        "title": "Áreas verdes por distrito",
        "description": "Superficie de áreas verdes de uso público por distrito de Lima Metropolitana (m² y m² por habitante). Datos de demostración.",
        "publisher": "gerencia-municipal",
        "topics": ["medio-ambiente", "desarrollo-urbano"],
        "tags": ["áreas verdes", "parques", "distritos"],
        "frequency": "ANNUAL",
        "temporal": (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        "file": ("areas-verdes.csv", _csv(rows)),
    }


def _markets_dataset() -> dict:
    return {
        "slug": "mercados-municipales",
        # The districts of the rows of its CSV (metadata must match the data).
        "districts": ["150101", "150137", "150141"],
        "title": "Mercados de abasto supervisados",
        "description": "Mercados de abasto de Lima supervisados por la municipalidad: ubicación, número de puestos y resultado de la última inspección sanitaria. Datos de demostración.",
        "publisher": "gerencia-municipal",
        "topics": ["desarrollo-urbano"],
        "tags": ["mercados", "salud", "inspecciones"],
        "frequency": "QUARTERLY",
        "temporal": (dt.date(2024, 1, 1), None),
        "file": ("mercados.csv", _csv(MARKET_ROWS)),
    }


def _cycle_lanes_dataset() -> dict:
    return {
        "slug": "red-de-ciclovias",
        "title": "Red de ciclovías de Lima Metropolitana",
        "description": "Trazos de las ciclovías de Lima Metropolitana con su longitud y tipo de segregación, en GeoJSON. Datos de demostración.",
        "publisher": "gerencia-municipal",
        "topics": ["transporte"],
        "tags": ["ciclovías", "movilidad sostenible", "geoespacial"],
        "frequency": "IRREG",
        "temporal": (None, None),
        "file": (
            "ciclovias.geojson",
            json.dumps(CYCLE_LANES, ensure_ascii=False).encode(),
        ),
    }


def _licences_dataset() -> dict:
    rows = [["mes", "giro", "licencias"]] + [
        [f"2023-{m:02d}", g, 20 + (m * 7 + len(g)) % 45]
        for m in range(1, 13)
        for g in ("comercio", "restaurantes", "servicios")
    ]
    return {
        "slug": "licencias-de-funcionamiento-2023",
        "title": "Licencias de funcionamiento otorgadas en 2023",
        "description": "Licencias de funcionamiento otorgadas en el Cercado de Lima por mes y giro de negocio. Datos de demostración.",
        "publisher": "atencion-ciudadano",
        "topics": ["economia-y-finanzas", "gobierno"],
        "tags": ["licencias", "negocios"],
        "frequency": "MONTHLY",
        "temporal": (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        "file": ("licencias-2023.csv", _csv(rows)),
    }


def _topics() -> dict:
    topics = {}
    for slug, name in TOPICS:
        topics[slug], _created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name}
        )
    return topics


# (category, title, link); no link: the document points to the budget dataset.
TRANSPARENCY_DOCUMENTS = [
    (
        TransparencyCategory.GENERAL,
        "Directorio de funcionarios",
        "https://www.munlima.gob.pe/",
    ),
    (
        TransparencyCategory.PLANNING,
        "Reglamento de Organización y Funciones (ROF)",
        "https://www.munlima.gob.pe/",
    ),
    (
        TransparencyCategory.BUDGET,
        "Presupuesto institucional de apertura 2024",
        None,
    ),
    (
        TransparencyCategory.PARTICIPATION,
        "Plan de Acción de Gobierno Abierto de Lima",
        "https://www.opengovpartnership.org/",
    ),
    (
        TransparencyCategory.PROCUREMENT,
        "Plan Anual de Contrataciones 2024",
        "https://www.gob.pe/",
    ),
    (
        TransparencyCategory.ACCESS,
        "Solicitudes de acceso a la información atendidas (primer trimestre)",
        "https://www.gob.pe/",
    ),
]


def load(*, stdout=None) -> None:
    from openlima import city

    specs = city.demo_content("datasets")
    if specs is not None:  # a city profile's own demo (docs/city-profile.md)
        load_profile(specs, stdout=stdout)
        return
    topics = _topics()
    districts = list(District.objects.order_by("name")[:12])
    created = 0
    for spec in _datasets(districts):
        if Dataset.objects.filter(slug=spec["slug"]).exists():
            continue
        _dataset_publish(spec, topics=topics)
        created += 1
    _transparency_documents()
    if stdout:
        stdout.write(
            f"  opendata: {created} datasets, "
            f"{len(TRANSPARENCY_DOCUMENTS)} transparency documents"
        )


def _dataset_publish(spec: dict, *, topics: dict) -> None:
    """One of Lima's demo datasets, with its file as the only resource, published."""
    publisher = (
        OrgUnit.objects.filter(slug=spec["publisher"]).first()
        or OrgUnit.objects.order_by("pk").first()
    )
    start, end = spec["temporal"]
    dataset = services.dataset_create(
        title=spec["title"],
        slug=spec["slug"],
        description=spec["description"],
        publisher=publisher,
        tags=spec["tags"],
        topics=[topics[t] for t in spec["topics"]],
        districts=list(District.objects.filter(ubigeo__in=spec.get("districts", []))),
        frequency=spec["frequency"],
        temporal_start=start,
        temporal_end=end,
        contact_name="Equipo de Datos Abiertos",
        contact_email="datosabiertos@munlima.gob.pe",
    )
    filename, data = spec["file"]
    resource = services.resource_create(
        dataset=dataset,
        name=filename.rsplit(".", 1)[0].replace("-", " ").capitalize(),
    )
    services.resource_version_add(resource=resource, data=data, filename=filename)
    services.dataset_publish(dataset=dataset)


def _transparency_documents() -> None:
    for category, title, url in TRANSPARENCY_DOCUMENTS:
        if TransparencyDocument.objects.filter(category=category, title=title).exists():
            continue
        dataset = (
            Dataset.objects.filter(slug="presupuesto-institucional-2024").first()
            if url is None
            else None
        )
        services.transparency_document_create(
            category=category,
            title=title,
            description="Documento de demostración.",
            external_url=url or "",
            dataset=dataset,
            publish_at=timezone.now(),
        )


def load_profile(specs: list, *, stdout=None) -> None:
    """A city profile's demo datasets (its demo_content.datasets, docs/city-profile.md),
    one CSV resource each, published; marked as demonstration in their title, description
    and tags by the profile. Idempotent."""
    topics = _topics()
    created = 0
    for spec in specs:
        if Dataset.objects.filter(slug=spec["slug"]).exists():
            continue
        publisher = (
            OrgUnit.objects.filter(slug=spec["publisher"]).first()
            or OrgUnit.objects.order_by("pk").first()
        )
        dataset = services.dataset_create(
            title=spec["title"],
            slug=spec["slug"],
            description=spec["description"],
            publisher=publisher,
            tags=spec.get("tags", []),
            topics=[topics[spec["topic"]]] if spec.get("topic") in topics else [],
            frequency=spec.get("frequency", "IRREG"),
            contact_name="Equipo de Datos Abiertos (demostración)",
            contact_email="datos@demo.openlima.pe",
        )
        resource = services.resource_create(
            dataset=dataset,
            name=spec["file"].rsplit(".", 1)[0].replace("-", " ").capitalize(),
        )
        services.resource_version_add(
            resource=resource, data=_csv(spec["rows"]), filename=spec["file"]
        )
        services.dataset_publish(dataset=dataset)
        created += 1
    if stdout:
        stdout.write(f"  opendata: {created} demo datasets of the city profile")
