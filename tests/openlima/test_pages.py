import pytest


@pytest.mark.django_db
def test_home_spanish_by_default_and_english_under_en(client):
    es = client.get("/")
    assert es.status_code == 200
    assert '<html lang="es">' in es.content.decode()
    en = client.get("/en/")
    assert en.status_code == 200
    assert '<html lang="en">' in en.content.decode()


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
