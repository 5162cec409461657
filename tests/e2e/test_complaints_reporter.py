"""A reporter files a complaint with a GPS-tagged photo, follows it with the code, sees the
unit's stage change and message, and replies; no EXIF is stored; no axe violations."""

import io

import pytest
from PIL import Image

from complaints import crypto, selectors, services
from complaints.models import Complaint, Entry, KeyGrant
from tests.complaints.conftest import jpeg_with_gps, make_member


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}
    settings.COMPLAINT_ALTCHA_MAX_NUMBER = 5000


@pytest.mark.django_db(transaction=True)
def test_reporter_files_follows_and_replies(page):
    from tests.e2e.conftest import assert_no_axe_violations

    member, private = make_member()
    console_errors = []
    page.on(
        "console",
        lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
    )

    page.goto("/denuncias/")
    assert_no_axe_violations(page)
    page.click("text=Presentar denuncia")
    page.wait_for_selector("textarea[name=what]")
    page.fill("textarea[name=what]", "El jefe de licencias pide un pago para aprobar.")
    page.fill("textarea[name=who]", "Jefe de licencias")
    page.set_input_files(
        "input[name=attachments]",
        files=[
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
        ],
    )
    # The proof of work runs by itself; the text question hides once it is verified.
    page.wait_for_selector(".anti-abuse.js-verified", timeout=30000)
    assert_no_axe_violations(page)
    page.click("form.complaint-form button[type=submit]")
    code = page.inner_text("[data-testid=tracking-code]").strip()
    assert len(crypto.code_normalise(code)) == 16 and code.count("-") == 3
    assert_no_axe_violations(page)

    complaint = Complaint.objects.get()
    key = crypto.unseal(
        private,
        bytes(KeyGrant.objects.get(complaint=complaint, member=member).sealed_key),
    )
    # The stored (decrypted) image carries no EXIF / GPS.
    attachment = complaint.attachments.get()
    meta, data = selectors.attachment_read(
        complaint=complaint, key=key, attachment_id=attachment.pk
    )
    assert meta["name"] == "foto.jpg"
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"CamaraDelDenunciante" not in data

    # The integrity unit moves the case on and writes to the reporter.
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=member,
        to_stage="evaluation",
        note="Nota interna de la transición",
    )
    services.complaint_message_send(
        complaint=complaint,
        key=key,
        actor=member,
        text="Gracias. ¿Recuerda la fecha exacta del pedido?",
    )

    page.goto("/denuncias/seguimiento/")
    assert_no_axe_violations(page)
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=stage]")
    assert page.inner_text("[data-testid=stage]") == "En evaluación"
    body = page.inner_text("main")
    assert "¿Recuerda la fecha exacta del pedido?" in body
    assert "Nota interna de la transición" not in body
    assert_no_axe_violations(page)

    page.fill("textarea[name=text]", "Fue el 12 de marzo por la mañana.")
    page.click("section[aria-labelledby=reply-title] button[type=submit]")
    page.wait_for_selector("text=Su mensaje fue enviado")
    assert "Fue el 12 de marzo por la mañana." in page.inner_text("main")
    assert_no_axe_violations(page)
    reply = Entry.objects.get(complaint=complaint, kind="from_reporter")
    assert (
        crypto.decrypt(key, bytes(reply.sealed_text)).decode().startswith("Fue el 12")
    )
    assert not [e for e in console_errors if "Content Security Policy" in e], (
        console_errors
    )


@pytest.mark.django_db(transaction=True)
def test_reporter_without_javascript_uses_text_question(new_page):
    """With JavaScript off the form still works, behind the accessible text question."""
    import re

    from complaints.antiabuse import NUMBERS

    page = new_page(java_script_enabled=False)
    page.goto("/denuncias/nueva/")
    page.fill("textarea[name=what]", "Cobran por un trámite gratuito.")
    question = page.inner_text("label[for=id_challenge_answer]")
    words = {str(w): i for i, w in enumerate(NUMBERS)}
    a, b = re.search(r"es (\w+) más (\w+)", question).groups()
    page.fill("input[name=challenge_answer]", str(words[a] + words[b]))
    page.click("form.complaint-form button[type=submit]")
    code = page.inner_text("[data-testid=tracking-code]").strip()
    assert services.complaint_access_by_code(code=code) is not None
    page.goto("/denuncias/seguimiento/")
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    assert page.inner_text("[data-testid=stage]") == "Recibida"


CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.mark.django_db(transaction=True)
def test_altcha_widget_solves_under_the_strict_csp_and_the_form_files(
    browser, live_server
):
    """The vendored ALTCHA widget 3.x (its CSP-clean build and SHA-256 worker) solves the
    server's protocol-v2 challenge under the portal's strict Content-Security-Policy —
    no violation event, no console error — and the complaint is accepted on the proof of
    work alone (the text question left empty)."""
    import base64
    import json

    context = browser.new_context(base_url=live_server.url, locale="es-PE")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    posted = []
    page.on(
        "request",
        lambda r: posted.append(r.post_data_buffer)
        if r.method == "POST" and r.url.endswith("/denuncias/nueva/")
        else None,
    )
    try:
        response = page.goto("/denuncias/nueva/")
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        page.fill("textarea[name=what]", "Piden dinero para acelerar un expediente.")
        page.wait_for_selector(".anti-abuse.js-verified", timeout=30000)
        assert page.get_by_text("Verificado").first.is_visible()  # Spanish strings
        payload = page.eval_on_selector(
            "altcha-widget", "w => w.querySelector('input[name=altcha]').value"
        )
        data = json.loads(base64.b64decode(payload))
        assert data["challenge"]["parameters"]["algorithm"] == "SHA-256"  # protocol v2
        assert data["solution"]["derivedKey"]
        assert page.evaluate("window.__csp") == []
        page.click("form.complaint-form button[type=submit]")
        code = page.inner_text("[data-testid=tracking-code]").strip()
        assert services.complaint_access_by_code(code=code) is not None
        assert (
            b"challenge_answer=&" in posted[0]
            or b'name="challenge_answer"\r\n\r\n\r\n' in posted[0]
        )
        assert page.evaluate("window.__csp") == []
        assert errors == []
    finally:
        context.close()
