"""An integrity member signs in (password + TOTP), which unlocks the case key, reads a case
and moves it on through the workspace pages; no axe violations."""

import pytest

from complaints import services
from tests.complaints.conftest import MEMBER_PASSWORD, make_member
from tests.e2e.conftest import TEST_TOTP_SECRET, assert_no_axe_violations


def _login_through_forms(page, member):
    """Sign in with allauth's real password and TOTP steps (the signals that unlock the
    key run), then hand the resulting cookies, with their paths, to the browser.

    The browser does not fill allauth's login page itself because that page currently
    fails to render in the core (duplicate `content` block in
    templates/allauth/layouts/base.html)."""
    from django.test import Client

    from openlima.totp import totp_code_now

    client = Client()
    step = client.post(
        "/cuenta/login/", {"login": member.email, "password": MEMBER_PASSWORD}
    )
    done = client.post(step["Location"], {"code": totp_code_now(TEST_TOTP_SECRET)})
    assert done.status_code == 302
    from urllib.parse import urlsplit

    page.goto("/")
    base = page.url.rstrip("/")
    host = urlsplit(base).hostname
    cookies = [
        {"name": m.key, "value": m.value, "url": base + "/"}
        for m in client.cookies.values()
        if not m.key.startswith("ol_complaints_wk")
    ]
    # The wrap-key cookie comes with the password step's response (docs/threat-model.md).
    for name, morsel in [*step.cookies.items(), *done.cookies.items()]:
        if name.startswith("ol_complaints_wk"):
            cookies.append(
                {
                    "name": name,
                    "value": morsel.value,
                    "domain": host,
                    "path": morsel["path"],
                    "httpOnly": True,
                    "sameSite": "Strict",
                }
            )
    page.context.add_cookies(cookies)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}


@pytest.mark.django_db(transaction=True)
def test_member_reads_and_handles_case(page):
    member, _private = make_member()
    complaint, _code = services.complaint_submit(
        body={"what": "Cobro irregular en la licencia de funcionamiento."}
    )
    _login_through_forms(page, member)
    page.goto("/denuncias/unidad/")
    assert page.locator(f"text=#{complaint.pk}").count() >= 1
    assert_no_axe_violations(page)
    page.click(f"a[href$='/casos/{complaint.pk}/']")
    page.wait_for_selector("text=Cobro irregular en la licencia de funcionamiento.")
    assert_no_axe_violations(page)
    page.select_option("select[name=to_stage]", "evaluation")
    page.fill("textarea[name=note]", "Iniciamos la evaluación.")
    page.check("input[name=is_public]")
    page.click("section[aria-labelledby=t-title] button[type=submit]")
    page.wait_for_selector("text=Iniciamos la evaluación.")
    complaint.refresh_from_db()
    assert complaint.stage == "evaluation" and complaint.acknowledged_at
    page.goto("/denuncias/unidad/miembros/")
    assert_no_axe_violations(page)
