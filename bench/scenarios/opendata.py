"""Bench scenario of open data: CKAN `package_search` (100 rows, with facets) on 10,000
datasets per unit of scale, the catalogue page, a dataset page and the home page."""

NAME = "opendata"
DATASETS_PER_SCALE = 10_000


def seed(*, scale: int) -> None:
    """Datasets with one CSV resource, two tags and a topic each, created with bulk_create
    (idempotent: only the missing ones are added)."""
    import hashlib

    from django.utils import timezone

    from opendata.models import Dataset, Resource, Tag, Topic
    from opendata.search import dataset_search_index
    from openlima.models import OrgUnit
    from openlima.reference_data import reference_data_ensure

    reference_data_ensure()
    total = max(1, scale) * DATASETS_PER_SCALE
    existing = Dataset.objects.filter(slug__startswith="bench-").count()
    if existing >= total:
        return
    units = list(OrgUnit.objects.order_by("pk"))
    topics = [
        Topic.objects.get_or_create(
            slug=f"bench-tema-{i}", defaults={"name": f"Tema {i}"}
        )[0]
        for i in range(8)
    ]
    tags = [Tag.objects.get_or_create(name=f"etiqueta-{i}")[0] for i in range(40)]
    now = timezone.now()
    words = [
        "movilidad",
        "presupuesto",
        "parques",
        "mercados",
        "licencias",
        "seguridad",
        "agua",
        "residuos",
    ]
    batch = 2000
    for start in range(existing, total, batch):
        stop = min(start + batch, total)
        datasets = Dataset.objects.bulk_create(
            [
                Dataset(
                    title=f"{words[i % 8].capitalize()} de Lima {i}",
                    slug=f"bench-{i}",
                    description=f"Datos de {words[i % 8]} del distrito {i % 43}, serie {i}.",
                    publisher=units[i % len(units)],
                    state=Dataset.State.PUBLISHED,
                    publish_at=now,
                    published_at=now,
                    modified_at=now - timezone.timedelta(minutes=i),
                )
                for i in range(start, stop)
            ]
        )
        if not datasets[0].pk:  # backends that do not return ids
            datasets = list(Dataset.objects.filter(slug__in=[d.slug for d in datasets]))
        Resource.objects.bulk_create(
            [
                Resource(
                    dataset=d,
                    name=f"{d.title} (CSV)",
                    format="CSV" if n % 3 else "XLSX",
                    media_type="text/csv",
                    size=1024 + n,
                    sha256=hashlib.sha256(d.slug.encode()).hexdigest(),
                )
                for n, d in enumerate(datasets)
            ]
        )
        Dataset.tags.through.objects.bulk_create(
            [
                Dataset.tags.through(dataset_id=d.pk, tag_id=tags[(n + k) % 40].pk)
                for n, d in enumerate(datasets)
                for k in (0, 7)
            ]
        )
        Dataset.topics.through.objects.bulk_create(
            [
                Dataset.topics.through(dataset_id=d.pk, topic_id=topics[n % 8].pk)
                for n, d in enumerate(datasets)
            ]
        )
        dataset_search_index(dataset_ids=[d.pk for d in datasets])


def endpoints(*, base_url: str) -> list[dict]:
    facets = "%5B%22organization%22%2C%22tags%22%2C%22res_format%22%5D"
    return [
        {
            "name": "package_search_100",
            "method": "GET",
            "path": "/api/3/action/package_search?rows=100&start=200&sort=metadata_modified%20desc",
            "headers": {},
            "body": None,
        },
        {
            "name": "package_search_100_q_facets",
            "method": "POST",
            "path": "/api/3/action/package_search",
            "headers": {"Content-Type": "application/json"},
            "body": (
                b'{"q": "parques", "rows": 100, "fq": "tags:etiqueta-10", '
                b'"facet.field": ["organization", "tags", "res_format"]}'
            ),
        },
        {
            "name": "package_search_facets_get",
            "method": "GET",
            "path": f"/api/3/action/package_search?rows=10&facet.field={facets}",
            "headers": {},
            "body": None,
        },
        {
            "name": "package_show",
            "method": "GET",
            "path": "/api/3/action/package_show?id=bench-42",
            "headers": {},
            "body": None,
        },
        {
            "name": "catalogue",
            "method": "GET",
            "path": "/datos/",
            "headers": {},
            "body": None,
        },
        {
            "name": "catalogue_search",
            "method": "GET",
            "path": "/datos/?q=parques&formato=CSV",
            "headers": {},
            "body": None,
        },
        {
            "name": "site_search",
            "method": "GET",
            "path": "/buscar/?q=mercados",
            "headers": {},
            "body": None,
        },
        {
            "name": "dataset_page",
            "method": "GET",
            "path": "/datos/bench-42/",
            "headers": {},
            "body": None,
        },
        {"name": "home", "method": "GET", "path": "/", "headers": {}, "body": None},
    ]
