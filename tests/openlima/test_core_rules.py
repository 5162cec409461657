"""Core rules (docs/architecture.md): append-only audit trail, audited staff logins and permission
changes, staff idle timeout, ARCO rights, security headers, logs without addresses and
production settings."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from openlima import roles
from openlima.logging import StripClientDataFilter
from openlima.middleware import SecurityHeadersMiddleware
from openlima.models import AuditLog, District, User
from openlima.selectors import user_public_label
from openlima.services import audit_log_record
from tests.factories import StaffFactory, UserFactory
from tests.production_env import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


# --- Audit trail -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_audit_log_rejects_update_and_delete_in_the_database():
    entry = audit_log_record(actor=None, action="test.entry")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "test.entry"


@pytest.mark.django_db
def test_audit_log_cannot_be_edited_in_the_admin(staff_client_factory):
    entry = audit_log_record(actor=None, action="test.entry")
    client = staff_client_factory(StaffFactory(is_superuser=True))
    url = f"/gestion/openlima/auditlog/{entry.pk}/"
    assert client.get(f"{url}change/").status_code == 200  # read-only view
    client.post(f"{url}change/", {"action": "tampered"})
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert AuditLog.objects.get(pk=entry.pk).action == "test.entry"


@pytest.mark.django_db
def test_staff_login_is_audited_and_citizen_login_is_not(client):
    staff = StaffFactory()
    citizen = UserFactory()
    for user in (staff, citizen):
        client.post(
            "/cuenta/login/", {"login": user.email, "password": "clave-segura-123"}
        )
        client.post("/cuenta/logout/")
    logins = AuditLog.objects.filter(action="staff.login")
    assert [e.actor_id for e in logins] == [staff.pk]
    assert logins[0].details == {}  # no address, no user agent


@pytest.mark.django_db
def test_group_changes_are_audited():
    user = StaffFactory()
    editor = Group.objects.get(name=roles.UNIT_EDITOR)
    user.groups.add(editor)
    user.groups.remove(editor)
    actions = list(
        AuditLog.objects.filter(object_id=str(user.pk)).values_list("action", "details")
    )
    assert ("permission.groups.add", {"groups": [roles.UNIT_EDITOR]}) in actions
    assert ("permission.groups.remove", {"groups": [roles.UNIT_EDITOR]}) in actions


@pytest.mark.django_db
def test_permission_change_in_the_admin_is_audited_with_its_author(
    staff_client_factory,
):
    admin_user = StaffFactory(is_superuser=True)
    client = staff_client_factory(admin_user)
    target = UserFactory()
    group = Group.objects.get(name=roles.MODERATOR)
    response = client.post(
        f"/gestion/openlima/user/{target.pk}/change/",
        {
            "email": target.email,
            "display_name": target.display_name,
            "district": target.district_id or "",
            "org_unit": "",
            "is_staff": "on",
            "groups": [group.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert target.is_staff and list(target.groups.all()) == [group]
    change = AuditLog.objects.get(action="permission.change", object_id=str(target.pk))
    assert change.actor == admin_user
    assert set(change.details["fields"]) >= {"is_staff", "groups"}
    assert AuditLog.objects.filter(
        action="permission.groups.add", object_id=str(target.pk)
    ).exists()


# --- Staff idle timeout --------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_session_expires_after_inactivity(staff_client_factory, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 60
    client = staff_client_factory(StaffFactory())
    assert client.get("/gestion/").status_code == 200
    session = client.session
    session["_staff_last_seen"] = int(time.time()) - 61
    session.save()
    response = client.get("/gestion/", follow=True)
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0].startswith("/cuenta/login/")


@pytest.mark.django_db
def test_active_staff_session_stays(staff_client_factory, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 60
    client = staff_client_factory(StaffFactory())
    session = client.session
    session["_staff_last_seen"] = int(time.time()) - 30
    session.save()
    assert client.get("/gestion/").status_code == 200


@pytest.mark.django_db
def test_citizen_sessions_have_no_idle_timeout(client, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 60
    client.force_login(UserFactory())
    session = client.session
    session["_staff_last_seen"] = int(time.time()) - 3600
    session.save()
    assert client.get("/cuenta/mis-datos/").status_code == 200


# --- ARCO rights (Ley 29733) -----------------------------------------------------------------


@pytest.mark.django_db
def test_account_page_shows_my_data(client):
    user = UserFactory(email="ana@example.pe", display_name="Ana")
    client.force_login(user)
    html = client.get("/cuenta/mis-datos/").content.decode()
    assert "ana@example.pe" in html
    assert "/cuenta/mis-datos/descargar/" in html


@pytest.mark.django_db
def test_download_my_data_as_json(client):
    user = UserFactory(email="ana@example.pe", display_name="Ana")
    client.force_login(user)
    response = client.get("/cuenta/mis-datos/descargar/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["email"] == "ana@example.pe"
    assert data["display_name"] == "Ana"
    assert data["email_addresses"][0]["email"] == "ana@example.pe"


@pytest.mark.django_db
def test_correct_my_data(client):
    user = UserFactory()
    client.force_login(user)
    miraflores = District.objects.get(name="Miraflores")
    response = client.post(
        "/cuenta/mis-datos/",
        {"display_name": "Ana Q.", "district": miraflores.pk, "public_profile": "on"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.district, user.public_profile) == (
        "Ana Q.",
        miraflores,
        True,
    )
    assert user_public_label(user=user) == "Ana Q."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field",
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "ok", "district": "999999"}, "district"),
        ({"display_name": "ok", "district": "<b>1</b>"}, "district"),
    ],
)
def test_bad_profile_input_is_a_form_error(client, data, field):
    user = UserFactory(display_name="Antes")
    client.force_login(user)
    response = client.post("/cuenta/mis-datos/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.display_name == "Antes"


@pytest.mark.django_db
def test_html_in_display_name_is_shown_as_text(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/cuenta/mis-datos/", {"display_name": "<script>alert(1)</script>"})
    html = client.get("/cuenta/mis-datos/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_delete_account_keeps_contributions_as_deleted_account(client):
    user = UserFactory(email="borrar@example.pe", display_name="Borrar")
    client.force_login(user)
    wrong = client.post("/cuenta/eliminar/", {"confirm": "no"})
    assert wrong.status_code == 200 and User.objects.get(pk=user.pk).deleted_at is None
    too_long = client.post("/cuenta/eliminar/", {"confirm": "E" * 5000})
    assert too_long.status_code == 200
    response = client.post("/cuenta/eliminar/", {"confirm": "eliminar"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.deleted_at is not None
    assert not user.is_active and not user.has_usable_password()
    assert "borrar@example.pe" not in user.email and user.display_name == ""
    assert user_public_label(user=user) == "cuenta eliminada"
    assert not EmailAddress.objects.filter(email__iexact="borrar@example.pe").exists()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="account.delete").exists()
    # The address is free again: the person can register anew.
    again = client.post(
        "/cuenta/signup/",
        {
            "email": "borrar@example.pe",
            "password1": "una-clave-muy-segura-2024",
            "password2": "una-clave-muy-segura-2024",
            "accept_privacy": "on",
        },
    )
    assert again.status_code == 302
    assert User.objects.filter(email="borrar@example.pe").exclude(pk=user.pk).exists()


@pytest.mark.django_db
def test_account_pages_need_login(client):
    for path in (
        "/cuenta/mis-datos/",
        "/cuenta/mis-datos/descargar/",
        "/cuenta/eliminar/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/cuenta/login/")


# --- Security headers -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/en/", "/cuenta/login/", "/cuenta/signup/"])
def test_strict_csp_on_normal_pages(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/cuenta/signup/", "/en/"])
def test_no_inline_script_or_style_in_core_pages(client, path):
    html = client.get(path).content.decode()
    assert "<script>" not in html and "<style" not in html and 'style="' not in html


@pytest.mark.parametrize("path", ["/denuncias/", "/en/denuncias/nueva/"])
def test_reporter_paths_strip_client_data_and_send_no_referrer(path):
    seen = {}

    def view(request):
        seen.update(request.META)
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = SecurityHeadersMiddleware(view)
    request = RequestFactory().get(
        path,
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (reporter)",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        HTTP_REFERER="https://example.org/",
    )
    response = middleware(request)
    assert response["Referrer-Policy"] == "no-referrer"
    for key in (
        "REMOTE_ADDR",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_REFERER",
    ):
        assert seen.get(key, "") == ""
    assert "203.0.113.7" not in repr(seen) and "reporter" not in repr(seen)


def test_other_paths_keep_the_client_address():
    seen = {}

    def view(request):
        seen.update(request.META)
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/participa/", REMOTE_ADDR="203.0.113.7")
    SecurityHeadersMiddleware(view)(request)
    assert seen["REMOTE_ADDR"] == "203.0.113.7"


# --- Logs without client addresses ---------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "GET /denuncias/ from 203.0.113.7",
        "client 2001:db8:85a3:0:0:8a2e:370:7334 said hi",
        "client ::1 said hi",
        "client fe80::1 said hi",
    ],
)
def test_log_filter_masks_addresses(message):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, (), None)
    record.request = object()
    assert StripClientDataFilter().filter(record) is True
    text = record.getMessage()
    assert "[addr]" in text
    for address in ("203.0.113.7", "2001:db8", "::1", "fe80::1"):
        assert address not in text
    assert record.request is None


def test_log_filter_masks_addresses_passed_as_arguments():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        '"%s %s" from %s',
        ("GET", "/", "10.1.2.3"),
        None,
    )
    StripClientDataFilter().filter(record)
    assert record.getMessage() == '"GET /" from [addr]'


def test_log_filter_leaves_times_and_versions_alone():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "v1.2.3 at 10:45:01", (), None
    )
    StripClientDataFilter().filter(record)
    assert record.getMessage() == "v1.2.3 at 10:45:01"


def test_every_log_handler_has_the_filter(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert "no_client_data" in handler.get("filters", []), name


# --- Production settings -----------------------------------------------------------------------


def _manage(*args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ALLOWED_HOSTS="openlima.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = _manage(
        "check",
        DJANGO_SECRET_KEY="insecure-development-key-change-me-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="openlima.example",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_check_deploy_is_clean():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/denuncias/", "/en/denuncias/"])
def test_reporter_pages_send_no_referrer_through_the_full_stack(client, path):
    response = client.get(path, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="reporter")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_role_groups_carry_their_model_permissions():
    """A resident registrar can confirm residents and enter paper ballots through the admin's
    permission checks; the coordinator manages budget processes; others get nothing."""
    from openlima import roles

    registrar = StaffFactory(roles=[roles.RESIDENT_REGISTRAR])
    coordinator = StaffFactory(roles=[roles.OGP_COORDINATOR])
    editor = StaffFactory(roles=[roles.UNIT_EDITOR])
    assert registrar.has_perm("budgets.change_residentverification")
    assert registrar.has_perm("budgets.add_paperballot")
    assert not registrar.has_perm("budgets.change_budgetprocess")
    assert coordinator.has_perm("budgets.change_budgetprocess")
    assert coordinator.has_perm("budgets.add_paperballot")
    assert not editor.has_perm("budgets.change_residentverification")
