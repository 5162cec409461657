"""The access-to-information app follows the city profile (docs/city-profile.md,
`information`): the law's name, the deadlines, the identity documents, the exceptions list
and the appeal body. Lima's values are today's; La Paz's are demo values."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from information import selectors, services
from information.models import State
from openlima import city

from .conftest import MONDAY
from .test_views import FORM, login

pytestmark = pytest.mark.django_db

PERU = re.compile(
    r"27806|Tribunal de Transparencia|\bDNI\b|\bTUO\b|\bS/|\bsoles\b|Lima"
)


@pytest.fixture
def lima(settings):
    settings.CITY_PROFILE = "lima"
    city.clear_cache()
    yield
    city.clear_cache()


def test_lima_keeps_todays_rules(lima, file_request, officer):
    assert selectors.response_business_days() == 10
    assert selectors.appeal_business_days() == 15
    assert "dni" in dict(selectors.document_type_choices())
    assert dict(selectors.exception_choices())["secret"].startswith(
        "Información secreta"
    )
    r = file_request(now=MONDAY)
    assert r.due_on == dt.date(2026, 3, 16)  # ten business days
    services.request_deny(
        actor=officer,
        info_request=r,
        exception="personal_data",
        reasoning="Datos de terceros.",
        partial=False,
    )
    r.refresh_from_db()
    assert r.denial_exception_label.endswith("(art. 17.5)")


def test_a_setting_still_overrides_the_profile(lima, settings):
    settings.INFORMATION_RESPONSE_BUSINESS_DAYS = 7
    assert selectors.response_business_days() == 7


@pytest.mark.city_lapaz
def test_la_paz_rules_come_from_its_profile(lapaz, file_request, officer):
    assert selectors.response_business_days() == 15
    assert "dni" not in dict(selectors.document_type_choices())
    assert "ci" in dict(selectors.document_type_choices())
    assert set(dict(selectors.exception_choices())) == {
        "secret",
        "personal_data",
        "not_held",
    }
    # Lima's document type and exceptions are refused under La Paz
    with pytest.raises(Exception, match="tipo de documento"):
        file_request(document_type="dni")
    r = file_request(now=MONDAY, document_type="ci", document_number="4827193")
    assert r.due_on == MONDAY.date() + dt.timedelta(days=21)  # 15 business days
    with pytest.raises(Exception, match="excepción legal"):
        services.request_deny(
            actor=officer,
            info_request=r,
            exception="banking_tax",
            reasoning="x",
            partial=False,
        )


@pytest.mark.city_lapaz
def test_la_paz_pages_and_appeal_letter_name_its_law_and_body(
    lapaz, client, file_request, citizen
):
    r = file_request(
        now=MONDAY,
        document_type="ci",
        document_number="4827193",
        address="Calle Sagárnaga 100, La Paz",
    )
    services.deadlines_process(now=MONDAY + dt.timedelta(days=40))
    r.refresh_from_db()
    assert r.state == State.OVERDUE
    body = client.get(r.get_absolute_url()).content.decode()
    assert "Máxima Autoridad Ejecutiva" in body
    assert "Plazo legal (15 días hábiles)" in body
    assert "dentro de los 10 días hábiles" in body
    assert PERU.findall(re.sub(r"<footer.*?</footer>", "", body, flags=re.S)) == []
    index = client.get(reverse("information:index")).content.decode()
    assert "28168" in index
    login(client, citizen)
    form = client.get(reverse("information:file")).content.decode()
    assert "Cédula de identidad" in form and "Bs 0,10" in form
    assert PERU.findall(re.sub(r"<footer.*?</footer>", "", form, flags=re.S)) == []
    letter = client.get(reverse("information:appeal", args=[r.number])).content.decode()
    assert "Máxima Autoridad Ejecutiva" in letter and "La Paz," in letter
    assert "Cédula de identidad" in letter
    assert PERU.findall(letter) == []


@pytest.mark.city_lapaz
def test_la_paz_filing_form_accepts_a_cedula(lapaz, client, citizen):
    login(client, citizen)
    data = {**FORM, "document_type": "ci", "document_number": "4827193"}
    response = client.post(reverse("information:file"), data)
    assert response.status_code == 302
    refused = client.post(reverse("information:file"), {**FORM})  # "dni"
    assert refused.status_code == 400  # bad input: the form again, with the error
    assert "document_type" in refused.context["form"].errors
