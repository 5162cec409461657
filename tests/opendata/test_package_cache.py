"""package_search's serialised-package cache (opendata/ckan.py, docs/performance.md):
fewer queries when warm, never stale after a write to the dataset or its resources."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.models import Dataset, Resource
from tests.opendata.factories import DatasetFactory

pytestmark = pytest.mark.django_db

URL = "/api/3/action/package_search"


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.OPENDATA_FACET_CACHE_SECONDS = 0


def _search(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"rows": 100, **params})
    assert response.status_code == 200
    return response.json()["result"], len(ctx.captured_queries)


def test_warm_search_skips_the_serialisation_queries_and_answers_the_same(client):
    for i in range(5):
        DatasetFactory(title=f"Mercados {i}", tags=["mercados"])
    cold, cold_queries = _search(client)
    warm, warm_queries = _search(client)
    assert warm == cold
    assert cold["count"] == 5
    assert warm_queries <= cold_queries - 4  # resources, tags, topics, districts, rows


def test_an_edit_or_a_new_resource_is_never_served_stale(
    client, django_capture_on_commit_callbacks
):
    """Generations move after commit: each write runs what its commit would run."""
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(title="Paraderos")
    _search(client)
    with django_capture_on_commit_callbacks(execute=True):
        Dataset.objects.filter(pk=dataset.pk).update(title="Paraderos de buses")
    result, _queries = _search(client)
    assert result["results"][0]["title"] == "Paraderos de buses"
    with django_capture_on_commit_callbacks(execute=True):
        Resource.objects.create(
            dataset=dataset, name="Paraderos (CSV)", format="CSV", media_type="text/csv"
        )
    result, _queries = _search(client)
    assert [r["name"] for r in result["results"][0]["resources"]] == ["Paraderos (CSV)"]


def test_off_without_generations(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    DatasetFactory()
    _first, queries = _search(client)
    _second, again = _search(client)
    assert again == queries


def _post_search(client, body):
    import json

    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return response.json()["result"], len(ctx.captured_queries)


def test_a_posted_search_is_answered_from_the_cache_and_a_publication_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    """POST is not kept by the page cache: its answer is kept under the same content
    generations, so a repeat asks the database nothing and a new dataset shows next."""
    body = {"q": "mercados", "rows": 100, "facet.field": ["tags", "res_format"]}
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            DatasetFactory(title=f"Mercados {i}", tags=["mercados"])
    cold, cold_queries = _post_search(client, body)
    warm, warm_queries = _post_search(client, body)
    assert warm == cold and cold["count"] == 3 and cold_queries > 0
    assert warm_queries == 0
    other, other_queries = _post_search(client, {**body, "rows": 1})
    assert len(other["results"]) == 1 and other_queries > 0  # another question
    with django_capture_on_commit_callbacks(execute=True):
        DatasetFactory(title="Mercados nuevos", tags=["mercados"])
    after, after_queries = _post_search(client, body)
    assert after["count"] == 4 and after_queries > 0
    with django_capture_on_commit_callbacks(execute=True):
        Dataset.objects.filter(title="Mercados 0").update(title="Mercados zonales")
    titles = {r["title"] for r in _post_search(client, body)[0]["results"]}
    assert "Mercados zonales" in titles and "Mercados 0" not in titles
