"""Attack 5 (docs/threat-model.md): after `complaints_recovery_keygen --replace` recovery
failed with both the old and the new key. Rotation re-seals every recovery grant."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints import crypto, services
from complaints.models import KeyGrant, MemberKey

from .conftest import make_member

pytestmark = pytest.mark.django_db


def _keygen(monkeypatch, stdin="", *args):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("complaints_recovery_keygen", *args, stdout=out)
    return re.search(r"^([A-Za-z0-9_\-]{43}=)$", out.getvalue(), re.M).group(1)


def _recover(monkeypatch, private_b64, email):
    monkeypatch.setattr("sys.stdin", io.StringIO(private_b64 + "\n"))
    out = io.StringIO()
    call_command("complaints_recovery_grant", email, stdout=out)
    return out.getvalue()


def test_rotation_reseals_grants_so_the_new_key_recovers_old_and_new_cases(
    monkeypatch,
):
    old = _keygen(monkeypatch)
    make_member()
    before, _ = services.complaint_submit(body={"what": "antes de rotar"})
    new = _keygen(monkeypatch, old + "\n", "--replace")
    after, _ = services.complaint_submit(body={"what": "después de rotar"})
    # A member who lost everything: new key, recovered with the NEW recovery key.
    lost, _ = make_member(password="clave-perdida-olvidada-1")
    MemberKey.objects.filter(user=lost).delete()
    private = services.member_key_create(user=lost, password="clave-nueva-segura-1")
    assert "Granted 2 cases" in _recover(monkeypatch, new, lost.email)
    for case in (before, after):
        grant = KeyGrant.objects.get(member=lost, complaint=case)
        assert crypto.unseal(private, bytes(grant.sealed_key))
    # The old key no longer opens anything.
    with pytest.raises(CommandError):
        _recover(monkeypatch, old, lost.email)


def test_rotation_with_a_wrong_old_key_changes_nothing(monkeypatch):
    old = _keygen(monkeypatch)
    make_member()
    services.complaint_submit(body={"what": "x"})
    wrong = crypto.b64(crypto.keypair()[0])
    with pytest.raises(CommandError):
        _keygen(monkeypatch, wrong + "\n", "--replace")
    lost, _ = make_member(password="otra-clave-segura-22")
    assert "Granted 1 cases" in _recover(monkeypatch, old, lost.email)
