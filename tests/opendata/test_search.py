"""Search of the catalogue on the stored, GIN-indexed vector (PostgreSQL): kept up to date
on every write, accent-insensitive, ranked as before (title above description), read by
the site search, the catalogue and CKAN package_search; bounded queries."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata import selectors, services
from opendata.models import Dataset, Tag, TransparencyDocument
from opendata.search import dataset_search_index, stored_text_search
from openlima import roles
from openlima.models import OrgUnit
from tests.factories import StaffFactory
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def matching_slugs(query):
    return set(
        stored_text_search(Dataset.objects.all(), query=query).values_list(
            "slug", flat=True
        )
    )


def package_search(client, **params):
    r = client.get("/api/3/action/package_search", params)
    assert r.status_code == 200, r.content[:500]
    return r.json()["result"]


def sgdi():
    return OrgUnit.objects.get(slug="sgdi")


@pytest.mark.postgres
def test_stored_vector_follows_title_description_and_tags_of_the_services():
    dataset = services.dataset_create(
        title="Paraderos de transporte",
        description="Paraderos autorizados del Cercado.",
        publisher=sgdi(),
        tags=["movilidad"],
        state=Dataset.State.PUBLISHED,
    )
    assert Dataset.objects.filter(pk=dataset.pk, search_vector__isnull=False).exists()
    assert matching_slugs("paraderos") == {dataset.slug}
    assert matching_slugs("movilidad") == {dataset.slug}  # a tag
    # The platform's own datasets: title and tags refreshed together.
    services.platform_dataset_refresh(
        key="demo",
        spec={
            "title": "Ciclovías",
            "description": "Red vial.",
            "tags": ["bicicletas"],
            "columns": ["a"],
        },
    )
    platform = Dataset.objects.get(source="demo")
    assert matching_slugs("ciclovias") == {platform.slug}
    services.platform_dataset_refresh(
        key="demo",
        spec={
            "title": "Vías exclusivas",
            "description": "Red vial.",
            "tags": ["buses"],
            "columns": ["a"],
        },
    )
    assert matching_slugs("ciclovias") == set()
    assert matching_slugs("bicicletas") == set()
    assert matching_slugs("buses") == {platform.slug}
    assert matching_slugs("exclusivas") == {platform.slug}


@pytest.mark.postgres
def test_stored_vector_follows_the_admin(staff_client_factory):
    client = staff_client_factory(StaffFactory(roles=[roles.DATA_PUBLISHER]))
    dataset = DatasetFactory(slug="paraderos", title="Paraderos", tags=["movilidad"])
    tag = Tag.objects.create(name="bicicletas")
    form = {
        "title": "Ciclovías de Lima",
        "slug": "paraderos",
        "description": "Red de ciclovías.",
        "publisher": sgdi().pk,
        "license": "cc-by-4.0",
        "frequency": "MONTHLY",
        "state": "published",
        "publish_at_0": "",
        "publish_at_1": "",
        "withdrawn_reason": "",
        "tags": [tag.pk],
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    r = client.post(f"/gestion/opendata/dataset/{dataset.pk}/change/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(dataset.tags.values_list("name", flat=True)) == ["bicicletas"]
    assert matching_slugs("ciclovias") == {"paraderos"}
    assert matching_slugs("bicicletas") == {"paraderos"}
    assert matching_slugs("movilidad") == set()  # the old tag is gone from the vector
    # Renaming a tag refreshes the vectors of its datasets.
    r = client.post(f"/gestion/opendata/tag/{tag.pk}/change/", {"name": "patinetes"})
    assert r.status_code == 302
    assert matching_slugs("patinetes") == {"paraderos"}
    assert matching_slugs("bicicletas") == set()


@pytest.mark.postgres
def test_transparency_vector_is_stored_on_create_and_found_without_accents():
    doc = services.transparency_document_create(
        category="presupuesto",
        title="Ejecución presupuestal",
        description="Avance de la inversión",
        external_url="https://example.pe/",
    )
    assert TransparencyDocument.objects.filter(
        pk=doc.pk, search_vector__isnull=False
    ).exists()
    results = selectors.site_search(query="ejecucion inversion", limit=10)
    assert [r["title"] for r in results] == ["Ejecución presupuestal"]


@pytest.mark.postgres
def test_accent_insensitive_search_reads_the_stored_vector(client):
    DatasetFactory(
        slug="arboles",
        title="Árboles de Lima",
        description="Inventario del arbolado urbano.",
        tags=["forestación"],
    )
    DatasetFactory(slug="otro", title="Licencias de funcionamiento")
    with CaptureQueriesContext(connection) as ctx:
        results = selectors.site_search(query="arboles", limit=10)
    assert [r["url"] for r in results] == ["/datos/arboles/"]
    dataset_sql = [
        q["sql"] for q in ctx.captured_queries if "opendata_dataset" in q["sql"]
    ]
    assert dataset_sql and all(
        '"search_vector" @@' in sql and "to_tsvector" not in sql for sql in dataset_sql
    )
    # Accents in the query, none in the text, and a tag-only match.
    assert matching_slugs("forestacion") == {"arboles"}
    assert matching_slugs("ÁRBOLES") == {"arboles"}
    result = package_search(client, q="árboles")
    assert [p["name"] for p in result["results"]] == ["arboles"]
    html = client.get("/datos/", {"q": "arboles"}).content.decode()
    assert "Árboles de Lima" in html and "Licencias de funcionamiento" not in html


@pytest.mark.postgres
def test_ranking_title_above_description_and_then_the_requested_sort(client):
    DatasetFactory(slug="en-descripcion", title="Padrón", description="Mercados.")
    DatasetFactory(slug="en-titulo", title="Mercados de abastos", description="Lima.")
    DatasetFactory(slug="sin", title="Parques", description="Áreas verdes.")
    result = package_search(client, q="mercados")
    assert result["count"] == 2
    assert [p["name"] for p in result["results"]] == ["en-titulo", "en-descripcion"]
    # Another sort than score: the database sorts the matches.
    result = package_search(client, q="mercados", sort="name asc")
    assert [p["name"] for p in result["results"]] == ["en-descripcion", "en-titulo"]
    # The site search ranks the same way.
    results = selectors.site_search(query="mercados", limit=10)
    assert [r["url"] for r in results] == [
        "/datos/en-titulo/",
        "/datos/en-descripcion/",
    ]


@pytest.mark.postgres
def test_the_gin_index_serves_the_search():
    DatasetFactory(slug="a", title="Mercados")
    qs = stored_text_search(Dataset.objects.all(), query="mercados")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "opendata_dataset_search_gin" in plan


@pytest.mark.postgres
def test_migration_backfills_existing_rows():
    DatasetFactory(slug="a", title="Mercados", tags=["abastos"])
    Dataset.objects.update(search_vector=None)
    assert matching_slugs("mercados") == set()
    migration = importlib.import_module("opendata.migrations.0002_search_vector")
    with connection.cursor() as cursor:  # CREATE INDEX wants no pending FK checks
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
    assert matching_slugs("mercados") == {"a"} == matching_slugs("abastos")
    assert dataset_search_index(dataset_ids=[]) == 0


def test_search_everywhere_without_postgres_features(client):
    """Both backends: the same answers to a plain query (SQLite: icontains)."""
    DatasetFactory(slug="mercados", title="Mercados de abastos")
    DatasetFactory(slug="parques", title="Parques zonales")
    assert matching_slugs("mercados") == {"mercados"}
    assert matching_slugs("   ") == set()
    result = package_search(client, q="mercados", rows=5)
    assert result["count"] == 1 and result["results"][0]["name"] == "mercados"
    html = client.get("/datos/", {"q": "parques"}).content.decode()
    assert "Parques zonales" in html and "Mercados de abastos" not in html


def test_package_search_and_catalogue_queries_bounded_and_facets_cached(
    client, django_assert_max_num_queries
):
    from tests.catalogue import seed_catalogue

    seed_catalogue(40)
    params = {
        "q": "movilidad",
        "rows": 100,
        "fq": "tags:lima",
        "facet.field": '["organization", "tags", "res_format", "groups", "license_id"]',
    }
    # count, page ids, datasets (+ publisher), resources, tags, topics, districts,
    # five facets: 12 queries at any number of rows.
    with django_assert_max_num_queries(12):
        first = package_search(client, **params)
    assert first["count"] == 40 and len(first["results"]) == 40
    assert first["facets"]["tags"]["lima"] == 40
    with django_assert_max_num_queries(7):  # facet counts cached briefly
        again = package_search(client, **params)
    assert again == first
    with django_assert_max_num_queries(12):
        r = client.get("/datos/", {"q": "movilidad", "formato": "csv"})
    assert r.status_code == 200 and r.content.decode().count('class="card"') == 20
    with django_assert_max_num_queries(8):  # the four facet counts come from the cache
        again = client.get("/datos/", {"q": "movilidad", "formato": "csv"})
    assert again.content.decode().count('class="card"') == 20


def test_facet_cache_can_be_disabled(client, settings):
    settings.OPENDATA_FACET_CACHE_SECONDS = 0
    DatasetFactory(slug="a", title="Mercados", tags=["abastos"])
    facets = '["tags"]'
    result = package_search(client, **{"facet.field": facets})
    assert result["facets"]["tags"] == {"abastos": 1}
    DatasetFactory(slug="b", title="Parques", tags=["abastos"])
    result = package_search(client, **{"facet.field": facets})
    assert result["facets"]["tags"] == {"abastos": 2}


@pytest.mark.postgres
def test_the_stored_vector_is_the_one_the_orm_computes():
    """The SQL of the stored vector and the ORM's `spanish_vector` are one definition
    (openlima.search): a document's stored vector equals the computed one."""
    from openlima.search import spanish_vector

    doc = services.transparency_document_create(
        category="presupuesto",
        title="Presupuesto de Áncash",
        description="Ejecución del gasto por categoría.",
        external_url="https://example.pe/",
    )
    row = (
        TransparencyDocument.objects.filter(pk=doc.pk)
        .annotate(computed=spanish_vector(["title", "description"]))
        .values("search_vector", "computed")
        .get()
    )
    assert row["search_vector"] and row["search_vector"] == row["computed"]
