"""Member and recovery keys, and the grants that open cases to them."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import roles
from openlima.errors import Invalid
from openlima.services import audit_log_record

from .. import conf, crypto
from ..models import (
    Complaint,
    KeyGrant,
    MemberKey,
    RecoveryKey,
)

logger = logging.getLogger(__name__)


def integrity_members():
    User = get_user_model()
    return User.objects.filter(
        is_active=True, is_staff=True, groups__name=roles.INTEGRITY_MEMBER
    ).distinct()


@transaction.atomic
def member_key_create(*, user, password: str) -> bytes:
    """A new key pair for `user`, its private half encrypted under their password.

    Replaces an older pair (e.g. after a password reset by someone else). The new key is
    approved by itself only on an empty installation (no case, no grant, no other approved
    key); otherwise another approved member or the recovery key must approve it, so an
    administrator who resets a member's password gets no case (docs/threat-model.md,
    attack 1). Grants sealed to the old key are kept, never deleted: they are useless to
    the new key and are replaced when access is granted again.
    """
    private, public = crypto.keypair()
    params = crypto.argon2_params()
    salt = crypto.random_salt()
    kek = crypto.password_key(password, salt, params)
    bootstrap = not (
        MemberKey.objects.filter(approved_at__isnull=False).exclude(user=user).exists()
        or Complaint.objects.exists()
        or KeyGrant.objects.exists()
    )
    _record, created = MemberKey.objects.update_or_create(
        user=user,
        defaults={
            "public_key": public,
            "encrypted_private_key": crypto.encrypt(kek, private),
            "kdf_salt": salt,
            "kdf_params": params,
            "approved_at": timezone.now() if bootstrap else None,
            "approved_by": None,
        },
    )
    audit_log_record(
        actor=user,
        action="complaints.member_key.create",
        obj=user,
        details={"replaced": not created, "approved": bootstrap},
    )
    return private


def member_key_unlock(*, user, password: str) -> bytes | None:
    """The member's private key, provisioning one at first login (integrity members only)."""
    record = MemberKey.objects.filter(user=user).first()
    if record is None:
        if not user.groups.filter(name=roles.INTEGRITY_MEMBER).exists():
            return None
        return member_key_create(user=user, password=password)
    kek = crypto.password_key(password, bytes(record.kdf_salt), record.kdf_params)
    try:
        return crypto.decrypt(kek, bytes(record.encrypted_private_key))
    except crypto.DecryptionError:
        # The password was reset by someone else: the old key is lost on purpose.
        logger.warning("complaints: member key of user %s could not be opened", user.pk)
        return member_key_create(user=user, password=password)


@transaction.atomic
def member_key_rewrap(*, user, old_password: str, new_password: str) -> bool:
    record = MemberKey.objects.select_for_update().filter(user=user).first()
    if record is None:
        return False
    old_kek = crypto.password_key(
        old_password, bytes(record.kdf_salt), record.kdf_params
    )
    try:
        private = crypto.decrypt(old_kek, bytes(record.encrypted_private_key))
    except crypto.DecryptionError:
        return False
    params = crypto.argon2_params()
    salt = crypto.random_salt()
    record.kdf_salt = salt
    record.kdf_params = params
    record.encrypted_private_key = crypto.encrypt(
        crypto.password_key(new_password, salt, params), private
    )
    record.save(update_fields=["kdf_salt", "kdf_params", "encrypted_private_key"])
    audit_log_record(actor=user, action="complaints.member_key.rewrap", obj=user)
    return True


def unlock_failed(*, user) -> None:
    """A wrong password on the workspace unlock form: counted and audit-logged."""
    from openlima.jobs import window_hit

    from ..selectors import UNLOCK_WINDOW, unlock_fail_key

    window_hit(unlock_fail_key(user), window=UNLOCK_WINDOW)
    audit_log_record(actor=user, action="complaints.unlock.failed", obj=user)


@transaction.atomic
def recovery_key_create() -> bytes:
    """Generate the escrow pair; returns the private half (to print once, never stored)."""
    private, public = crypto.keypair()
    RecoveryKey.objects.all().delete()
    RecoveryKey.objects.create(public_key=public)
    audit_log_record(actor=None, action="complaints.recovery_key.create")
    return private


def recovery_public_key() -> bytes | None:
    configured = conf.recovery_public_key()
    if configured:
        return crypto.unb64(configured)
    record = RecoveryKey.objects.order_by("-created_at").first()
    return bytes(record.public_key) if record else None


def _grants_create(*, complaint, key: bytes) -> None:
    grants = [
        KeyGrant(
            complaint=complaint,
            member_id=mk.user_id,
            sealed_key=crypto.seal(bytes(mk.public_key), key),
            key_fingerprint=crypto.fingerprint(bytes(mk.public_key)),
        )
        for mk in MemberKey.objects.filter(
            user__in=integrity_members(), approved_at__isnull=False
        )
    ]
    recovery = recovery_public_key()
    if recovery:
        grants.append(
            KeyGrant(
                complaint=complaint,
                member=None,
                sealed_key=crypto.seal(recovery, key),
                key_fingerprint=crypto.fingerprint(recovery),
            )
        )
    KeyGrant.objects.bulk_create(grants)


