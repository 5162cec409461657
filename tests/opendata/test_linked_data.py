"""Linked data that dereferences (docs/opendata-api.md): content negotiation on
/catalog and dataset URIs, Link rel=alternate, district and publisher URIs that resolve
to catalogue pages, URIs only from OPENDATA_BASE_URL."""

import pytest
from django.test import RequestFactory
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from opendata import ckan
from openlima.models import District
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def district_dataset(db):
    d = DatasetFactory(slug="parques-miraflores", title="Parques de Miraflores")
    d.districts.set(District.objects.filter(ubigeo="150122"))
    DatasetFactory(slug="otro-distrito", title="Otro")
    return d


@pytest.mark.parametrize(
    ("accept", "fmt", "ctype"),
    [
        ("text/turtle", "turtle", "text/turtle"),
        ("application/ld+json", "json-ld", "application/ld+json"),
        ("application/rdf+xml", "xml", "application/rdf+xml"),
        ("application/rdf+xml;q=0.5, text/turtle", "turtle", "text/turtle"),
    ],
)
def test_catalog_and_dataset_uris_negotiate(
    client, district_dataset, accept, fmt, ctype
):
    r = client.get("/catalog", HTTP_ACCEPT=accept)
    assert r.status_code == 200 and r["Content-Type"].startswith(ctype)
    assert "Accept" in r["Vary"] and 'rel="alternate"' in r["Link"]
    g = Graph().parse(data=r.content, format=fmt)
    assert (URIRef("http://testserver/catalog"), None, None) in g
    r = client.get("/datos/parques-miraflores/", HTTP_ACCEPT=accept)
    assert r.status_code == 200 and r["Content-Type"].startswith(ctype)
    g = Graph().parse(data=r.content, format=fmt)
    ds = URIRef("http://testserver/datos/parques-miraflores/#dataset")
    assert (ds, None, DCAT.Dataset) in g


def test_browsers_get_html_with_alternates(client, district_dataset):
    r = client.get("/catalog", HTTP_ACCEPT=BROWSER)
    assert r.status_code == 303 and r["Location"] == "/datos/"
    r = client.get("/datos/", HTTP_ACCEPT=BROWSER)
    assert r.status_code == 200 and "text/html" in r["Content-Type"]
    assert (
        '<http://testserver/catalog.ttl>; rel="alternate"; type="text/turtle"'
        in r["Link"]
    )
    r = client.get("/datos/parques-miraflores/", HTTP_ACCEPT=BROWSER)
    assert r.status_code == 200 and "text/html" in r["Content-Type"]
    assert "http://testserver/datos/parques-miraflores.jsonld" in r["Link"]
    assert client.get("/datos/no-hay/", HTTP_ACCEPT="text/turtle").status_code == 404


def test_district_and_publisher_uris_resolve_to_filtered_pages(
    client, district_dataset
):
    g = Graph().parse(
        data=client.get("/datos/parques-miraflores.ttl").content, format="turtle"
    )
    ds = URIRef("http://testserver/datos/parques-miraflores/#dataset")
    (place,) = g.objects(ds, DCTERMS.spatial)
    assert str(place) == "http://testserver/datos/?distrito=150122"
    html = client.get(str(place).removeprefix("http://testserver")).content.decode()
    assert "Parques de Miraflores" in html and "Otro</a>" not in html
    assert "Miraflores" in html
    (publisher,) = g.objects(ds, DCTERMS.publisher)
    assert str(publisher) == "http://testserver/datos/?publicador=sgdi"
    r = client.get(str(publisher).removeprefix("http://testserver"))
    assert r.status_code == 200 and "Parques de Miraflores" in r.content.decode()


def test_uris_never_come_from_the_host_header(settings):
    settings.OPENDATA_BASE_URL = "https://datos.munlima.gob.pe"
    request = RequestFactory().get("/catalog.ttl", HTTP_HOST="malo.example")
    assert ckan.base_url(request) == "https://datos.munlima.gob.pe"
    settings.OPENDATA_BASE_URL = ""
    settings.SITE_URL = "https://openlima.pe/"
    assert ckan.base_url(request) == "https://openlima.pe"


def test_topics_map_to_eu_data_themes_and_stay_keywords(client, db):
    from tests.opendata.factories import TopicFactory

    topic = TopicFactory(slug="medio-ambiente", name="Medio ambiente")
    other = TopicFactory(slug="miscelanea", name="Miscelánea")
    DatasetFactory(slug="aire", topics=[topic, other])
    g = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    ds = URIRef("http://testserver/datos/aire/#dataset")
    theme = "http://publications.europa.eu/resource/authority/data-theme/"
    assert set(g.objects(ds, DCAT.theme)) == {URIRef(theme + "ENVI")}
    keywords = {str(k) for k in g.objects(ds, DCAT.keyword)}
    assert {"Medio ambiente", "Miscelánea"} <= keywords
    catalog = URIRef("http://testserver/catalog")
    assert (catalog, DCAT.themeTaxonomy, URIRef(theme.rstrip("/"))) in g


def test_demo_mercados_metadata_matches_its_csv(client, db):
    import csv
    import io

    from opendata import demo
    from opendata.models import Dataset

    demo.load()
    dataset = Dataset.objects.get(slug="mercados-municipales")
    version = dataset.resources.get().versions.get()
    with version.file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode())))
    in_data = {r["distrito"] for r in rows}
    claimed = {d.name for d in dataset.districts.all()}
    # "Lima (Cercado de Lima)" is how the reference list names the Cercado.
    normalise = {"Lima (Cercado de Lima)": "Cercado de Lima"}
    assert {normalise.get(n, n) for n in claimed} == in_data
