"""Accounts in a real browser: registration with the privacy notice, the verification
e-mail (read from the locmem outbox: the live server runs in this process), login, logout,
and staff reaching /gestion/ with password + TOTP. Zero axe violations on the pages."""

import re

import pytest
from django.core import mail

from openlima.demo import totp_activate
from openlima.models import User
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations, login
from tests.factories import StaffFactory

PASSWORD = "una-clave-muy-segura-2024"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    [
        "/cuenta/signup/",
        "/cuenta/login/",
        "/en/cuenta/signup/",
        "/cuenta/password/reset/",
    ],
)
def test_account_pages_have_no_axe_violations(page, path):
    page.goto(path)
    assert page.locator("main h1").count() == 1
    assert_no_axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_signup_errors_are_accessible(page):
    page.goto("/cuenta/signup/")
    page.fill("input[name=email]", "a@example.pe")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    # The browser itself refuses (the checkbox is `required`); check the server does too.
    page.eval_on_selector("main form", "form => { form.noValidate = true; }")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error")
    assert (
        "política de privacidad" in page.locator(".field.has-error").first.inner_text()
    )
    assert_no_axe_violations(page)
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_register_confirm_email_and_login(page):
    mail.outbox.clear()
    page.goto("/")
    page.click("header >> text=Registrarse")
    page.fill("input[name=email]", "vecina.nueva@example.pe")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=display_name]", "Vecina Nueva")
    page.select_option("select[name=district]", label="Comas")
    page.check("input[name=accept_privacy]")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/cuenta/confirm-email/")
    assert_no_axe_violations(page)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vecina.nueva@example.pe"]
    link = re.search(
        r"https?://\S+/cuenta/confirm-email/\S+/", mail.outbox[0].body
    ).group(0)
    page.goto(link)
    assert_no_axe_violations(page)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")

    # Sign out, then sign in with the new account.
    page.context.clear_cookies()
    login(
        page,
        email="vecina.nueva@example.pe",
        password=PASSWORD,
        next_url="/cuenta/mis-datos/",
    )
    assert page.url.endswith("/cuenta/mis-datos/")
    assert "vecina.nueva@example.pe" in page.locator("main").inner_text()
    assert_no_axe_violations(page)

    page.click("header >> text=Cerrar sesión")
    page.wait_for_load_state("networkidle")
    assert page.locator("header >> text=Iniciar sesión").count() == 1


@pytest.mark.django_db(transaction=True)
def test_staff_signs_in_with_totp_and_reaches_gestion(page):
    staff = StaffFactory(email="coordinacion@munlima.gob.pe")
    totp_activate(user=staff, secret=TEST_TOTP_SECRET)
    login(
        page,
        email=staff.email,
        password="clave-segura-123",
        totp_secret=TEST_TOTP_SECRET,
        next_url="/gestion/",
    )
    assert page.url.endswith("/gestion/")
    assert page.locator("#content-main").count() == 1


@pytest.mark.django_db(transaction=True)
def test_staff_without_totp_is_sent_to_activate_it(page):
    staff = StaffFactory(email="sin2fa@munlima.gob.pe")
    login(page, email=staff.email, password="clave-segura-123", next_url="/gestion/")
    # allauth 65.2x asks for the password again before a second factor is set up (a
    # fresh login does not count as a recent reauthentication); that page, too, is checked.
    assert "/cuenta/reauthenticate/" in page.url
    assert page.locator("#content-main").count() == 0
    assert_no_axe_violations(page)
    page.fill("input[name=password]", "clave-segura-123")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/cuenta/2fa/totp/activate/" in page.url
    assert page.locator("#content-main").count() == 0
    assert_no_axe_violations(page)
