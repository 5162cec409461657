"""Public pages: catalogue, dataset, downloads, transparency, site search, home indicators."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from opendata import selectors, services
from opendata.models import (
    Dataset,
    DatasetDailyStat,
    ResourceDailyStat,
    TransparencyCategory,
)
from openlima import selectors as core_selectors
from openlima import viewcounts
from openlima.models import OrgUnit
from tests.opendata.factories import DatasetFactory, TopicFactory

pytestmark = pytest.mark.django_db


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


# --- Site search ----------------------------------------------------------------------------------


def test_site_search_merges_providers_ranked_with_kind(
    client, dataset_with_file, fake_providers
):
    fake_providers(
        "search:commitments",
        lambda *, query, limit: [
            {
                "kind": "commitment",
                "kind_label": "Compromiso",
                "title": f"Compromiso sobre {query}",
                "summary": "",
                "url": "/compromisos/1/",
                "rank": 5.0,
            }
        ],
    )
    fake_providers("search:broken", lambda *, query, limit: 1 / 0)
    r = client.get("/buscar/", {"q": "población"})
    html = r.content.decode()
    assert r.status_code == 200
    assert (
        "Compromiso sobre población" in html and "Población distrital de Lima" in html
    )
    assert "Conjunto de datos" in html and "Compromiso" in html
    assert html.index("Compromiso sobre") < html.index("Población distrital de Lima")
    assert client.get("/buscar/", {"q": ""}).status_code == 200
    assert client.get("/buscar/", {"q": "<script>alert(1)</script>"}).status_code == 200
    assert (
        "<script>alert(1)"
        not in client.get(
            "/buscar/", {"q": "<script>alert(1)</script>"}
        ).content.decode()
    )


@pytest.mark.postgres
def test_search_is_accent_insensitive_on_postgres(client, dataset_with_file):
    services.transparency_document_create(
        category="participacion-ciudadana",
        title="Informe de participación vecinal",
        external_url="https://example.pe/",
    )
    html = client.get("/buscar/", {"q": "participacion"}).content.decode()
    assert "Informe de participación vecinal" in html
    assert "Población distrital de Lima" in html  # "participación" in its description


# --- Home page indicators --------------------------------------------------------------------------

COMMITMENTS = {
    "plans": 2,
    "commitments": 10,
    "milestones": 40,
    "milestones_completed": 25,
    "milestones_overdue": 1,
    "completion_summary": [
        {"level": "complete", "label": "Completo", "count": 4},
        {"level": "substantial", "label": "Sustancial", "count": 3},
        {"level": "limited", "label": "Limitado", "count": 3},
    ],
    "overdue": [
        {
            "title": "Hito atrasado",
            "commitment": "Lima transparente",
            "due_on": "2024-01-01",
            "url": "/compromisos/3/",
        }
    ],
}
COMPLAINTS = {
    "received": 120,
    "attended": 90,
    "attended_ratio": 0.75,
    "by_channel": [
        {"channel": "web", "label": "Web", "count": 100},
        {"channel": "phone", "label": "Teléfono", "count": None},
    ],
    "by_stage": [],
    "median_days_to_acknowledge": 2,
    "average_rating": 4.2,
    "ratings": 30,
    "suppressed_below": 5,
}
PARTICIPATION = {
    "proposals": 55,
    "supports": 900,
    "comments": 120,
    "participants": 310,
    "consultations": 2,
    "by_district": [
        {
            "district": "Comas",
            "ubigeo": "150110",
            "proposals": 10,
            "supports": 200,
            "comments": 5,
            "attendance": 30,
        },
        {
            "district": "Miraflores",
            "ubigeo": "150122",
            "proposals": 4,
            "supports": 50,
            "comments": 1,
            "attendance": 0,
        },
    ],
}


def render_tag():
    """The home page's indicators block, as the core's home view renders it."""
    return render_to_string(
        "openlima/home_indicators.html", {"data": core_selectors.home_indicators()}
    )


def test_home_indicators_with_every_provider(fake_providers, dataset_with_file, client):
    fake_providers("indicators:commitments", lambda: COMMITMENTS)
    fake_providers("indicators:complaints", lambda: COMPLAINTS)
    fake_providers("indicators:participation", lambda: PARTICIPATION)
    # "valoración de la plataforma" comes from the "¿Le fue útil?" ratings (issue 12).
    fake_providers(
        "indicators:feedback",
        lambda: {
            "ratings": 12,
            "average": 4.2,
            "by_part": [
                {"part": "home", "label": "Inicio", "ratings": 12, "average": 4.2}
            ],
        },
    )
    client.get(
        f"/datos/poblacion-distrital/recursos/{dataset_with_file.resources.get().uuid}/descargar/"
    )
    html = render_tag()
    assert "datos publicados" in html and "datos consultados" in html
    assert "90 / 120" in html and ("4,2 / 5" in html or "4.2 / 5" in html)
    assert (
        "<svg" in html
        and "<table>" in html
        and "Teléfono" in html
        and "suprimido" in html
    )
    assert "Comas" in html and ">245<" in html  # 10 + 200 + 5 + 30
    assert "Hito atrasado" in html and "Sustancial" in html
    data = core_selectors.home_indicators()["opendata"]
    assert data["datasets_published"] == 1 and data["datasets_downloads"] == 1


def test_home_indicators_degrade_without_providers(dataset_with_file):
    from openlima import registry

    opendata = registry.provider("indicators:opendata")
    with registry.only("indicators:", {"opendata": opendata}):
        html = render_tag()
    assert "datos publicados" in html
    assert "denuncias" not in html.lower() and "<svg" not in html


def test_home_indicators_survive_a_failing_provider(fake_providers):
    fake_providers("indicators:complaints", lambda: 1 / 0)
    assert "datos publicados" in render_tag()


def test_home_indicators_are_cached_and_refreshed_by_the_job(
    fake_providers, dataset_with_file
):
    from openlima.tasks import indicators_refresh

    def published():
        return core_selectors.home_indicators()["opendata"]["datasets_published"]

    assert published() == 1
    DatasetFactory(slug="otro")
    assert published() == 1  # cached snapshot
    indicators_refresh.apply().get()
    assert published() == 2
    cache.clear()
    assert published() == 2  # computed on a miss


def test_home_page_with_indicators_query_count(
    client, fake_providers, django_assert_max_num_queries
):
    fake_providers("indicators:commitments", lambda: COMMITMENTS)
    seed_catalogue(30)
    with django_assert_max_num_queries(6):
        r = client.get("/")
    assert r.status_code == 200 and "Indicadores del plan" in r.content.decode()
    with django_assert_max_num_queries(2):  # cached: no catalogue queries at all
        client.get("/")


def test_english_catalogue_and_transparency(client, dataset_with_file):
    html = client.get("/en/datos/").content.decode()
    assert "Open data catalogue" in html and "Población distrital de Lima" in html
    html = client.get("/en/transparencia/").content.decode()
    assert "Investment projects and Infobras" in html and "Visitor log" in html


def test_search_page_query_count(client, fake_providers, django_assert_max_num_queries):
    seed_catalogue(30)
    for i in range(20):
        services.transparency_document_create(
            category="presupuesto",
            title=f"Movilidad informe {i}",
            external_url="https://example.pe/",
        )
    # At most one query per kind of result, whatever the number of rows: datasets and
    # transparency documents in one UNION, and the real providers of the merged portal
    # (commitments, milestones, proposals, consultations, sessions, budget processes and
    # projects, contracting's processes and works in one UNION, answered information
    # requests): within the public-page bound (docs/performance.md).
    with django_assert_max_num_queries(10):
        r = client.get("/buscar/", {"q": "Movilidad"})
    html = r.content.decode()
    assert r.status_code == 200 and "Movilidad urbana" in html
    assert "Movilidad informe" in html and "Documento de transparencia" in html


def test_catalogue_search_combines_with_facets(client, dataset_with_file):
    DatasetFactory(slug="poblacion-sin-tema", title="Población censada")
    html = client.get(
        "/datos/", {"q": "Población", "tema": "poblacion"}
    ).content.decode()
    assert "Población distrital de Lima" in html and "Población censada" not in html
    html = client.get("/datos/", {"q": "Población"}).content.decode()
    assert "Población distrital de Lima" in html and "Población censada" in html


def test_expired_home_indicators_are_recomputed_by_one_request_only(
    dataset_with_file, django_assert_max_num_queries
):
    """Stampede on the home's data: when the fresh snapshot has expired, a request that
    finds another one recomputing gets the last snapshot (no query); with no recent
    snapshot it computes."""
    from django.core.cache import cache

    key = core_selectors._indicators_key()
    cache.delete_many([key, f"{key}:last", f"{key}:lock"])
    first = core_selectors.home_indicators()
    assert cache.get(f"{key}:last") == first
    cache.delete(key)  # the fresh copy expired
    cache.add(f"{key}:lock", 1, 60)  # someone else is recomputing
    with django_assert_max_num_queries(0):
        assert core_selectors.home_indicators() == first
    cache.delete(f"{key}:lock")
    # Nobody recomputing: this request does, and stores both copies.
    again = core_selectors.home_indicators()
    assert again["opendata"] == first["opendata"]
    assert cache.get(key) == again and cache.get(f"{key}:lock") is None
    # A last snapshot older than an hour is not served: recomputed even under a lock.
    old = {**again, "computed_at": "2000-01-01T00:00:00+00:00"}
    cache.delete(key)
    cache.set(f"{key}:last", old, None)
    cache.add(f"{key}:lock", 1, 60)
    assert core_selectors.home_indicators()["computed_at"] != old["computed_at"]
    cache.delete(f"{key}:lock")
