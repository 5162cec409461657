"""Attack 1 (docs/threat-model.md): a superuser who is not in the integrity unit tries to
take over a member's account and read complaints.

Replayed step by step: read the member's TOTP secret in the admin, reset the member's
password in the admin, log in as the member (a new key pair is created) and wait for new
complaints to be sealed to it."""

import pytest
from django.db import connection
from django.test import Client

from complaints import services
from complaints.models import KeyGrant, MemberKey
from openlima.models import AuditLog
from tests.conftest import login_with_2fa
from tests.factories import StaffFactory

from .conftest import make_member

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _superuser_client():
    from openlima.demo import totp_activate

    admin_user = StaffFactory(is_superuser=True, password="clave-del-admin-1")
    totp_activate(user=admin_user, secret="KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")
    client = Client()
    login_with_2fa(client, admin_user)
    return admin_user, client


def test_no_admin_screen_shows_or_edits_a_totp_secret():
    from allauth.mfa.models import Authenticator

    user, _private = make_member()
    _admin, client = _superuser_client()
    auth = Authenticator.objects.get(user=user, type="totp")
    listing = client.get("/gestion/mfa/authenticator/")
    change = client.get(f"/gestion/mfa/authenticator/{auth.pk}/change/")
    for response in (listing, change):
        assert TOTP_SECRET.encode() not in response.content
        assert b'name="data"' not in response.content
    if change.status_code == 200:
        # Read-only at most: a POST changes nothing.
        client.post(
            f"/gestion/mfa/authenticator/{auth.pk}/change/",
            {"user": str(user.pk), "type": "totp", "data": '{"secret": "AAAA"}'},
        )
        auth.refresh_from_db()
        from allauth.mfa.totp.internal.auth import TOTP

        assert TOTP(auth).instance.data == auth.data
        assert "AAAA" not in str(auth.data)


def test_totp_secret_and_recovery_seed_are_encrypted_at_rest():
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user, _private = make_member()
    RecoveryCodes.activate(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        raw = " ".join(str(row[0]) for row in cursor.fetchall())
    assert TOTP_SECRET not in raw
    # and it still works: the code computed from the secret is accepted.
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from openlima.totp import totp_code_now

    totp = TOTP(Authenticator.objects.get(user=user, type="totp"))
    assert totp.validate_code(totp_code_now(TOTP_SECRET))
    seed = Authenticator.objects.get(user=user, type="recovery_codes").data["seed"]
    assert RecoveryCodes(
        Authenticator.objects.get(user=user, type="recovery_codes")
    ).get_unused_codes()
    assert len(seed) > 40  # encrypted, not the 40-hex seed in clear


def test_password_reset_by_superuser_does_not_yield_new_cases():
    """The full takeover: reset password in the admin, log in as the member, re-create
    the key; it must not approve itself, and the old grants must survive."""
    member, private = make_member()
    case, _code = services.complaint_submit(body={"what": "caso anterior"})
    assert KeyGrant.objects.filter(member=member, complaint=case).exists()
    admin_user, client = _superuser_client()
    response = client.post(
        f"/gestion/openlima/user/{member.pk}/password/",
        {
            "password1": "clave-del-atacante-9",
            "password2": "clave-del-atacante-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert AuditLog.objects.filter(
        action="user.password.change", actor=admin_user, object_id=str(member.pk)
    ).exists()
    member.refresh_from_db()
    # Logging in as the member: the old key cannot be opened, a new one is created...
    new_private = services.member_key_unlock(
        user=member, password="clave-del-atacante-9"
    )
    assert new_private is not None and new_private != private
    record = MemberKey.objects.get(user=member)
    assert record.approved_at is None  # ...never approved by itself
    # The old grants are kept (useless to the new key, but not deleted).
    assert KeyGrant.objects.filter(member=member, complaint=case).exists()
    newer, _ = services.complaint_submit(body={"what": "caso nuevo"})
    assert not KeyGrant.objects.filter(member=member, complaint=newer).exists()


def test_bootstrap_only_on_an_empty_installation():
    """The first key approves itself only while no case and no grant exist."""
    first, _ = make_member()
    assert MemberKey.objects.get(user=first).approved_at is not None
    services.complaint_submit(body={"what": "x"})
    MemberKey.objects.filter(user=first).delete()
    services.member_key_create(user=first, password="otra-clave-segura-1")
    assert MemberKey.objects.get(user=first).approved_at is None


def test_admin_2fa_and_permission_changes_are_audited():
    from allauth.mfa.models import Authenticator

    member, _ = make_member()
    admin_user, client = _superuser_client()
    auth = Authenticator.objects.get(user=member, type="totp")
    response = client.post(
        f"/gestion/mfa/authenticator/{auth.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(
        action="user.mfa.delete", actor=admin_user, object_id=str(member.pk)
    ).exists()
