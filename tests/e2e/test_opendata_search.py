"""A citizen searches for a dataset from the home page, opens it and downloads a file;
the download counter rises. Zero axe violations on the open data pages."""

import contextlib
import re

import pytest

from opendata import services
from tests.e2e.conftest import assert_no_axe_violations
from tests.opendata.factories import DatasetFactory, TopicFactory
from tests.openlima.test_home_indicators import COMMITMENTS, COMPLAINTS, PARTICIPATION


@pytest.fixture
def catalogue(db):
    topic = TopicFactory(slug="ambiente", name="Medio ambiente")
    dataset = DatasetFactory(
        slug="arboles-de-lima",
        title="Árboles de Lima",
        description="Inventario de árboles en parques y bermas centrales.",
        tags=["árboles", "parques"],
        topics=[topic],
        contact_name="Equipo de datos",
        contact_email="datos@munlima.gob.pe",
    )
    resource = services.resource_create(dataset=dataset, name="Inventario de árboles")
    services.resource_version_add(
        resource=resource,
        data=b"especie,distrito,altura_m\nMolle,Miraflores,6.5\nPonciana,Comas,8\n",
        filename="arboles.csv",
    )
    DatasetFactory(slug="otro", title="Licencias de funcionamiento")
    services.transparency_document_create(
        category="presupuesto", title="PIA 2024", external_url="https://www.gob.pe/"
    )
    return dataset


@pytest.fixture
def indicators():
    from openlima import registry

    names = {
        "indicators:commitments": lambda: COMMITMENTS,
        "indicators:complaints": lambda: COMPLAINTS,
        "indicators:participation": lambda: PARTICIPATION,
    }
    with contextlib.ExitStack() as stack:
        for name, func in names.items():
            stack.enter_context(registry.override(name, func))
        yield


def downloads_shown(page) -> int:
    return int(page.locator("#dataset-downloads").get_attribute("data-downloads"))


@pytest.mark.django_db(transaction=True)
def test_search_open_download_and_counter_rises(page, catalogue, indicators):
    page.goto("/")
    assert page.locator("#indicators-title").count() == 1
    assert_no_axe_violations(page)
    page.fill("#site-search-q", "Árboles")
    page.click(".site-search button[type=submit]")
    page.wait_for_url(re.compile(r"/buscar/\?q="))
    result = page.locator(".od-search-results a", has_text="Árboles de Lima")
    assert (
        page.locator(".od-search-results .badge", has_text="Conjunto de datos").count()
        >= 1
    )
    result.click()
    page.wait_for_url(re.compile(r"/datos/arboles-de-lima/$"))
    assert page.locator("main h1").inner_text() == "Árboles de Lima"
    assert page.locator("table caption", has_text="Primeras 2 filas").count() == 1
    assert_no_axe_violations(page)
    before = downloads_shown(page)
    with page.expect_download() as info:
        page.click("a.button:has-text('Descargar')")
    download = info.value
    assert download.suggested_filename == "arboles.csv"
    with open(download.path(), "rb") as fh:
        assert fh.read().startswith(b"especie,distrito")
    page.reload()
    assert downloads_shown(page) == before + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    [
        "/datos/",
        "/datos/?tema=ambiente",
        "/transparencia/",
        "/transparencia/presupuesto/",
        "/en/datos/",
    ],
)
def test_open_data_pages_have_no_axe_violations(page, catalogue, path):
    page.goto(path)
    assert page.locator("main h1").count() == 1
    assert_no_axe_violations(page)
