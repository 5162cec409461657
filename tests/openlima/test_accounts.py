"""Accounts through the real allauth pages under /cuenta/: registration with the privacy
notice (Ley 29733), e-mail verification, login, password reset, TOTP, logout."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail

from openlima.models import District, User
from openlima.totp import totp_code_now
from tests.factories import UserFactory

PASSWORD = "una-clave-muy-segura-2024"


def _link(message, fragment: str) -> str:
    """The path of the first link in an e-mail that contains `fragment`."""
    match = re.search(
        r"https?://[^/\s]+(" + re.escape(fragment) + r"\S*)", message.body
    )
    assert match, f"no link with {fragment!r} in: {message.body}"
    return match.group(1)


def _signup(client, **overrides):
    data = {
        "email": "Nueva.Vecina@Example.pe",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Nueva Vecina",
        "district": District.objects.get(name="Comas").pk,
        "accept_privacy": "on",
    }
    data.update(overrides)
    return client.post("/cuenta/signup/", data)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_signup_page_shows_the_privacy_notice(client):
    html = client.get("/cuenta/signup/").content.decode()
    assert 'name="accept_privacy"' in html
    assert 'href="/privacidad/"' in html
    assert "Ley N.° 29733" in html
    assert client.get("/privacidad/").status_code == 200


@pytest.mark.django_db
def test_register_verify_email_then_login(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/confirm-email/")
    user = User.objects.get(email="nueva.vecina@example.pe")
    assert user.privacy_accepted_at is not None
    assert user.district.name == "Comas"
    assert not EmailAddress.objects.get(user=user).verified
    assert not _logged_in(client)

    # Unverified: logging in only re-sends the verification message.
    other = client.__class__()
    r = other.post("/cuenta/login/", {"login": user.email, "password": PASSWORD})
    assert r.status_code == 302 and "confirm-email" in r["Location"]
    assert not _logged_in(other)

    assert len(mail.outbox) >= 1
    assert mail.outbox[0].subject.startswith("[Open Lima]")
    assert (
        "Open Lima" in mail.outbox[0].body and "testserver!" not in mail.outbox[0].body
    )
    confirm_path = _link(mail.outbox[0], "/cuenta/confirm-email/")
    assert client.get(confirm_path).status_code == 200  # GET only shows the button
    assert not EmailAddress.objects.get(user=user).verified
    assert client.post(confirm_path).status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    fresh = client.__class__()
    r = fresh.post(
        "/cuenta/login/", {"login": "NUEVA.VECINA@example.pe", "password": PASSWORD}
    )
    assert r.status_code == 302
    assert _logged_in(fresh)
    assert fresh.get("/cuenta/mis-datos/").status_code == 200


@pytest.mark.django_db
def test_signup_without_privacy_consent_is_refused(client):
    response = _signup(client, accept_privacy="")
    assert response.status_code == 200
    assert "Debe aceptar la política de privacidad" in response.content.decode()
    assert not User.objects.filter(email="nueva.vecina@example.pe").exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"email": "x" * 330 + "@example.pe"}, "email"),
        ({"email": "<script>alert(1)</script>"}, "email"),
        ({"display_name": "n" * 81}, "display_name"),
        ({"district": "no-es-un-id"}, "district"),
        ({"password2": "otra-clave-distinta-99"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
    ],
)
def test_bad_signup_input_gives_a_form_error_not_a_500(client, overrides, message):
    response = _signup(client, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors.get(message), response.context["form"].errors
    assert User.objects.count() == 0
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_password_reset_by_email(client):
    user = UserFactory(email="olvido@example.pe")
    r = client.post("/cuenta/password/reset/", {"email": "olvido@example.pe"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    path = _link(mail.outbox[0], "/cuenta/password/reset/key/")
    r = client.get(path)
    assert r.status_code == 302  # allauth moves the key into the session
    set_password_path = r["Location"]
    r = client.post(
        set_password_path,
        {"password1": "otra-clave-nueva-2025", "password2": "otra-clave-nueva-2025"},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("otra-clave-nueva-2025")
    assert not user.check_password("clave-segura-123")
    # A used link does not work twice.
    again = client.__class__().get(path, follow=True)
    assert again.context["token_fail"] is True


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client):
    r = client.post("/cuenta/password/reset/", {"email": "nadie@example.pe"})
    assert r.status_code == 302
    assert all("/cuenta/password/reset/key/" not in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_activate_totp_through_the_page(client):
    user = UserFactory()
    assert (
        client.post(
            "/cuenta/login/", {"login": user.email, "password": "clave-segura-123"}
        ).status_code
        == 302
    )
    # A fresh login is not a recent reauthentication (allauth 65.2x): the password is
    # asked again before a second factor can be set up, then the page opens.
    first = client.get("/cuenta/2fa/totp/activate/")
    assert first.status_code == 302
    assert first["Location"].startswith("/cuenta/reauthenticate/")
    wrong_password = client.post(first["Location"], {"password": "otra-clave"})
    assert wrong_password.status_code == 200
    assert client.get("/cuenta/2fa/totp/activate/").status_code == 302
    confirmed = client.post(first["Location"], {"password": "clave-segura-123"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/cuenta/2fa/totp/activate/"
    page = client.get("/cuenta/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    wrong = client.post("/cuenta/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
    ok = client.post("/cuenta/2fa/totp/activate/", {"code": totp_code_now(secret)})
    assert ok.status_code == 302
    assert Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


@pytest.mark.django_db
def test_login_with_totp_asks_for_the_code(client):
    from openlima.demo import totp_activate

    user = UserFactory()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    totp_activate(user=user, secret=secret)
    r = client.post(
        "/cuenta/login/", {"login": user.email, "password": "clave-segura-123"}
    )
    assert r.status_code == 302 and "/cuenta/2fa/authenticate/" in r["Location"]
    assert not _logged_in(client)
    bad = client.post("/cuenta/2fa/authenticate/", {"code": "123456"})
    assert bad.status_code == 200 and not _logged_in(client)
    good = client.post("/cuenta/2fa/authenticate/", {"code": totp_code_now(secret)})
    assert good.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_logout(client):
    user = UserFactory()
    client.force_login(user)
    assert client.post("/cuenta/logout/").status_code == 302
    assert not _logged_in(client)
    assert client.get("/cuenta/mis-datos/").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the peer, never the header
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # forged first entry ignored
    ],
)
def test_login_rate_limits_count_the_client_behind_the_trusted_proxies(
    settings, rf, proxies, forwarded, expected
):
    from allauth.account.adapter import get_adapter

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    request = rf.post(
        "/cuenta/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert get_adapter(request).get_client_ip(request) == expected
