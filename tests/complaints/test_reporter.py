import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from complaints import crypto, selectors, services
from complaints.models import Attachment, Complaint, Entry
from openlima.models import OutboxMessage

from .conftest import altcha_payload, code_from, jpeg_with_gps, pdf_bytes, submit

pytestmark = pytest.mark.django_db


def private_files(settings):
    root = settings.PRIVATE_STORAGE_ROOT / "complaints"
    return list(root.glob("*")) if root.exists() else []


def test_index_and_form_render_without_account(client):
    assert client.get("/denuncias/").status_code == 200
    response = client.get("/denuncias/nueva/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="challenge_answer"' in html  # works without JavaScript
    assert "altcha-widget" in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_submit_with_proof_of_work_shows_code_once(client, member):
    response = submit(client, who="Jefe de obras")
    assert response.status_code == 200
    code = code_from(response)
    complaint = Complaint.objects.get()
    assert complaint.channel == "web"
    assert crypto.code_normalise(code) not in str(complaint.__dict__)
    found = services.complaint_access_by_code(code=code)
    assert found[0] == complaint


def test_submit_without_javascript_text_challenge(client):
    response = submit(client, proof="text")
    assert response.status_code == 200
    code_from(response)


def test_submit_without_any_proof_refused(client):
    response = submit(client, proof=None)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    bad = client.post(
        "/denuncias/nueva/",
        {"what": "x", "challenge_token": "falso", "challenge_answer": "3"},
    )
    assert bad.status_code == 400 and Complaint.objects.count() == 0


def test_proof_of_work_cannot_be_replayed(client):
    from .conftest import altcha_payload

    payload = altcha_payload(client)
    assert (
        client.post("/denuncias/nueva/", {"what": "a", "altcha": payload}).status_code
        == 302
    )
    again = client.post("/denuncias/nueva/", {"what": "b", "altcha": payload})
    assert again.status_code == 400
    assert Complaint.objects.count() == 1


def test_image_exif_and_gps_removed(client, member, settings):
    data = jpeg_with_gps()
    assert Image.open(__import__("io").BytesIO(data)).getexif()
    response = submit(
        client, files=[SimpleUploadedFile("foto.jpg", data, content_type="image/jpeg")]
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    _, key = services.complaint_access_by_code(code=code_from(response))
    attachment = complaint.attachments.get()
    meta, stored = selectors.attachment_read(
        complaint=complaint, key=key, attachment_id=attachment.pk
    )
    assert meta["name"] == "foto.jpg" and meta["mime"] == "image/jpeg"
    image = Image.open(__import__("io").BytesIO(stored))
    assert not image.getexif()
    assert b"CamaraDelDenunciante" not in stored and b"Exif" not in stored
    assert image.size == (64, 48)


@pytest.mark.parametrize(
    "name,data",
    [
        ("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # an .exe
        ("informe.pdf", b"solo texto, no es un PDF " * 20),
        ("foto.jpg", pdf_bytes()),  # a PDF disguised as an image
        ("script.html", b"<script>alert(1)</script>" * 10),
    ],
)
def test_disguised_file_refused_nothing_saved(client, settings, name, data):
    response = submit(
        client,
        files=[
            SimpleUploadedFile("bueno.pdf", pdf_bytes()),
            SimpleUploadedFile(name, data),
        ],
    )
    assert response.status_code == 400
    assert name in response.content.decode()
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0
    assert private_files(settings) == []


def test_oversized_file_refused_without_500(client, settings):
    settings.COMPLAINT_MAX_ATTACHMENT_BYTES = 10 * 1024
    big = SimpleUploadedFile("grande.pdf", pdf_bytes() + b"0" * 20 * 1024)
    response = submit(client, files=[big])
    assert response.status_code == 400
    assert "grande.pdf" in response.content.decode()
    assert "tamaño máximo" in response.content.decode()
    assert Complaint.objects.count() == 0 and private_files(settings) == []


def test_real_30mb_limit_does_not_500(client, settings):
    big = SimpleUploadedFile("enorme.pdf", pdf_bytes() + b"0" * (30 * 1024 * 1024 + 1))
    response = submit(client, files=[big])
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_too_many_files_refused(client, settings):
    settings.COMPLAINT_MAX_ATTACHMENTS = 2
    files = [SimpleUploadedFile(f"d{i}.pdf", pdf_bytes()) for i in range(3)]
    response = submit(client, files=files)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_malicious_html_is_escaped_for_reporter(client, member):
    response = submit(client, what="<script>alert('x')</script>")
    code = code_from(response)
    page = client.post("/denuncias/seguimiento/", {"code": code})
    html = page.content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_reporter_opens_case_replies_and_rates(client, member):
    user, private = member
    response = submit(client)
    code = code_from(response)
    complaint, key = services.complaint_access_by_code(code=code)
    services.complaint_transition(
        complaint=complaint, key=key, actor=user, to_stage="evaluation", note="n"
    )
    services.complaint_message_send(
        complaint=complaint, key=key, actor=user, text="¿Tiene más pruebas?"
    )
    page = client.post("/denuncias/seguimiento/", {"code": code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "En evaluación" in html and "¿Tiene más pruebas?" in html
    reply = client.post(
        "/denuncias/seguimiento/caso/",
        {
            "code": code,
            "action": "reply",
            "text": "Sí, adjunto un PDF",
            "attachments": [SimpleUploadedFile("prueba.pdf", pdf_bytes())],
        },
    )
    assert reply.status_code == 200
    assert "Sí, adjunto un PDF" in reply.content.decode()
    assert Entry.objects.filter(kind="from_reporter").count() == 1
    assert complaint.attachments.count() == 1
    rate = client.post(
        "/denuncias/seguimiento/caso/", {"code": code, "action": "rate", "rating": "5"}
    )
    assert rate.status_code == 200
    complaint.refresh_from_db()
    assert complaint.rating == 5
    bad = client.post(
        "/denuncias/seguimiento/caso/", {"code": code, "action": "rate", "rating": "9"}
    )
    assert bad.status_code == 400


def test_action_with_wrong_code_refused(client):
    submit(client)
    response = client.post(
        "/denuncias/seguimiento/caso/",
        {"code": "1111-1111-1111-1111", "action": "reply", "text": "intruso"},
    )
    assert response.status_code == 404
    assert Entry.objects.count() == 0


def test_phone_code_replaced_at_first_use(client, member):
    user, _ = member
    _complaint, code = services.complaint_submit(
        body={"what": "por teléfono"}, channel="phone", registered_by=user
    )
    # First the page says what will happen; nothing is replaced yet.
    confirm = client.post("/denuncias/seguimiento/", {"code": code})
    assert confirm.status_code == 200
    assert "será reemplazado" in confirm.content.decode()
    assert Complaint.objects.get().code_must_change
    again = client.post("/denuncias/seguimiento/", {"code": code})
    assert "será reemplazado" in again.content.decode()  # the old code still works
    page = client.post(
        "/denuncias/seguimiento/", {"code": code, "confirm_replace": "1"}
    )
    new_code = code_from(page)
    assert crypto.code_normalise(new_code) != code
    assert client.post("/denuncias/seguimiento/", {"code": code}).status_code == 404
    assert client.post("/denuncias/seguimiento/", {"code": new_code}).status_code == 200


def test_brute_force_challenged_after_20_wrong_codes(client, member):
    response = submit(client)
    good = code_from(response)
    for i in range(20):
        wrong = client.post("/denuncias/seguimiento/", {"code": f"{i:016d}"})
        assert wrong.status_code == 404, i
    throttled = client.post("/denuncias/seguimiento/", {"code": "9" * 16})
    assert throttled.status_code == 429
    assert "altcha-widget" in throttled.content.decode()
    # Even the right code needs the proof: the throttle does not reveal which exist...
    assert client.post("/denuncias/seguimiento/", {"code": good}).status_code == 429
    assert (
        client.post(
            "/denuncias/seguimiento/caso/",
            {"code": good, "action": "rate", "rating": "4"},
        ).status_code
        == 429
    )
    # ...but with a proof of work (or the answered question) the reporter gets in.
    payload = altcha_payload(client)
    page = client.post("/denuncias/seguimiento/", {"code": good, "altcha": payload})
    assert page.status_code == 200


def test_lookup_runs_argon2_even_without_candidate(monkeypatch):
    calls = []
    real = crypto.code_derive

    def spy(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(crypto, "code_derive", spy)
    assert services.complaint_access_by_code(code="1234-5678-1234-5678") is None
    assert len(calls) == 1
    assert services.complaint_access_by_code(code="12") is None
    assert len(calls) == 2


def test_broker_down_complaint_and_code_kept(
    client, member, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from config.celery import app
    from openlima.services import outbox_flush

    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)

    def down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    monkeypatch.setattr(app, "send_task", down)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = submit(client)
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    assert response.status_code == 200
    code = code_from(response)
    assert services.complaint_access_by_code(code=code) is not None
    message = OutboxMessage.objects.get(
        task_name="complaints.tasks.complaint_notify_new"
    )
    assert message.sent_at is None and mail.outbox == []
    monkeypatch.undo()
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    assert outbox_flush() == 1
    assert len(mail.outbox) == 1
    assert "Hechos" not in mail.outbox[0].body


def test_no_address_user_agent_or_cookie_kept(member, caplog, settings):
    client = Client(
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="NavegadorDelDenunciante/9.9",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
        HTTP_REFERER="https://delator.example/pagina",
    )
    caplog.set_level(logging.DEBUG)
    responses = [client.get("/denuncias/"), client.get("/denuncias/nueva/")]
    responses.append(submit(client, files=[SimpleUploadedFile("a.pdf", pdf_bytes())]))
    code = code_from(responses[-1])
    responses.append(client.get("/denuncias/seguimiento/"))
    responses.append(client.post("/denuncias/seguimiento/", {"code": code}))
    responses.append(client.post("/denuncias/seguimiento/", {"code": "0" * 16}))
    responses.append(
        client.post(
            "/denuncias/seguimiento/caso/",
            {"code": code, "action": "reply", "text": "más datos"},
        )
    )
    responses.append(client.get("/en/denuncias/"))
    for response in responses:
        assert set(response.cookies) <= {"csrftoken"}, response.cookies
        assert response["Referrer-Policy"] == "no-referrer"
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for secret in (
        "203.0.113.77",
        "NavegadorDelDenunciante",
        "198.51.100.23",
        "delator",
    ):
        assert secret not in logged
    import io

    from django.core.management import call_command

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for secret in (
        "203.0.113.77",
        "NavegadorDelDenunciante",
        "198.51.100.23",
        "delator",
    ):
        assert secret not in dump.getvalue()


def test_csrf_under_no_referrer_policy(settings):
    """Browsers post `Origin: null` under no-referrer: accepted only with the token and
    the browser's own `Sec-Fetch-Site: same-origin`."""
    client = Client(enforce_csrf_checks=True)
    client.get("/denuncias/seguimiento/")
    token = client.cookies["csrftoken"].value
    data = {"code": "0" * 16, "csrfmiddlewaretoken": token}
    ok = client.post(
        "/denuncias/seguimiento/",
        data,
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert ok.status_code == 404  # got past CSRF to the look-up
    cross = client.post(
        "/denuncias/seguimiento/",
        data,
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert cross.status_code == 403
    evil = client.post(
        "/denuncias/seguimiento/",
        data,
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert evil.status_code == 403
    no_token = client.post(
        "/denuncias/seguimiento/",
        {"code": "1"},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert no_token.status_code == 403
    secure = client.post(
        "/denuncias/seguimiento/", data, secure=True, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert secure.status_code == 404
    secure_cross = client.post("/denuncias/seguimiento/", data, secure=True)
    assert secure_cross.status_code == 403


def test_oversized_text_body_gets_clear_page_not_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    response = client.post(
        "/denuncias/nueva/",
        {
            "what": "x" * 60_000,
            "attachments": [SimpleUploadedFile("a.pdf", pdf_bytes())],
        },
    )
    assert response.status_code == 413
    assert "demasiado grande" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_text_too_long_is_a_field_error(client):
    response = submit(client, what="x" * 20_001)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_password_change_signal_rewraps_key(member):
    from openlima.signals_defs import password_changed

    user, private = member
    password_changed.send(
        sender=None,
        user=user,
        old_password="clave-integridad-segura-1",
        new_password="nueva-clave-larga-7",
    )
    assert (
        services.member_key_unlock(user=user, password="nueva-clave-larga-7") == private
    )


def test_receipt_is_its_own_page_that_survives_a_reload(client):
    from .conftest import altcha_payload

    response = client.post(
        "/denuncias/nueva/",
        {"what": "Hechos del recibo", "altcha": altcha_payload(client)},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        "/denuncias/recibo/"
    )
    first = client.get("/denuncias/recibo/")
    again = client.get("/denuncias/recibo/")  # a reload: no re-post, same code
    assert first.status_code == again.status_code == 200
    assert code_from(first) == code_from(again)
    assert "Hechos del recibo" not in again.content.decode()  # no text refilled
    assert "no-store" in again["Cache-Control"]
    assert Complaint.objects.count() == 1
    # The cookie is encrypted: the code is not readable in it.
    cookie = client.cookies["ol_complaint_receipt"].value
    assert crypto.code_normalise(code_from(first)) not in cookie
    # "Ya anoté el código" removes it from this browser.
    client.post("/denuncias/recibo/")
    gone = client.get("/denuncias/recibo/")
    assert gone.status_code == 404 and "ya no está disponible" in gone.content.decode()
    # A forged cookie shows nothing.
    client.cookies["ol_complaint_receipt"] = "bm9wZQ=="
    assert client.get("/denuncias/recibo/").status_code == 404


def test_a_form_with_errors_says_attachments_must_be_attached_again(client):
    response = submit(
        client, what="", files=[SimpleUploadedFile("prueba.pdf", pdf_bytes())]
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="attachments-again"' in page and "vuelva a adjuntarlos" in page
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0
    assert (
        'id="attachments-again"' not in client.get("/denuncias/nueva/").content.decode()
    )
