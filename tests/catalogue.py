"""Catalogue data shared by the open-data tests and the core's home-page and site-search
tests (their fixtures `dataset_with_file` and `fake_providers` are in tests/conftest.py)."""

from opendata import services
from openlima.models import OrgUnit
from tests.opendata.factories import DatasetFactory, TopicFactory

CSV = (
    b"distrito,poblacion,fecha\nMiraflores,99337,2024-01-01\nComas,573884,2024-01-01\n"
)


def dataset_with_file_create():
    """A published dataset with one CSV resource, tagged and with a topic."""
    topic = TopicFactory(slug="poblacion", name="Población")
    dataset = DatasetFactory(
        slug="poblacion-distrital",
        title="Población distrital de Lima",
        description="Población estimada por distrito, participación vecinal incluida.",
        tags=["población", "distritos"],
        topics=[topic],
        contact_name="Equipo de datos",
        contact_email="datos@munlima.gob.pe",
    )
    resource = services.resource_create(dataset=dataset, name="Población 2024")
    services.resource_version_add(resource=resource, data=CSV, filename="poblacion.csv")
    dataset.refresh_from_db()
    return dataset


def seed_catalogue(n):
    topic = TopicFactory(slug="movilidad", name="Movilidad")
    units = list(OrgUnit.objects.all()[:4])
    for i in range(n):
        d = DatasetFactory(
            slug=f"seed-{i}",
            title=f"Movilidad urbana {i}",
            publisher=units[i % 4],
            tags=[f"t{i % 5}", "lima"],
            topics=[topic],
        )
        r = services.resource_create(dataset=d, name="Tabla", format="CSV")
        services.resource_version_add(
            resource=r, data=f"a,b\n{i},2\n".encode(), filename="t.csv"
        )
