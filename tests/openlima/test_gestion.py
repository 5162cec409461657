"""Who may enter the staff admin at /gestion/: staff with TOTP, used at this login."""

import time

import pytest
from django.utils.http import urlencode

from openlima.demo import totp_activate
from tests.conftest import login_with_2fa, set_authentication_records
from tests.factories import StaffFactory, UserFactory

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ADMIN_MARK = "Gestión del portal"  # the admin index title
PAGES = ["/gestion/", "/gestion/openlima/auditlog/", "/gestion/openlima/user/"]


def _password_only_login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    set_authentication_records(
        client, user, [{"method": "password", "at": time.time(), "email": user.email}]
    )


ACTIVATE = "/cuenta/2fa/totp/activate/"


def _sent_to_activate_totp(response) -> bool:
    """Sent to TOTP activation; allauth (65.2x) first asks for the password again there
    (a fresh login no longer counts as a recent reauthentication), then returns to it."""
    chain = [url for url, _status in response.redirect_chain]
    return ACTIVATE in chain and chain[-1] in (
        ACTIVATE,
        f"/cuenta/reauthenticate/?{urlencode({'next': ACTIVATE})}",
    )


def _assert_no_admin_content(response):
    html = response.content.decode()
    assert ADMIN_MARK not in html
    assert 'id="content-main"' not in html  # every Django admin page has it


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_the_portal_login(client, path):
    response = client.get(path, follow=True)
    final, status = response.redirect_chain[-1]
    assert final.startswith("/cuenta/login/?next=")
    assert response.status_code == 200
    _assert_no_admin_content(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_citizen_gets_403(client, path):
    client.force_login(UserFactory())
    response = client.get(path, follow=True)
    assert response.status_code == 403
    _assert_no_admin_content(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_staff_without_totp_is_sent_to_activate_it(client, path):
    _password_only_login(client, StaffFactory())
    response = client.get(path, follow=True)
    assert _sent_to_activate_totp(response), response.redirect_chain
    _assert_no_admin_content(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_staff_with_totp_but_session_without_mfa_must_sign_in_again(client, path):
    staff = StaffFactory()
    totp_activate(user=staff, secret=SECRET)
    _password_only_login(client, staff)
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0].startswith("/cuenta/login/")
    assert "_auth_user_id" not in client.session
    _assert_no_admin_content(response)


@pytest.mark.django_db
def test_superuser_without_2fa_is_denied(client):
    boss = StaffFactory(is_superuser=True)
    _password_only_login(client, boss)
    response = client.get("/gestion/", follow=True)
    assert _sent_to_activate_totp(response), response.redirect_chain
    _assert_no_admin_content(response)
    # Even a 2FA-shaped session does not help without an authenticator.
    login_with_2fa(client, boss)
    response = client.get("/gestion/openlima/user/", follow=True)
    _assert_no_admin_content(response)


@pytest.mark.django_db
def test_inactive_staff_with_2fa_is_denied(client):
    staff = StaffFactory()
    totp_activate(user=staff, secret=SECRET)
    login_with_2fa(client, staff)
    staff.is_active = False
    staff.save()
    response = client.get("/gestion/", follow=True)
    _assert_no_admin_content(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_staff_with_2fa_enters(staff_client_factory, path):
    client = staff_client_factory(StaffFactory(is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    assert 'id="content-main"' in response.content.decode()


@pytest.mark.django_db
def test_staff_with_2fa_sees_the_admin_index(staff_client_factory):
    response = staff_client_factory(StaffFactory(is_superuser=True)).get("/gestion/")
    assert ADMIN_MARK in response.content.decode()


@pytest.mark.django_db
def test_default_admin_path_is_not_used(client):
    assert client.get("/admin/").status_code == 404
