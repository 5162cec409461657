"""Staff publish, schedule and withdraw datasets in /gestion/ (role data_publisher only)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opendata.models import Dataset, Resource, ResourceVersion
from openlima import roles
from openlima.models import AuditLog, OrgUnit
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher_client(staff_client_factory):
    return staff_client_factory(StaffFactory(roles=[roles.DATA_PUBLISHER]))


def dataset_form(**overrides):
    data = {
        "title": "Paraderos de transporte",
        "slug": "paraderos",
        "description": "Paraderos autorizados.",
        "publisher": OrgUnit.objects.get(slug="sgdi").pk,
        "license": "cc-by-4.0",
        "frequency": "MONTHLY",
        "state": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "withdrawn_reason": "",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
        "resources-MIN_NUM_FORMS": "0",
        "resources-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_other_staff_cannot_manage_datasets(staff_client_factory):
    client = staff_client_factory(StaffFactory(roles=[roles.MODERATOR]))
    assert client.get("/gestion/opendata/dataset/").status_code == 403
    assert (
        client.post("/gestion/opendata/dataset/add/", dataset_form()).status_code == 403
    )
    assert not Dataset.objects.exists()


def test_data_publisher_creates_schedules_publishes_and_withdraws(publisher_client):
    r = publisher_client.post("/gestion/opendata/dataset/add/", dataset_form())
    assert r.status_code == 302, r.content.decode()[:3000]
    dataset = Dataset.objects.get(slug="paraderos")
    assert dataset.state == "draft"
    change = f"/gestion/opendata/dataset/{dataset.pk}/change/"
    # scheduling needs a date
    r = publisher_client.post(change, dataset_form(state="scheduled"))
    assert r.status_code == 200 and "Indique la fecha" in r.content.decode()
    later = timezone.localtime() + dt.timedelta(days=2)
    r = publisher_client.post(
        change,
        dataset_form(
            state="scheduled",
            publish_at_0=later.strftime("%Y-%m-%d"),
            publish_at_1=later.strftime("%H:%M:%S"),
        ),
    )
    assert r.status_code == 302
    dataset.refresh_from_db()
    assert dataset.state == "scheduled"
    # withdrawing needs a reason
    r = publisher_client.post(change, dataset_form(state="withdrawn"))
    assert r.status_code == 200 and "motivo" in r.content.decode()
    r = publisher_client.post(
        change, dataset_form(state="withdrawn", withdrawn_reason="Duplicado")
    )
    assert r.status_code == 302
    dataset.refresh_from_db()
    assert dataset.state == "withdrawn" and dataset.withdrawn_reason == "Duplicado"
    # the publish-now action
    r = publisher_client.post(
        "/gestion/opendata/dataset/",
        {"action": "publish_now", "_selected_action": [dataset.pk]},
    )
    dataset.refresh_from_db()
    assert dataset.state == "published" and dataset.published_at
    assert AuditLog.objects.filter(action__startswith="dataset.").count() >= 3


def test_upload_in_admin_is_sniffed(publisher_client, dataset_with_file):
    url = "/gestion/opendata/resource/add/"
    fake = SimpleUploadedFile(
        "datos.csv", b"MZ\x90\x00\x03binary", content_type="text/csv"
    )
    r = publisher_client.post(
        url,
        {
            "dataset": dataset_with_file.pk,
            "name": "Falso",
            "position": 0,
            "upload": fake,
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 200 and "no admitido" in r.content.decode()
    assert not Resource.objects.filter(name="Falso").exists()
    good = SimpleUploadedFile("datos.csv", b"a,b\n1,2\n", content_type="text/csv")
    r = publisher_client.post(
        url,
        {
            "dataset": dataset_with_file.pk,
            "name": "Bueno",
            "position": 1,
            "upload": good,
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert (
        ResourceVersion.objects.get(resource__name="Bueno").preview["columns"][0][
            "name"
        ]
        == "a"
    )
