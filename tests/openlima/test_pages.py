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


@pytest.mark.django_db(transaction=True)
def test_reference_data_survives_transactional_tests_1():
    from openlima.models import District, OrgUnit

    assert District.objects.count() == 43
    assert OrgUnit.objects.filter(slug="integridad").exists()


@pytest.mark.django_db(transaction=True)
def test_reference_data_survives_transactional_tests_2():
    from django.contrib.auth.models import Group

    from openlima.models import District

    assert District.objects.count() == 43
    assert Group.objects.filter(name="integrity_member").exists()
