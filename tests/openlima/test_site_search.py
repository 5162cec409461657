"""Site search (/buscar/, openlima.selectors.search_everything): every app's `search:`
provider merged and ranked (moved from tests/opendata/test_pages.py)."""

import pytest

from opendata import services
from tests.catalogue import seed_catalogue

pytestmark = pytest.mark.django_db


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
