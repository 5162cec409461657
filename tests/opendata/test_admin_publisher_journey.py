"""Issue 12: a data publisher can create a dataset (the publisher and district
autocompletes answer), add resources from the dataset page and preview a draft."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opendata.models import Dataset, ResourceVersion
from openlima import roles
from openlima.models import District, OrgUnit
from tests.factories import StaffFactory
from tests.opendata.test_admin import dataset_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher_client(staff_client_factory):
    return staff_client_factory(StaffFactory(roles=[roles.DATA_PUBLISHER]))


@pytest.mark.parametrize(
    "field,term,expected",
    [("publisher", "Gobierno", "sgdi"), ("districts", "Miraflores", "Miraflores")],
)
def test_publisher_autocompletes_answer(publisher_client, field, term, expected):
    response = publisher_client.get(
        "/gestion/autocomplete/",
        {
            "app_label": "opendata",
            "model_name": "dataset",
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200, response.content[:200]
    results = response.json()["results"]
    assert results
    if field == "publisher":
        assert str(OrgUnit.objects.get(slug=expected).pk) in {r["id"] for r in results}
    else:
        assert any(expected in r["text"] for r in results)


def test_coordinator_budget_unit_autocomplete_answers(staff_client_factory):
    client = staff_client_factory(StaffFactory(roles=[roles.OGP_COORDINATOR]))
    response = client.get(
        "/gestion/autocomplete/",
        {
            "app_label": "budgets",
            "model_name": "project",
            "field_name": "unit",
            "term": "",
        },
    )
    assert response.status_code == 200


def test_publisher_adds_a_resource_from_the_dataset_page(publisher_client):
    district = District.objects.order_by("ubigeo").first()
    data = dataset_form(
        **{
            "districts": [district.pk],
            "resources-TOTAL_FORMS": "1",
            "resources-0-name": "Paraderos 2026",
            "resources-0-external_url": "",
            "resources-0-upload": SimpleUploadedFile(
                "paraderos.csv", b"codigo,nombre\n1,Plaza Grau\n", "text/csv"
            ),
        }
    )
    response = publisher_client.post("/gestion/opendata/dataset/add/", data)
    assert response.status_code == 302, (
        response.context["errors"]
        if getattr(response, "context", None)
        else response.content[:300]
    )
    dataset = Dataset.objects.get(slug="paraderos")
    resource = dataset.resources.get()
    assert resource.name == "Paraderos 2026"
    version = ResourceVersion.objects.get(resource=resource)
    assert version.format == "CSV"
    page = publisher_client.get(f"/gestion/opendata/dataset/{dataset.pk}/change/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()


def test_resource_from_dataset_page_refuses_a_bad_file(publisher_client):
    data = dataset_form(
        **{
            "resources-TOTAL_FORMS": "1",
            "resources-0-name": "Malo",
            "resources-0-upload": SimpleUploadedFile(
                "x.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "text/csv"
            ),
        }
    )
    response = publisher_client.post("/gestion/opendata/dataset/add/", data)
    assert response.status_code == 200
    assert not Dataset.objects.filter(slug="paraderos").exists()


def test_publisher_previews_a_draft_the_public_cannot_see(publisher_client, client):
    publisher_client.post("/gestion/opendata/dataset/add/", dataset_form())
    dataset = Dataset.objects.get(slug="paraderos")
    assert dataset.state == "draft"
    change = publisher_client.get(f"/gestion/opendata/dataset/{dataset.pk}/change/")
    preview_url = f"/gestion/opendata/dataset/{dataset.pk}/vista-previa/"
    assert preview_url in change.content.decode()
    response = publisher_client.get(preview_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Paraderos de transporte" in html and "Vista previa" in html
    assert "no-store" in response["Cache-Control"]
    publisher_client.logout()
    assert client.get(preview_url).status_code == 302  # to the login
    assert client.get("/datos/paraderos/").status_code == 404


def test_other_staff_cannot_preview(staff_client_factory):
    from tests.opendata.factories import DatasetFactory

    dataset = DatasetFactory(state="draft")
    client = staff_client_factory(StaffFactory(roles=[roles.MODERATOR]))
    response = client.get(f"/gestion/opendata/dataset/{dataset.pk}/vista-previa/")
    assert response.status_code == 403
