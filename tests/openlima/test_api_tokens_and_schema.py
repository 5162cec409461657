"""REST API: token authentication for apps (openlima/api_auth.py), error answers and
authentication documented in the OpenAPI schema, errors in the request's language."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_resident_gets_a_token_with_the_session_and_uses_it_without(client):
    user = UserFactory()
    client.force_login(user)
    r = client.post("/api/v1/auth/token/")
    assert r.status_code == 200
    key = r.json()["token"]
    assert client.post("/api/v1/auth/token/").json()["token"] == key  # same token
    app = Client()  # no session, no CSRF: only the token
    r = app.get("/api/v1/auth/token/")
    assert r.status_code in (401, 403, 405)
    r = app.post("/api/v1/proposals/999999/support/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code in (400, 404)  # authenticated: the proposal is what is missing
    r = app.post("/api/v1/proposals/999999/support/")
    assert r.status_code in (401, 403)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    r = app.post("/api/v1/proposals/999999/support/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code in (401, 403) and "oken" in r.json()["detail"]


def test_a_token_cannot_mint_tokens_and_anonymous_cannot(client):
    user = UserFactory()
    token = Token.objects.create(user=user)
    r = Client().post("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert r.status_code in (401, 403)
    assert client.post("/api/v1/auth/token/").status_code in (401, 403)


def test_session_writes_need_the_csrf_header():
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    r = browser.post("/api/v1/auth/token/")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


def test_staff_get_no_token_and_staff_tokens_are_refused(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.post("/api/v1/auth/token/").status_code == 403
    token = Token.objects.create(user=staff)
    r = Client().post(
        "/api/v1/proposals/1/support/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert r.status_code in (401, 403)
    assert (
        r.json()["detail"] == "Las cuentas del personal no pueden usar tokens de API."
    )


def test_schema_documents_errors_and_authentication(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "Error" in schema["components"]["schemas"]
    schemes = schema["components"]["securitySchemes"]
    assert "X-CSRFToken" in schemes["cookieAuth"]["description"]
    assert "Token" in schemes["tokenAuth"]["description"]
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            assert "400" in op["responses"], (method, path)
            if method != "get":
                assert {"401", "403"} <= set(op["responses"]), (method, path)
    support = schema["paths"]["/api/v1/proposals/{id}/support/"]
    assert "200" in support["delete"]["responses"]
    assert "204" not in support["delete"]["responses"]


def test_api_errors_follow_accept_language(client):
    r = client.get("/api/v1/proposals/999999/")
    assert r.status_code == 404 and r.json()["detail"] == "No encontrado."
    r = client.get("/api/v1/proposals/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["detail"] == "Not found."
    r = client.get("/api/v1/nada/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404 and r.json()["detail"] == "Not found."
    r = client.get("/api/v1/nada/")
    assert r.json()["detail"] == "No encontrado."


def test_api_language_headers_and_pages_unchanged(client):
    """The API picks its language once (openlima.middleware.LocaleMiddleware) and still
    says so to caches; pages keep Django's behaviour (language from the path)."""
    r = client.get("/api/v1/proposals/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert r["Content-Language"] == "en"
    assert "Accept-Language" in r["Vary"]
    r = client.get("/api/v1/proposals/")
    assert r["Content-Language"] == "es"
    r = client.get("/en/participa/propuestas/", HTTP_ACCEPT_LANGUAGE="es")
    assert r.status_code == 200 and r["Content-Language"] == "en"
    r = client.get("/participa/propuestas/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and r["Content-Language"] == "es"