@transaction.atomic
def member_grant_access(*, granter, granter_private: bytes, grantee) -> int:
    """Seal every case key the granter holds to the grantee's public key."""
    if not grantee.groups.filter(name=roles.INTEGRITY_MEMBER).exists():
        raise Invalid(_("Solo se concede acceso a miembros de la unidad."))
    target = MemberKey.objects.filter(user=grantee).first()
    if target is None:
        raise Invalid(_("Esa persona aún no tiene llave: debe iniciar sesión una vez."))
    if not MemberKey.objects.filter(user=granter, approved_at__isnull=False).exists():
        raise Invalid(_("Su propia llave aún no fue aprobada."))
    if target.approved_at is None:
        target.approved_at = timezone.now()
        target.approved_by = granter
        target.save(update_fields=["approved_at", "approved_by"])
    granter_fp = crypto.fingerprint(crypto.public_from_private(granter_private))
    return _grant_all(
        private=granter_private,
        grants=KeyGrant.objects.filter(member=granter, key_fingerprint=granter_fp),
        target=target,
        actor=granter,
    )


def _recovery_grants(recovery_private: bytes):
    """Grants sealed to this recovery key (or, from before fingerprints, of unknown key)."""
    fp = crypto.fingerprint(crypto.public_from_private(recovery_private))
    return KeyGrant.objects.filter(member__isnull=True, key_fingerprint__in=[fp, ""])


@transaction.atomic
def recovery_grant_access(*, recovery_private: bytes, grantee) -> int:
    target = MemberKey.objects.filter(user=grantee).first()
    if target is None:
        raise Invalid(_("Esa persona aún no tiene llave."))
    grants = _recovery_grants(recovery_private)
    if not grants.exists() and KeyGrant.objects.filter(member__isnull=True).exists():
        raise crypto.DecryptionError
    if target.approved_at is None:
        target.approved_at = timezone.now()
        target.save(update_fields=["approved_at"])
    return _grant_all(
        private=recovery_private, grants=grants, target=target, actor=None
    )


@transaction.atomic
def recovery_key_rotate(*, old_private: bytes | None) -> bytes:
    """Replace the recovery key pair, re-sealing every recovery grant to the new key.

    Needs the old private key (to open each case key once); returns the new private half,
    to print once. Without the old key (`old_private=None`, it was lost) the new key only
    serves new cases and the old recovery grants stay as they are, sealed to the lost key.
    """
    current = recovery_public_key()
    if (
        old_private is not None
        and current is not None
        and crypto.public_from_private(old_private) != current
    ):
        raise crypto.DecryptionError
    private, public = crypto.keypair()
    fp = crypto.fingerprint(public)
    resealed = 0
    if old_private is not None:
        for grant in _recovery_grants(old_private).select_for_update():
            key = crypto.unseal(old_private, bytes(grant.sealed_key))
            grant.sealed_key = crypto.seal(public, key)
            grant.key_fingerprint = fp
            grant.save(update_fields=["sealed_key", "key_fingerprint"])
            resealed += 1
    RecoveryKey.objects.all().delete()
    RecoveryKey.objects.create(public_key=public)
    audit_log_record(
        actor=None,
        action="complaints.recovery_key.rotate",
        details={"resealed": resealed, "old_key_given": old_private is not None},
    )
    return private


def _grant_all(*, private, grants, target, actor) -> int:
    """Seal each case key of `grants` to `target`; a grant `target` already holds for
    an older key of theirs is replaced, one for their current key is left alone."""
    fp = crypto.fingerprint(bytes(target.public_key))
    held = dict(
        KeyGrant.objects.filter(member_id=target.user_id).values_list(
            "complaint_id", "key_fingerprint"
        )
    )
    new: list[KeyGrant] = []
    stale: list[KeyGrant] = []
    for grant in grants.exclude(member_id=target.user_id):
        if held.get(grant.complaint_id) == fp:
            continue
        key = crypto.unseal(private, bytes(grant.sealed_key))
        row = KeyGrant(
            complaint_id=grant.complaint_id,
            member_id=target.user_id,
            sealed_key=crypto.seal(bytes(target.public_key), key),
            key_fingerprint=fp,
        )
        (stale if grant.complaint_id in held else new).append(row)
    KeyGrant.objects.bulk_create(new)
    for row in stale:
        KeyGrant.objects.filter(
            complaint_id=row.complaint_id, member_id=target.user_id
        ).update(sealed_key=row.sealed_key, key_fingerprint=fp)
    count = len(new) + len(stale)
    audit_log_record(
        actor=actor,
        action="complaints.grant",
        object_type="openlima.user",
        object_id=target.user_id,
        details={"cases": count, "replaced": len(stale)},
    )
    return count
