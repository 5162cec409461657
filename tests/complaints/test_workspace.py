import pytest
from django.test import Client
from django.utils import timezone

from complaints import crypto, services, unlock
from complaints.models import Category, Complaint, Entry, KeyGrant
from complaints.uploads import CleanFile
from openlima import roles
from openlima.models import AuditLog, OrgUnit
from tests.conftest import login_with_2fa
from tests.factories import StaffFactory, UserFactory

from .conftest import (
    MEMBER_PASSWORD,
    jpeg_with_gps,
    make_member,
    pdf_bytes,
    unlocked_client,
)

pytestmark = pytest.mark.django_db

SECRET = "SOBORNO-EN-LICENCIAS-4471"


@pytest.fixture
def case(member):
    complaint, code = services.complaint_submit(
        body={"what": SECRET, "who": "Gerente Z"},
        files=[
            CleanFile(
                name="contrato-secreto.pdf",
                mime="application/pdf",
                data=pdf_bytes(SECRET),
            )
        ],
    )
    return complaint


def workspace_urls(complaint):
    attachment = complaint.attachments.first()
    base = f"/denuncias/unidad/casos/{complaint.pk}/"
    gets = [
        "/denuncias/unidad/",
        "/en/denuncias/unidad/",
        "/denuncias/unidad/registrar/",
        "/denuncias/unidad/miembros/",
        base,
        f"{base}adjuntos/{attachment.pk}/",
        f"/en{base}",
    ]
    posts = [
        ("/denuncias/unidad/desbloquear/", {"password": MEMBER_PASSWORD}),
        ("/denuncias/unidad/registrar/", {"what": "x", "channel": "phone"}),
        ("/denuncias/unidad/miembros/", {"grantee": "1"}),
        (f"{base}transition/", {"to_stage": "evaluation", "note": "n"}),
        (f"{base}message/", {"message-text": "hola"}),
        (f"{base}note/", {"note-text": "nota"}),
        (f"{base}handling/", {"priority": "3"}),
    ]
    return gets, posts


def _assert_denied(client, complaint, who):
    gets, posts = workspace_urls(complaint)
    for url in gets:
        response = client.get(url)
        assert response.status_code in (403, 404), (who, url, response.status_code)
        assert SECRET.encode() not in response.content, (who, url)
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (403, 404), (who, url, response.status_code)
        assert SECRET.encode() not in response.content
    assert Entry.objects.filter(complaint=complaint).count() == 0
    assert Complaint.objects.count() == 1
    complaint.refresh_from_db()
    assert complaint.priority == 2


def _staff(**kwargs):
    return StaffFactory(**kwargs)


