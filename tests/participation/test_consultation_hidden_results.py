"""Issue 12: a consultation may hide its partial results while voting is open (model field,
admin, API and page honour it); once closed the results are shown."""

import pytest
from django.urls import reverse

from participation.models import Consultation, ConsultationRating, Level
from tests.factories import UserFactory
from tests.participation.factories import ConsultationFactory, OptionFactory

pytestmark = pytest.mark.django_db


def _consultation(hide):
    c = ConsultationFactory(hide_results_while_open=hide)
    a = OptionFactory(consultation=c, title="Biblioteca")
    OptionFactory(consultation=c, title="Rampas")
    ConsultationRating.objects.create(
        consultation=c, option=a, user=UserFactory(), level=Level.choices[0][0]
    )
    return c


def test_open_consultation_hides_partial_results_when_it_says_so(client):
    c = _consultation(hide=True)
    page = client.get(reverse("participation:consultation_detail", args=[c.slug]))
    body = page.content.decode()
    assert 'class="pa-results"' not in body and "pa-chart" not in body
    assert "Los resultados se publicarán cuando la consulta cierre." in body
    api = client.get(f"/api/v1/consultations/{c.pk}/").json()
    assert api["results"] == [] and api["results_hidden"] is True
    listing = client.get("/api/v1/consultations/").json()
    row = next(r for r in listing["results"] if r["id"] == c.pk)
    assert row["results"] == []


def test_results_shown_once_closed_or_when_not_hidden(client):
    c = _consultation(hide=True)
    Consultation.objects.filter(pk=c.pk).update(status=Consultation.Status.CLOSED)
    body = client.get(
        reverse("participation:consultation_detail", args=[c.slug])
    ).content.decode()
    assert 'class="pa-results"' in body
    assert client.get(f"/api/v1/consultations/{c.pk}/").json()["results"] != []
    shown = _consultation(hide=False)
    body = client.get(
        reverse("participation:consultation_detail", args=[shown.slug])
    ).content.decode()
    assert 'class="pa-results"' in body


def test_admin_offers_the_choice(staff_client_factory):
    from openlima import roles
    from tests.factories import StaffFactory

    client = staff_client_factory(StaffFactory(roles=[roles.OGP_COORDINATOR]))
    c = _consultation(hide=False)
    body = client.get(
        reverse("admin:participation_consultation_change", args=[c.pk])
    ).content.decode()
    assert 'name="hide_results_while_open"' in body
