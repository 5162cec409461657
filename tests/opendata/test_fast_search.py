"""package_search's cost (docs/performance.md): every facet from one grouped query,
the page and its total from one query, the answer through orjson with the same JSON."""

import datetime as dt
import decimal
import json
import uuid

import pytest
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext_lazy

from opendata import selectors as facets
from opendata.models import Dataset
from openlima import jsonfast
from tests.opendata.factories import DatasetFactory, TopicFactory

pytestmark = pytest.mark.django_db
FIELDS = ["organization", "tags", "res_format", "groups", "license_id"]


@pytest.fixture
def catalogue(dataset_with_file):
    topic = TopicFactory(slug="transporte", name="Transporte")
    for i in range(6):
        DatasetFactory(
            slug=f"d{i}", tags=["parques", f"t{i % 2}"], topics=[topic] if i % 2 else []
        )
    cache.clear()


def test_facet_counts_in_one_query_equal_the_per_field_counts(
    catalogue, django_assert_num_queries
):
    ids = Dataset.objects.filter(state="published").values("id")
    with django_assert_num_queries(1):
        together = facets.facet_counts(FIELDS, ids)
    for field in FIELDS:
        assert together[field] == list(facets.facet_rows(field, ids)), field
    assert together["tags"][0] == {
        "facet_name": "parques",
        "facet_label": "parques",
        "count": 6,
    }


def test_package_search_with_facets_runs_few_queries(
    client, catalogue, django_assert_max_num_queries
):
    params = {
        "q": "parques",
        "rows": 100,
        "facet.field": json.dumps(["organization", "tags", "res_format", "groups"]),
    }
    # page + total, facets (one query), package dicts (cold cache).
    with django_assert_max_num_queries(7):
        cold = client.get("/api/3/action/package_search", params).json()["result"]
    # Warm: the page and its total only (facets cached; package dicts are cached only
    # with the page cache's generations, off in tests: 5 relation queries then).
    with django_assert_max_num_queries(6):
        warm = client.get("/api/3/action/package_search", params).json()["result"]
    assert cold == warm and cold["count"] == len(cold["results"])
    assert cold["facets"]["tags"]["parques"] == cold["count"]
    # Past the end: no rows, the total still right.
    far = client.get(
        "/api/3/action/package_search", {"q": "parques", "start": 500}
    ).json()["result"]
    assert far["count"] == cold["count"] and far["results"] == []


def test_orjson_writes_what_the_django_encoder_wrote():
    value = {
        "when": timezone.make_aware(dt.datetime(2024, 5, 1, 10, 30, 0, 123456)),
        "day": dt.date(2024, 5, 1),
        "amount": decimal.Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "label": gettext_lazy("Datos"),
        "text": "Miraflores — año <b>",
        "n": [1, 2.5, None, True],
        3: "int key",
    }
    expected = json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
    assert json.loads(jsonfast.dumps(value)) == expected
