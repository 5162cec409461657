import pytest
from django.test import Client

from complaints import services

from .conftest import unlocked_client

pytestmark = pytest.mark.django_db


def _seed(n):
    for i in range(n):
        services.complaint_submit(body={"what": f"hechos {i}"})


@pytest.mark.parametrize("n", [3, 25])
def test_public_pages_bounded_queries(django_assert_max_num_queries, n):
    _seed(n)
    client = Client()
    for url in ("/denuncias/", "/denuncias/nueva/", "/denuncias/seguimiento/"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [3, 25])
def test_workspace_list_bounded_queries(django_assert_max_num_queries, member, n):
    _seed(n)
    client = unlocked_client(*member)
    with django_assert_max_num_queries(20):
        assert client.get("/denuncias/unidad/").status_code == 200


def test_statistics_api():
    _seed(6)
    response = Client().get("/api/v1/complaints/statistics/")
    assert response.status_code == 200
    assert response.json()["received"] == 6
