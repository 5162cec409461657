"""Following a search by e-mail; the registry providers (search, home, datasets, ARCO)."""

import pytest
from django.core import mail
from django.utils import timezone

from contracting import selectors, services
from contracting.models import Bid, Follow
from openlima import registry
from openlima.models import District

pytestmark = pytest.mark.django_db


def test_follow_a_search_and_get_an_email_for_a_new_match(client, user, make_process):
    client.force_login(user)
    response = client.post(
        "/contrataciones/seguir/", {"query": "district=comas&stage=tender"}
    )
    assert response.status_code == 302
    follow = Follow.objects.get(user=user)
    assert "Comas" in follow.label
    make_process("Losa en Comas", starts_ago=1)  # Comas is the fixture's district
    make_process(
        "En Ate",
        starts_ago=1,
        district=District.objects.get(slug="ate"),
    )
    result = services.publish_and_notify(now=timezone.now())
    assert result["notified"] == 1
    assert len(mail.outbox) == 1
    assert "Losa en Comas" in mail.outbox[0].body
    assert "En Ate" not in mail.outbox[0].body
    assert mail.outbox[0].to == [user.email]
    # Nothing new: no second e-mail.
    services.publish_and_notify(now=timezone.now())
    assert len(mail.outbox) == 1


def test_follow_needs_login_and_valid_query(client, user):
    response = client.post("/contrataciones/seguir/", {"query": "stage=tender"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert Follow.objects.count() == 0
    client.force_login(user)
    for bad in ["stage=nope", "q=%00", "x" * 600]:
        assert client.post("/contrataciones/seguir/", {"query": bad}).status_code == 400
    assert Follow.objects.count() == 0
    # GET is the follow page (the list links to it): the form, nothing followed yet.
    assert client.get("/contrataciones/seguir/").status_code == 200
    assert Follow.objects.count() == 0


def test_unfollow_only_own(client, user):
    other = services.follow_create(user=user, query="stage=tender", label="x")
    from tests.factories import UserFactory

    intruder = UserFactory()
    client.force_login(intruder)
    client.post("/contrataciones/siguiendo/", {"follow_id": other.pk})
    assert Follow.objects.filter(pk=other.pk).exists()
    assert (
        client.post("/contrataciones/siguiendo/", {"follow_id": "x"}).status_code == 400
    )
    client.force_login(user)
    assert "x" in client.get("/contrataciones/siguiendo/").content.decode()
    client.post("/contrataciones/siguiendo/", {"follow_id": other.pk})
    assert not Follow.objects.filter(pk=other.pk).exists()


def test_site_search_provider(make_process, comas, logistics):
    make_process("Pavimentación del jirón Ucayali")
    search = registry.provider("search:contracting")
    results = search(query="ucayali", limit=5)
    assert [r["title"] for r in results] == ["Pavimentación del jirón Ucayali"]
    assert results[0]["url"].startswith("/contrataciones/")


def test_home_indicators(make_process):
    make_process("Abierta", starts_ago=1)
    make_process("Cerrada", bids=[(1, "1", Bid.Status.VALID)], award=(1, "1"))
    data = registry.provider("indicators:contracting")()
    assert data["tenders_open"] == 1
    assert data["works_in_progress"] == 0


def test_dataset_providers(make_process):
    make_process("Con ganador", bids=[(1, "5", Bid.Status.VALID)], award=(1, "5"))
    data = registry.provider("dataset:contrataciones-ocds")()
    assert data["columns"] == selectors.FLAT_COLUMNS
    assert data["rows"][0]["red_flags"] == "single_bidder"
    assert "/api/ocds/bulk/releases.json" in data["description"]
    assert registry.provider("dataset:obras-oc4ids")()["rows"] == []


def test_personal_data_and_erase(user):
    services.follow_create(user=user, query="stage=tender", label="Convocatorias")
    data = registry.provider("personal_data:contracting")(user=user)
    assert data["follows"][0]["label"] == "Convocatorias"
    registry.provider("erase_personal_data:contracting")(user=user)
    assert Follow.objects.count() == 0


def test_home_page_shows_the_contracting_indicators(client, make_process):
    make_process("Abierta", starts_ago=1)
    html = client.get("/").content.decode()
    assert "licitaciones en curso" in html
    assert "obras en ejecución" in html
    assert "tenders open for bids" in client.get("/en/").content.decode()


def test_site_search_finds_works_in_one_query(
    make_process, comas, logistics, django_assert_max_num_queries
):
    from contracting.models import InfrastructureProject

    InfrastructureProject.objects.create(
        slug="losa-ucayali",
        title="Losa del jirón Ucayali",
        description="x",
        district=comas,
        unit=logistics,
        is_published=True,
    )
    make_process("Pavimentación del jirón Ucayali")
    search = registry.provider("search:contracting")
    with django_assert_max_num_queries(1):
        results = search(query="ucayali", limit=5)
    assert {r["kind"] for r in results} == {
        "contracting_process",
        "infrastructure_project",
    }
    assert any("Comas" in r["summary"] for r in results)


def test_bulk_data_is_a_catalogue_dataset(client, make_process):
    """The nightly opendata refresh turns the dataset: providers into catalogue datasets
    (so DCAT and the CKAN API list them)."""
    from opendata.services import platform_datasets_refresh

    make_process("Con ganador", bids=[(1, "5", Bid.Status.VALID)], award=(1, "5"))
    results = platform_datasets_refresh()
    assert results["contrataciones-ocds"]["dataset"] == "openlima-contrataciones-ocds"
    assert results["obras-oc4ids"]["dataset"] == "openlima-obras-oc4ids"
    ckan = client.get(
        "/api/3/action/package_show", {"id": "openlima-contrataciones-ocds"}
    )
    assert ckan.status_code == 200
    assert "releases.jsonl" in ckan.json()["result"]["notes"]
