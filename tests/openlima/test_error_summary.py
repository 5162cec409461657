"""Issue 12: a form that comes back with errors starts with an error summary listing each
error as a link to its field; the page <title> starts with "Error:"."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_summary(response, *, field_ids=()):
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.startswith("Error:"), title
    summary = re.search(
        r'<div class="error-summary"[^>]*data-error-summary>(.*?)</div>', html, re.S
    )
    assert summary, "no error summary"
    assert 'tabindex="-1"' in html and 'role="alert"' in html
    for field_id in field_ids:
        assert f'href="#{field_id}"' in summary.group(1), field_id
        assert f'id="{field_id}"' in html
    # The summary comes before the first field of the form.
    assert html.index("data-error-summary") < html.index(f'id="{field_ids[0]}"')


def test_proposal_form(client):
    client.force_login(UserFactory())
    response = client.post("/participa/propuestas/nueva/", {"title": ""})
    assert response.status_code in (200, 400)
    assert_summary(response, field_ids=["id_title"])


def test_signup_form(client):
    response = client.post("/cuenta/signup/", {"email": "no-es-correo"})
    assert response.status_code == 200
    assert_summary(response, field_ids=["id_email"])


def test_complaint_form(client):
    response = client.post("/denuncias/nueva/", {"what": ""})
    assert response.status_code in (200, 400)
    assert_summary(response, field_ids=["id_what"])


def test_verification_form(client):
    client.force_login(UserFactory())
    response = client.post(
        "/participa/presupuestos/verificacion/",
        {"dni": "1234", "birth_date": "", "district": ""},
    )
    assert response.status_code in (200, 400)
    assert_summary(response, field_ids=["id_birth_date", "id_district"])


def test_a_page_without_errors_has_no_summary(client):
    response = client.get("/cuenta/signup/")
    assert "data-error-summary" not in response.content.decode()
    assert not re.search(r"<title>\s*Error:", response.content.decode())
