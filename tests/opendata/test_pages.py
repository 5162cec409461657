"""Public pages: catalogue, dataset, downloads, transparency (site search and the home
indicators: tests/openlima/test_site_search.py, test_home_indicators.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from opendata import selectors, services
from opendata.models import (
    Dataset,
    DatasetDailyStat,
    ResourceDailyStat,
    TransparencyCategory,
)
from openlima import viewcounts
from tests.catalogue import seed_catalogue
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db


# --- Catalogue -----------------------------------------------------------------------------


def test_catalogue_lists_published_with_facets_search_and_sort(
    client, dataset_with_file
):
    DatasetFactory(slug="borrador", title="Borrador secreto", state=Dataset.State.DRAFT)
    DatasetFactory(slug="alameda", title="Alamedas de Lima")
    r = client.get("/datos/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Población distrital de Lima" in html and "Borrador secreto" not in html
    assert (
        "?tema=poblacion" in html
        and "?formato=CSV" in html
        and "?licencia=cc-by-4.0" in html
    )
    assert "publicador=sgdi" in html
    r = client.get("/datos/", {"tema": "poblacion"})
    assert (
        "Alamedas" not in r.content.decode()
        and "Población distrital" in r.content.decode()
    )
    r = client.get("/datos/", {"formato": "CSV"})
    assert "Alamedas" not in r.content.decode()
    r = client.get("/datos/", {"q": "Alamedas"})
    assert (
        "Alamedas" in r.content.decode()
        and "Población distrital" not in r.content.decode()
    )
    r = client.get("/datos/", {"orden": "titulo"})
    html = r.content.decode()
    assert html.index("Alamedas") < html.index("Población distrital")
    # bad input: never a 500
    assert (
        client.get(
            "/datos/", {"page": "x", "orden": "<script>", "q": "a" * 5000}
        ).status_code
        == 200
    )


def test_catalogue_query_count_is_bounded(client, django_assert_max_num_queries):
    seed_catalogue(40)
    with django_assert_max_num_queries(12):
        r = client.get("/datos/", {"tema": "movilidad"})
    assert r.status_code == 200 and r.content.decode().count('class="card"') == 20


# --- Dataset page and downloads ----------------------------------------------------------------


def test_dataset_page_shows_preview_metadata_and_counts_views(
    client, dataset_with_file
):
    r = client.get("/datos/poblacion-distrital/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Vista previa" in html and '<th scope="col">poblacion<br>' in html
    assert "integer" in html and "Miraflores" in html
    assert "CC BY 4.0" in html and "datos@munlima.gob.pe" in html
    client.get("/datos/poblacion-distrital/")
    viewcounts.flush()  # with Redis the views wait there for the flush job
    assert DatasetDailyStat.objects.get(dataset=dataset_with_file).views == 2


def test_dataset_page_query_count_is_bounded(
    client, dataset_with_file, django_assert_max_num_queries
):
    resource = dataset_with_file.resources.get()
    for i in range(15):
        services.resource_version_add(
            resource=resource, data=f"a,b\n{i},1\n".encode(), filename="v.csv"
        )
    for i in range(10):
        r = services.resource_create(dataset=dataset_with_file, name=f"Extra {i}")
        services.resource_version_add(
            resource=r, data=f"x,y\n{i},1\n".encode(), filename="e.csv"
        )
    # The first visit of the day (its view counter row does not exist yet) and a later
    # one, with an empty cache: within the public-page bound (docs/performance.md).
    for _visit in range(2):
        with django_assert_max_num_queries(10):
            assert client.get("/datos/poblacion-distrital/").status_code == 200
    viewcounts.flush()
    assert DatasetDailyStat.objects.get(dataset=dataset_with_file).views == 2


def test_draft_is_404_and_withdrawn_shows_reason_without_files(
    client, dataset_with_file
):
    DatasetFactory(slug="borrador", state=Dataset.State.DRAFT)
    assert client.get("/datos/borrador/").status_code == 404
    resource = dataset_with_file.resources.get()
    services.dataset_withdraw(dataset=dataset_with_file, reason="Cifras en revisión")
    r = client.get("/datos/poblacion-distrital/")
    assert r.status_code == 200 and "Cifras en revisión" in r.content.decode()
    assert "descargar" not in r.content.decode()
    url = f"/datos/poblacion-distrital/recursos/{resource.uuid}/descargar/"
    assert client.get(url).status_code == 404


def test_download_latest_and_old_versions_counts_downloads(
    client, dataset_with_file, csv_bytes
):
    resource = dataset_with_file.resources.get()
    services.resource_version_add(
        resource=resource, data=b"nuevo,1\n2,3\n", filename="p.csv"
    )
    r = client.get(f"/datos/poblacion-distrital/recursos/{resource.uuid}/descargar/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"nuevo,1\n2,3\n"
    assert r["Content-Disposition"].startswith("attachment")
    r = client.get(f"/datos/poblacion-distrital/recursos/{resource.uuid}/v1/descargar/")
    assert b"".join(r.streaming_content) == csv_bytes
    assert (
        client.get(
            f"/datos/poblacion-distrital/recursos/{resource.uuid}/v9/descargar/"
        ).status_code
        == 404
    )
    assert ResourceDailyStat.objects.get(resource=resource).downloads == 2
    assert selectors.dataset_counts(dataset=dataset_with_file)["downloads"] == 2


def test_external_resource_redirects_and_counts(client, dataset_with_file):
    r = services.resource_create(
        dataset=dataset_with_file, name="INEI", external_url="https://www.inei.gob.pe/"
    )
    resp = client.get(f"/datos/poblacion-distrital/recursos/{r.uuid}/descargar/")
    assert resp.status_code == 302 and resp["Location"] == "https://www.inei.gob.pe/"
    assert ResourceDailyStat.objects.get(resource=r).downloads == 1


# --- Transparency -------------------------------------------------------------------------------


def test_transparency_sections_with_last_update(client):
    assert len(TransparencyCategory.choices) == 10
    old = timezone.now() - dt.timedelta(days=40)
    services.transparency_document_create(
        category="presupuesto",
        title="PIA 2023",
        external_url="https://example.pe/a",
        publish_at=old,
    )
    services.transparency_document_create(
        category="presupuesto", title="PIA 2024", external_url="https://example.pe/b"
    )
    services.transparency_document_create(
        category="personal",
        title="Planilla futura",
        external_url="https://example.pe/c",
        publish_at=timezone.now() + dt.timedelta(days=3),
    )
    r = client.get("/transparencia/")
    html = r.content.decode()
    for _value, label in TransparencyCategory.choices:
        assert str(label) in html.replace("&amp;", "&") or "Planeamiento" in html
    assert "Registro de visitas" in html and "Proyectos de inversión e Infobras" in html
    sections = {s["slug"]: s for s in selectors.transparency_sections()}
    assert sections["presupuesto"]["count"] == 2
    assert sections["presupuesto"]["last_update"] > old
    assert sections["personal"]["count"] == 0  # scheduled, not yet public
    html = client.get("/transparencia/presupuesto/").content.decode()
    assert html.index("PIA 2024") < html.index("PIA 2023")
    assert (
        "Planilla futura" not in client.get("/transparencia/personal/").content.decode()
    )
    assert client.get("/transparencia/no-existe/").status_code == 404


def test_transparency_pages_query_count(client, django_assert_max_num_queries):
    for i in range(30):
        services.transparency_document_create(
            category=TransparencyCategory.values[i % 10],
            title=f"Doc {i}",
            external_url="https://example.pe/",
        )
    with django_assert_max_num_queries(6):
        assert client.get("/transparencia/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/transparencia/presupuesto/").status_code == 200


def test_transparency_document_download(client):
    doc = services.transparency_document_create(
        category="presupuesto",
        title="PIA",
        data=b"%PDF-1.4\n%%EOF\n",
        filename="pia.pdf",
    )
    r = client.get(f"/transparencia/documentos/{doc.pk}/descargar/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_english_catalogue_and_transparency(client, dataset_with_file):
    html = client.get("/en/datos/").content.decode()
    assert "Open data catalogue" in html and "Población distrital de Lima" in html
    html = client.get("/en/transparencia/").content.decode()
    assert "Investment projects and Infobras" in html and "Visitor log" in html


def test_catalogue_search_combines_with_facets(client, dataset_with_file):
    DatasetFactory(slug="poblacion-sin-tema", title="Población censada")
    html = client.get(
        "/datos/", {"q": "Población", "tema": "poblacion"}
    ).content.decode()
    assert "Población distrital de Lima" in html and "Población censada" not in html
    html = client.get("/datos/", {"q": "Población"}).content.decode()
    assert "Población distrital de Lima" in html and "Población censada" in html
