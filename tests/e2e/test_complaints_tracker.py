"""Issue 10's journey in a real browser: a reporter files with an attachment, reloads the
receipt and comes back with the code; the unit registers the Fiscalía and refers the case
to it; the Fiscalía posts two events through the signed API; the reporter sees them.
Zero axe violations on every page."""

import json
import re
import time
import urllib.request

import pytest
from django.utils import timezone

from complaints import crypto, tracker
from tests.complaints.conftest import make_member, pdf_bytes
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.test_complaints_workspace import _login_through_forms


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}
    settings.COMPLAINT_ALTCHA_MAX_NUMBER = 5000


def _post_event(base, reference, key_id, secret, body):
    path = f"/api/v1/complaints/referrals/{reference}/events/"
    data = json.dumps(body).encode()
    ts = str(int(time.time()))
    request = urllib.request.Request(base + path, data=data, method="POST")  # noqa: S310
    request.add_header("Content-Type", "application/json")
    request.add_header("X-OL-Key-Id", key_id)
    request.add_header("X-OL-Timestamp", ts)
    request.add_header(
        "X-OL-Signature", tracker.signature(secret.encode(), "POST", path, ts, data)
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status


@pytest.mark.django_db(transaction=True)
def test_reporter_unit_and_fiscalia_follow_one_case(new_page, live_server):
    member, _private = make_member()
    reporter = new_page()
    # 1. The reporter files with an attachment and reloads the receipt.
    reporter.goto("/denuncias/nueva/")
    reporter.fill("textarea[name=what]", "Cobran por un trámite que es gratuito.")
    reporter.set_input_files(
        "input[name=attachments]",
        files=[
            {"name": "recibo.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
        ],
    )
    reporter.wait_for_selector(".anti-abuse.js-verified", timeout=30000)
    reporter.click("form.complaint-form button[type=submit]")
    code = reporter.inner_text("[data-testid=tracking-code]").strip()
    assert reporter.url.endswith("/denuncias/recibo/")
    assert_no_axe_violations(reporter)
    reporter.reload()
    assert reporter.inner_text("[data-testid=tracking-code]").strip() == code
    assert "Cobran por un trámite" not in reporter.content()

    # 2. The unit registers the Fiscalía and refers the case to it.
    unit = new_page()
    _login_through_forms(unit, member)
    unit.goto("/denuncias/unidad/instituciones/")
    unit.select_option("select[name=kind]", "fiscalia")
    unit.fill("input[name=name]", "Fiscalía Anticorrupción de Lima")
    unit.click("button[value=create]")
    key_id = unit.inner_text("[data-testid=key-id]").strip()
    secret = unit.inner_text("[data-testid=secret]").strip()
    assert_no_axe_violations(unit)
    unit.goto("/denuncias/unidad/")
    unit.click("table a[href*='/casos/']")
    unit.click("section[aria-labelledby=r-title] button[type=submit]")
    unit.wait_for_selector("text=Caso derivado.")
    reference = re.search(r"REF-[0-9A-F]{16}", unit.content()).group(0)
    assert_no_axe_violations(unit)

    # 3. The Fiscalía posts two events through the signed API.
    today = timezone.localdate().isoformat()
    for event_id, stage, note in [
        ("MP-1", "investigacion_fiscal", "Se abrió investigación preliminar."),
        ("MP-2", "decision_fiscal", "Se formalizó la investigación."),
    ]:
        status = _post_event(
            live_server.url,
            reference,
            key_id,
            secret,
            {"event_id": event_id, "stage": stage, "date": today, "public_note": note},
        )
        assert status == 201

    # 4. The reporter comes back with the code and sees both events.
    reporter.goto("/denuncias/seguimiento/")
    reporter.fill("input[name=code]", code)
    reporter.click("main form button[type=submit]")
    events = reporter.inner_text("[data-testid=referral-events]")
    assert "Investigación fiscal abierta" in events and "Decisión fiscal" in events
    assert "Se formalizó la investigación." in events
    assert_no_axe_violations(reporter)
    assert len(crypto.code_normalise(code)) == 16
