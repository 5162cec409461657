"""DCAT-AP 3 catalogue: valid RDF read back by rdflib, stable URIs, Hydra paging, SHACL."""

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

import opendata
from opendata import services
from openlima.models import District
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHAPES = Path(opendata.__file__).parent / "validation" / "dcat-ap-3.0.0-SHACL.ttl"
BASE = "http://testserver"


@pytest.fixture
def rich_dataset(dataset_with_file):
    """Adds temporal and spatial coverage and an external resource."""
    dataset_with_file.temporal_start = dt.date(2024, 1, 1)
    dataset_with_file.temporal_end = dt.date(2024, 12, 31)
    dataset_with_file.save()
    dataset_with_file.districts.set(District.objects.order_by("ubigeo")[:2])
    services.resource_create(
        dataset=dataset_with_file,
        name="Portal del INEI",
        external_url="https://www.inei.gob.pe/estadisticas/",
        format="HTML",
        media_type="text/html",
    )
    return dataset_with_file


def test_catalog_ttl_parses_back_with_the_dataset_triples(client, rich_dataset):
    r = client.get("/catalog.ttl")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.content.decode(), format="turtle")
    catalog = URIRef(f"{BASE}/catalog")
    ds = URIRef(f"{BASE}/datos/poblacion-distrital/#dataset")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    assert (catalog, DCAT.dataset, ds) in g
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert (ds, DCTERMS.title, Literal("Población distrital de Lima", lang="es")) in g
    assert (ds, DCTERMS.identifier, Literal(str(rich_dataset.uuid))) in g
    assert (ds, DCAT.keyword, Literal("población", lang="es")) in g
    assert (ds, DCAT.landingPage, URIRef(f"{BASE}/datos/poblacion-distrital/")) in g
    publisher = g.value(ds, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    period = g.value(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
    assert len(list(g.objects(ds, DCTERMS.spatial))) == 2
    contact = g.value(ds, DCAT.contactPoint)
    assert g.value(
        contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")
    ) == URIRef("mailto:datos@munlima.gob.pe")
    resource = rich_dataset.resources.get(format="CSV")
    dist = URIRef(f"{BASE}/datos/poblacion-distrital/#resource-{resource.uuid}")
    assert (ds, DCAT.distribution, dist) in g
    assert g.value(dist, DCAT.byteSize) == Literal(77, datatype=XSD.nonNegativeInteger)
    assert g.value(dist, DCAT.downloadURL) == URIRef(
        f"{BASE}/datos/poblacion-distrital/recursos/{resource.uuid}/descargar/"
    )
    assert g.value(dist, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    checksum = g.value(dist, SPDX.checksum)
    assert str(g.value(checksum, SPDX.checksumValue)) == resource.sha256


def test_other_serialisations_and_per_dataset_documents(client, rich_dataset):
    ds = URIRef(f"{BASE}/datos/poblacion-distrital/#dataset")
    for path, fmt in (
        ("/catalog.jsonld", "json-ld"),
        ("/catalog.rdf", "xml"),
        ("/datos/poblacion-distrital.jsonld", "json-ld"),
        ("/datos/poblacion-distrital.ttl", "turtle"),
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        g = Graph().parse(data=r.content.decode(), format=fmt)
        assert (ds, RDF.type, DCAT.Dataset) in g, path
    assert client.get("/datos/no-existe.ttl").status_code == 404


def test_hydra_paging(client, settings):
    settings.OPENDATA_DCAT_PAGE_SIZE = 2
    for i in range(5):
        DatasetFactory(slug=f"pagina-{i}")
    seen = set()
    url = f"{BASE}/catalog.ttl?page=1"
    pages = 0
    while url:
        g = Graph().parse(
            data=client.get(url.replace(BASE, "")).content.decode(), format="turtle"
        )
        view = URIRef(url)
        assert (view, RDF.type, HYDRA.PartialCollectionView) in g
        assert g.value(view, HYDRA.totalItems).toPython() == 5
        seen |= set(g.objects(URIRef(f"{BASE}/catalog"), DCAT.dataset))
        nxt = g.value(view, HYDRA.next)
        url = str(nxt) if nxt else None
        pages += 1
    assert pages == 3 and len(seen) == 5


def test_catalog_conforms_to_dcat_ap_3_shacl(client, rich_dataset, fake_providers):
    from pyshacl import validate

    fake_providers(
        "dataset:plans",
        lambda: {"title": "Planes", "columns": ["a"], "rows": [{"a": 1}]},
    )
    services.platform_datasets_refresh()
    data = Graph().parse(
        data=client.get("/catalog.ttl").content.decode(), format="turtle"
    )
    assert len(list(data.subjects(RDF.type, DCAT.Dataset))) == 2
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _graph, report = validate(data, shacl_graph=shapes)
    assert conforms, report


def test_shacl_catches_a_broken_catalogue(client, rich_dataset):
    """The validation is real: removing a mandatory property makes it fail."""
    from pyshacl import validate

    data = Graph().parse(
        data=client.get("/catalog.ttl").content.decode(), format="turtle"
    )
    data.remove((None, DCTERMS.description, None))
    conforms, _graph, _report = validate(
        data, shacl_graph=Graph().parse(SHAPES, format="turtle")
    )
    assert not conforms


def _whole_catalogue(client) -> Graph:
    g = Graph()
    page = 1
    while True:
        text = client.get(f"/catalog.ttl?page={page}").content.decode()
        g.parse(data=text, format="turtle")
        if f"page={page + 1}>" not in text:
            return g
        page += 1


def test_demo_catalogue_has_every_recommended_dcat_ap_property(client):
    """DCAT-AP 3.0.0's recommended properties (licence, issued, spatial with bbox and
    centroid, dct:type of agents and licences, distribution description and
    availability, temporal coverage, theme, contact point): the whole demo catalogue,
    platform datasets included, gives 0 warnings (110 before) and still 0 violations."""
    from django.core.management import call_command
    from pyshacl import validate

    from tests.opendata.dcat_recommended import warnings

    call_command("load_demo")
    services.platform_datasets_refresh()
    data = _whole_catalogue(client)
    assert len(list(data.subjects(RDF.type, DCAT.Dataset))) >= 15
    assert warnings(data) == []
    conforms, _graph, report = validate(
        data, shacl_graph=Graph().parse(SHAPES, format="turtle")
    )
    assert conforms, report


def test_recommended_shapes_are_real(client, rich_dataset):
    """The warning count is real: dropping a distribution's availability is flagged."""
    from tests.opendata.dcat_recommended import warnings

    data = _whole_catalogue(client)
    assert warnings(data) == []
    data.remove((None, URIRef("http://data.europa.eu/r5r/availability"), None))
    found = warnings(data)
    assert found and all(w[2].endswith("availability") for w in found)