def test_permission_matrix(case, member):
    # An integrity member with 2FA can also not be used to steal keys: unlock needs role.
    people = {}
    people["anonymous"] = Client()
    citizen = UserFactory()
    people["citizen"] = Client()
    people["citizen"].force_login(citizen)
    for name, role_list, unit in [
        ("staff of another unit", [roles.UNIT_EDITOR], "sgdi"),
        ("moderator", [roles.MODERATOR], "participacion-vecinal"),
        ("coordinator", [roles.OGP_COORDINATOR, roles.UNIT_EDITOR], "sgdi"),
        ("data publisher", [roles.DATA_PUBLISHER], "sgdi"),
    ]:
        user = _staff(roles=role_list, org_unit=OrgUnit.objects.get(slug=unit))
        from openlima.demo import totp_activate

        totp_activate(user=user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        people[name] = login_with_2fa(Client(), user)
    superuser = _staff(is_superuser=True)
    from openlima.demo import totp_activate

    totp_activate(user=superuser, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    people["superuser without the role"] = login_with_2fa(Client(), superuser)
    # An integrity member whose session did not pass 2FA (even holding the key cookie).
    user, private = member
    no2fa = Client()
    no2fa.force_login(user)
    wrap_key = crypto.random_key()
    session = no2fa.session
    session[unlock.SESSION_KEY] = crypto.b64(crypto.encrypt(wrap_key, private))
    session.save()
    no2fa.cookies[unlock.COOKIE_NAME] = crypto.b64(wrap_key)
    people["integrity member without 2FA"] = no2fa
    for who, client in people.items():
        _assert_denied(client, case, who)


def test_superuser_admin_has_no_complaint_content(case):
    from openlima.demo import totp_activate

    superuser = _staff(is_superuser=True)
    totp_activate(user=superuser, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = login_with_2fa(Client(), superuser)
    index = client.get("/gestion/")
    assert index.status_code == 200
    for model in (
        "complaint",
        "entry",
        "attachment",
        "keygrant",
        "memberkey",
        "recoverykey",
    ):
        response = client.get(f"/gestion/complaints/{model}/")
        assert response.status_code == 404, model
    assert client.get("/gestion/complaints/category/").status_code == 200
    assert SECRET.encode() not in index.content
    # The superuser cannot take the role by unlocking with their own password either.
    assert (
        client.post(
            "/denuncias/unidad/desbloquear/", {"password": "clave-segura-123"}
        ).status_code
        == 403
    )


def test_locked_member_sees_unlock_page_only(case, member):
    user, _ = member
    client = login_with_2fa(Client(), user)
    response = client.get(f"/denuncias/unidad/casos/{case.pk}/")
    assert response.status_code == 403
    assert SECRET.encode() not in response.content
    assert b"desbloquear" in response.content
    wrong = client.post("/denuncias/unidad/desbloquear/", {"password": "mala-clave"})
    assert wrong.status_code == 403
    ok = client.post("/denuncias/unidad/desbloquear/", {"password": MEMBER_PASSWORD})
    assert ok.status_code == 302
    cookie = ok.cookies[unlock.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/denuncias/unidad/"
    cookie_en = ok.cookies[unlock.COOKIE_NAME + "_en"]
    assert cookie_en["path"] == "/en/denuncias/unidad/" and cookie_en["httponly"]
    assert cookie_en.value == cookie.value
    # The session alone holds only ciphertext.
    from django.contrib.sessions.models import Session

    session_data = "".join(s.session_data for s in Session.objects.all())
    private = services.member_key_unlock(user=user, password=MEMBER_PASSWORD)
    assert crypto.b64(private) not in str(client.session.items())
    assert crypto.b64(private) not in session_data
    page = client.get(f"/denuncias/unidad/casos/{case.pk}/")
    assert page.status_code == 200 and SECRET.encode() in page.content


def test_member_without_grant_is_refused(case):
    newcomer, private = make_member(password="clave-del-nuevo-1")
    client = unlocked_client(newcomer, private)
    response = client.get(f"/denuncias/unidad/casos/{case.pk}/")
    assert response.status_code == 403
    assert SECRET.encode() not in response.content


def test_case_page_decrypts_and_audits_every_read(member_client, case, member):
    before = AuditLog.objects.filter(action="complaints.complaint.read").count()
    response = member_client.get(f"/denuncias/unidad/casos/{case.pk}/")
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert "contrato-secreto.pdf" in response.content.decode()
    assert (
        AuditLog.objects.filter(action="complaints.complaint.read").count()
        == before + 1
    )
    log = AuditLog.objects.filter(action="complaints.complaint.read").last()
    assert log.actor == member[0] and SECRET not in str(log.details) + log.object_repr
    attachment = case.attachments.get()
    download = member_client.get(
        f"/denuncias/unidad/casos/{case.pk}/adjuntos/{attachment.pk}/"
    )
    assert download.status_code == 200
    assert download.content == pdf_bytes(SECRET)
    assert "attachment" in download["Content-Disposition"]
    assert AuditLog.objects.filter(
        action="complaints.complaint.attachment.read"
    ).exists()


def test_workspace_actions(member_client, case, member):
    user, _ = member
    category = Category.objects.create(name="Soborno")
    base = f"/denuncias/unidad/casos/{case.pk}/"
    assert (
        member_client.post(
            f"{base}transition/", {"to_stage": "trial", "note": "x"}
        ).status_code
        == 400
    )
    response = member_client.post(
        f"{base}transition/",
        {"to_stage": "evaluation", "note": "evaluando", "is_public": "on"},
    )
    assert response.status_code == 302
    assert (
        member_client.post(f"{base}message/", {"message-text": "hola"}).status_code
        == 302
    )
    assert (
        member_client.post(f"{base}note/", {"note-text": "interna"}).status_code == 302
    )
    assert member_client.post(f"{base}note/", {"note-text": ""}).status_code == 400
    response = member_client.post(
        f"{base}handling/",
        {"assignee": str(user.pk), "category": str(category.pk), "priority": "4"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "evaluation" and case.priority == 4
    assert case.assignee == user and case.category == category
    assert Entry.objects.filter(complaint=case).count() == 3
    outsider = _staff(roles=[roles.UNIT_EDITOR])
    bad = member_client.post(
        f"{base}handling/", {"assignee": str(outsider.pk), "priority": "2"}
    )
    assert bad.status_code == 400


def test_case_list_filters_and_overdue(member_client, case, member):
    import datetime

    from django.utils import timezone

    Complaint.objects.filter(pk=case.pk).update(
        ack_due_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = member_client.get("/denuncias/unidad/?deadline=overdue")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{case.pk}" in html and "vencido" in html
    assert SECRET not in html  # the list never shows content
    empty = member_client.get("/denuncias/unidad/?stage=trial")
    assert f"#{case.pk}</a>" not in empty.content.decode()


def test_register_phone_complaint(member_client):
    response = member_client.post(
        "/denuncias/unidad/registrar/",
        {"channel": "phone", "what": "Llamada: cobros indebidos"},
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.channel == "phone" and complaint.code_must_change
    assert AuditLog.objects.filter(
        action="complaints.complaint.create", actor__isnull=False
    ).exists()


def test_members_page_grants(member_client, case, member):
    newcomer, _private = make_member(password="clave-del-nuevo-1")
    assert member_client.get("/denuncias/unidad/miembros/").status_code == 200
    response = member_client.post(
        "/denuncias/unidad/miembros/", {"grantee": str(newcomer.pk)}
    )
    assert response.status_code == 302
    assert KeyGrant.objects.filter(member=newcomer, complaint=case).exists()


def test_login_signal_unlocks_and_cookie_is_set(member, rf, settings):
    """The password step: ciphertext in the session, wrap key on this response only."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from complaints import receivers
    from complaints.middleware import WrapKeyCookieMiddleware

    user, private = member
    request = rf.post("/cuenta/login/")
    request.session = SessionStore()
    receivers.on_password_verified(
        None, request=request, user=user, password=MEMBER_PASSWORD
    )
    assert unlock.SESSION_KEY in request.session
    assert crypto.b64(private) not in str(dict(request.session))
    response = WrapKeyCookieMiddleware(lambda r: HttpResponse())(request)
    wrap = response.cookies[unlock.COOKIE_NAME].value
    request.COOKIES[unlock.COOKIE_NAME] = wrap
    assert unlock.private_key_from_request(request) == private


def test_image_attachment_served_without_exif(member_client, member):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from complaints.uploads import clean_upload

    clean = clean_upload(SimpleUploadedFile("gps.jpg", jpeg_with_gps()))
    complaint, _ = services.complaint_submit(body={"what": "foto"}, files=[clean])
    attachment = complaint.attachments.get()
    response = member_client.get(
        f"/denuncias/unidad/casos/{complaint.pk}/adjuntos/{attachment.pk}/"
    )
    assert not Image.open(BytesIO(response.content)).getexif()


def test_real_login_with_totp_unlocks_workspace(case, member):
    """The password step's response carries the wrap key to the browser; the TOTP step
    completes the login (the workspace needs both)."""
    from openlima.totp import totp_code_now

    user, _ = member
    client = Client()
    response = client.post(
        "/cuenta/login/", {"login": user.email, "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    cookie = response.cookies[unlock.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert client.get(f"/denuncias/unidad/casos/{case.pk}/").status_code in (302, 403)
    response = client.post(
        response["Location"],
        {"code": totp_code_now("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")},
    )
    assert response.status_code == 302
    page = client.get(f"/denuncias/unidad/casos/{case.pk}/")
    assert page.status_code == 200 and SECRET.encode() in page.content
    # Logging out makes the cookie worthless.
    client.post("/cuenta/logout/")
    login_with_2fa(client, user)
    assert client.get(f"/denuncias/unidad/casos/{case.pk}/").status_code == 403


def test_superuser_who_gives_himself_the_role_gets_no_new_cases(member):
    """An administrator can add himself to the group, but his key is not approved by a
    member, so no complaint is sealed to it until a real member approves it."""
    from django.contrib.auth.models import Group

    from complaints.models import MemberKey

    superuser = _staff(is_superuser=True, password="clave-del-admin-1")
    superuser.groups.add(Group.objects.get(name=roles.INTEGRITY_MEMBER))
    admin_private = services.member_key_unlock(
        user=superuser, password="clave-del-admin-1"
    )
    assert MemberKey.objects.get(user=superuser).approved_at is None
    complaint, _ = services.complaint_submit(body={"what": SECRET})
    assert not KeyGrant.objects.filter(complaint=complaint, member=superuser).exists()
    client = unlocked_client(superuser, admin_private)
    from openlima.demo import totp_activate

    totp_activate(user=superuser, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = client.get(f"/denuncias/unidad/casos/{complaint.pk}/")
    assert response.status_code == 403 and SECRET.encode() not in response.content
    # Once a member approves the key, cases are granted and new ones sealed to it.
    user, private = member
    services.member_grant_access(
        granter=user, granter_private=private, grantee=superuser
    )
    assert KeyGrant.objects.filter(complaint=complaint, member=superuser).exists()
    newer, _ = services.complaint_submit(body={"what": "otra"})
    assert KeyGrant.objects.filter(complaint=newer, member=superuser).exists()


def test_case_list_shows_received_unread_and_stage(member_client, member):
    user, private = member
    complaint, _code = services.complaint_submit(body={"what": "x"})
    grant = KeyGrant.objects.get(member=user, complaint=complaint)
    key = crypto.unseal(private, bytes(grant.sealed_key))
    services.reporter_message_add(complaint=complaint, key=key, text="uno")
    services.reporter_message_add(complaint=complaint, key=key, text="dos")
    html = member_client.get("/denuncias/unidad/").content.decode()
    # The list shows the city's local date (from 00:00 to 05:00 UTC it is still the day
    # before in Lima: comparing with the UTC date failed in those hours).
    assert timezone.localtime(complaint.received_at).strftime("%Y-%m-%d") in html
    assert (
        "Mensajes sin responder" in html and '<strong class="badge">2</strong>' in html
    )
    # Once the unit answers, the count goes back to zero.
    services.complaint_message_send(complaint=complaint, key=key, actor=user, text="ok")
    html = member_client.get("/denuncias/unidad/").content.decode()
    assert 'data-testid="unread">0<' in html


def test_every_case_action_shows_a_success_message(member_client, case):
    base = f"/denuncias/unidad/casos/{case.pk}/"
    response = member_client.post(f"{base}note/", {"note-text": "interna"}, follow=True)
    assert "Nota interna guardada." in response.content.decode()
    response = member_client.post(
        f"{base}message/", {"message-text": "hola"}, follow=True
    )
    assert "Mensaje enviado a la persona denunciante." in response.content.decode()
    response = member_client.post(
        f"{base}transition/",
        {"to_stage": "evaluation", "note": "evaluando"},
        follow=True,
    )
    assert "Etapa cambiada." in response.content.decode()
