import contextlib

import pytest

from opendata import services
from openlima import registry
from tests.opendata.factories import DatasetFactory, TopicFactory

CSV = (
    b"distrito,poblacion,fecha\nMiraflores,99337,2024-01-01\nComas,573884,2024-01-01\n"
)


@pytest.fixture(autouse=True)
def _opendata_base_url(settings, request):
    """URLs and URIs come from OPENDATA_BASE_URL (never the Host header): the test
    client's address, or the live server's."""
    if "live_server" in request.fixturenames:
        settings.OPENDATA_BASE_URL = request.getfixturevalue("live_server").url
    else:
        settings.OPENDATA_BASE_URL = "http://testserver"


@pytest.fixture
def csv_bytes():
    return CSV


@pytest.fixture
def dataset_with_file(db):
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


@pytest.fixture
def fake_providers():
    """Register fake providers of the other apps in place of the real ones of the same
    family ("dataset:", "search:", ...), so a test sees only its fakes; restore afterwards."""
    with contextlib.ExitStack() as stack:
        cleared = set()

        def add(name, func):
            if ":" in name:
                family = name.split(":", 1)[0] + ":"
                if family not in cleared:
                    keep = {
                        k: v
                        for k, v in registry.providers(family).items()
                        if k == "opendata"
                    }
                    stack.enter_context(registry.only(family, keep))
                    cleared.add(family)
            stack.enter_context(registry.override(name, func))

        yield add
