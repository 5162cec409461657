"""Issue 12: the admin shows an evidence file by the name it was uploaded with (not the
opaque storage key), linked to a download that checks the staff member's permission."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments import services

from .conftest import PDF_BYTES, upload
from .test_admin import change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(editor, milestone):
    return services.evidence_add(
        user=editor,
        milestone=milestone,
        description="Acta",
        url="",
        uploaded=upload("Acta de reunión 12.pdf", PDF_BYTES),
        # scheduled: not public yet, staff still open it
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )


def _download_url(evidence):
    return reverse("admin:commitments_milestone_evidence_file", args=[evidence.pk])


@pytest.mark.parametrize("who", ["editor", "coordinator"])
def test_inline_shows_the_original_name_linked_to_the_staff_download(
    request, staff_client_factory, evidence, who
):
    client = staff_client_factory(request.getfixturevalue(who))
    page = client.get(change_url(evidence.milestone)).content.decode()
    assert "Acta de reunión 12.pdf" in page
    assert f'href="{_download_url(evidence)}"' in page
    assert evidence.file.name not in page  # the storage key stays out of sight
    response = client.get(_download_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == evidence.file.open("rb").read()
    assert "Acta%20de%20reuni%C3%B3n%2012.pdf" in response["Content-Disposition"] or (
        "Acta de reuni" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_download_is_refused_to_whoever_may_not_manage_commitments(
    client, citizen, staff_without_role, staff_client_factory, evidence
):
    url = _download_url(evidence)
    assert client.get(url).status_code == 302  # to the login
    client.force_login(citizen)
    assert client.get(url).status_code == 302
    staff = staff_client_factory(staff_without_role)
    assert staff.get(url).status_code == 403
    # and the public URL does not serve a scheduled file
    assert (
        client.get(reverse("commitments:evidence_file", args=[evidence.pk])).status_code
        == 404
    )


def test_unknown_evidence_is_404(staff_client_factory, coordinator):
    client = staff_client_factory(coordinator)
    url = reverse("admin:commitments_milestone_evidence_file", args=[987654])
    assert client.get(url).status_code == 404
