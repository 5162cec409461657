"""Every write of Lima Honesta. Content is encrypted here before it reaches a model."""

import datetime
import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city, roles
from openlima.errors import ApplicationError
from openlima.services import audit_log_record, outbox_enqueue

from . import crypto, deadlines
from .models import (
    CLOSED_STAGES,
    TRANSITIONS,
    ArchiveReason,
    Attachment,
    Category,
    Channel,
    Complaint,
    Destination,
    Entry,
    KeyGrant,
    MemberKey,
    Priority,
    RecoveryKey,
    Stage,
)
from .uploads import CleanFile

logger = logging.getLogger(__name__)

BODY_FIELDS = ("what", "unit", "district", "when", "who", "amount", "contact")
MAX_TEXT = 20000


# --- Storage of encrypted blobs ---------------------------------------------------------


def blob_name(attachment: Attachment) -> str:
    """Name of the encrypted blob in the private storage (openlima/storage.py)."""
    return f"complaints/{attachment.blob}.bin"


def blob_write(name: str, sealed: bytes) -> str:
    """Store an already encrypted blob: the storage (disk or S3) never sees clear text."""
    from django.core.files.base import ContentFile

    from openlima.storage import private_storage

    return private_storage().save(name, ContentFile(sealed))


def blob_read(attachment: Attachment) -> bytes:
    from openlima.storage import private_storage

    with private_storage().open(blob_name(attachment), "rb") as handle:
        return handle.read()


def blob_delete(name: str) -> None:
    from openlima.storage import private_storage

    private_storage().delete(name)


def _attachments_write(
    *, complaint, key: bytes, files: list[CleanFile], entry=None, from_reporter=True
) -> list[str]:
    written = []
    try:
        for f in files:
            attachment = Attachment(
                complaint=complaint,
                entry=entry,
                from_reporter=from_reporter,
                created_at=timezone.now(),
                sealed_meta=crypto.encrypt(
                    key,
                    json.dumps(
                        {"name": f.name, "mime": f.mime, "size": len(f.data)}
                    ).encode(),
                ),
            )
            written.append(
                blob_write(blob_name(attachment), crypto.encrypt(key, f.data))
            )
            attachment.save()
    except Exception:
        for name in written:
            blob_delete(name)
        raise

    return written


# --- Member keys --------------------------------------------------------------------------


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

    from .selectors import UNLOCK_WINDOW, unlock_fail_key

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
    configured = getattr(settings, "COMPLAINT_RECOVERY_PUBLIC_KEY", "")
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
        raise ApplicationError(_("Solo se concede acceso a miembros de la unidad."))
    target = MemberKey.objects.filter(user=grantee).first()
    if target is None:
        raise ApplicationError(
            _("Esa persona aún no tiene llave: debe iniciar sesión una vez.")
        )
    if not MemberKey.objects.filter(user=granter, approved_at__isnull=False).exists():
        raise ApplicationError(_("Su propia llave aún no fue aprobada."))
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
        raise ApplicationError(_("Esa persona aún no tiene llave."))
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
    new, stale = [], []
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


# --- Intake -------------------------------------------------------------------------------


def _code_fields(code: str, key: bytes) -> dict:
    params = crypto.argon2_params()
    salt = crypto.random_salt()
    verifier, reporter_key = crypto.code_derive(code, salt, params)
    return {
        "code_index": crypto.code_index(code),
        "code_salt": salt,
        "code_verifier": verifier,
        "code_params": params,
        "reporter_grant": crypto.encrypt(reporter_key, key),
    }


def _body_clean(body: dict) -> dict:
    clean = {}
    for field in BODY_FIELDS:
        value = str(body.get(field) or "").strip()
        clean[field] = value[:MAX_TEXT]
    if not clean["what"]:
        raise ApplicationError(
            _("Describa lo que ocurrió."), field_errors={"what": [_("Obligatorio.")]}
        )
    return clean


@transaction.atomic
def complaint_submit(
    *,
    body: dict,
    files: list[CleanFile] = (),
    channel: str = Channel.WEB,
    registered_by=None,
    code: str | None = None,
) -> tuple[Complaint, str]:
    """File a complaint; returns it and its tracking code (shown once, never stored)."""
    clean = _body_clean(body)
    if channel not in Channel.values:
        raise ApplicationError(_("Canal no válido."))
    code = code or crypto.code_generate()
    key = crypto.random_key()
    now = timezone.now()
    ack_due, response_due = deadlines.due_dates(now)
    complaint = Complaint(
        channel=channel,
        received_at=now,
        stage_changed_at=now,
        ack_due_at=ack_due,
        response_due_at=response_due,
        code_must_change=registered_by is not None,
        sealed_body=crypto.encrypt(key, json.dumps(clean).encode()),
        **_code_fields(code, key),
    )
    complaint.full_clean()
    complaint.save()
    _grants_create(complaint=complaint, key=key)
    written = []
    try:
        if files:
            written = _attachments_write(
                complaint=complaint, key=key, files=list(files)
            )
        outbox_enqueue("complaints.tasks.complaint_notify_new", complaint.pk)
    except Exception:
        for name in written:
            blob_delete(name)
        raise
    audit_log_record(
        actor=registered_by,
        action="complaints.complaint.create",
        obj=complaint,
        details={"channel": channel},
    )
    return complaint, code


@transaction.atomic
def complaint_replace_code(*, complaint: Complaint, key: bytes) -> str:
    """A code the unit passed on by phone or e-mail is replaced at first use."""
    code = crypto.code_generate()
    for field, value in _code_fields(code, key).items():
        setattr(complaint, field, value)
    complaint.code_must_change = False
    complaint.save(
        update_fields=[
            "code_index",
            "code_salt",
            "code_verifier",
            "code_params",
            "reporter_grant",
            "code_must_change",
        ]
    )
    return code


# --- Reporter actions -------------------------------------------------------------------


def _ensure_open(complaint: Complaint) -> None:
    if complaint.is_closed or complaint.purged_at:
        raise ApplicationError(
            _("El caso está cerrado: ya no se puede añadir información.")
        )


@transaction.atomic
def reporter_message_add(
    *, complaint: Complaint, key: bytes, text: str, files: list[CleanFile] = ()
) -> Entry:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _ensure_open(complaint)
    text = (text or "").strip()[:MAX_TEXT]
    if not text and not files:
        raise ApplicationError(
            _("Escriba un mensaje o adjunte un archivo."),
            field_errors={"text": [_("Obligatorio.")]},
        )
    existing = complaint.attachments.count()
    from .uploads import max_attachments

    if existing + len(files) > max_attachments() * 2:
        raise ApplicationError(_("El caso ya tiene el máximo de archivos."))
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.FROM_REPORTER,
        is_public=True,
        sealed_text=crypto.encrypt(key, text.encode()),
        created_at=timezone.now(),
    )
    if files:
        _attachments_write(complaint=complaint, key=key, files=list(files), entry=entry)
    outbox_enqueue("complaints.tasks.complaint_notify_update", complaint.pk)
    return entry


@transaction.atomic
def complaint_rate(*, complaint: Complaint, rating: int) -> Complaint:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(
            _("La valoración va de 1 a 5."), field_errors={"rating": [_("De 1 a 5.")]}
        )
    complaint.rating = rating
    complaint.save(update_fields=["rating"])
    return complaint


# --- Unit actions ----------------------------------------------------------------------


def _text_required(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(
            _("Este texto es obligatorio."), field_errors={field: [_("Obligatorio.")]}
        )
    return text[:MAX_TEXT]


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    key: bytes,
    actor,
    to_stage: str,
    note: str,
    is_public: bool = False,
    destination: str = "",
    archive_reason: str = "",
) -> Entry:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.purged_at:
        raise ApplicationError(_("El contenido de este caso fue eliminado."))
    current = Stage(complaint.stage)
    if to_stage not in Stage.values or Stage(to_stage) not in TRANSITIONS[current]:
        raise ApplicationError(
            _("No se puede pasar de «%(from)s» a «%(to)s».")
            % {
                "from": current.label,
                "to": dict(Stage.choices).get(to_stage, to_stage),
            },
            field_errors={"to_stage": [_("Transición no permitida.")]},
        )
    note = _text_required(note, "note")
    update = ["stage", "stage_changed_at"]
    if to_stage == Stage.REFERRED:
        if destination not in Destination.values:
            raise ApplicationError(
                _("Indique a qué entidad se deriva."),
                field_errors={"destination": [_("Obligatorio.")]},
            )
        complaint.destination = destination
        update.append("destination")
    if to_stage == Stage.ARCHIVED:
        if archive_reason not in ArchiveReason.values:
            raise ApplicationError(
                _("Indique el motivo del archivo."),
                field_errors={"archive_reason": [_("Obligatorio.")]},
            )
        complaint.archive_reason = archive_reason
        update.append("archive_reason")
    now = timezone.now()
    complaint.stage = to_stage
    complaint.stage_changed_at = now
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        update.append("acknowledged_at")
    if to_stage in CLOSED_STAGES:
        complaint.closed_at = now
        update.append("closed_at")
    complaint.save(update_fields=update)
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.STAGE,
        author=actor,
        stage_from=current,
        stage_to=to_stage,
        is_public=bool(is_public),
        sealed_text=crypto.encrypt(key, note.encode()),
        created_at=now,
    )
    audit_log_record(
        actor=actor,
        action="complaints.complaint.transition",
        obj=complaint,
        details={"from": current.value, "to": to_stage},
    )
    return entry


@transaction.atomic
def complaint_message_send(
    *, complaint: Complaint, key: bytes, actor, text: str
) -> Entry:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.purged_at:
        raise ApplicationError(_("El contenido de este caso fue eliminado."))
    text = _text_required(text)
    now = timezone.now()
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
        complaint.save(update_fields=["acknowledged_at"])
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.TO_REPORTER,
        author=actor,
        is_public=True,
        sealed_text=crypto.encrypt(key, text.encode()),
        created_at=now,
    )
    audit_log_record(actor=actor, action="complaints.message.send", obj=complaint)
    return entry


@transaction.atomic
def complaint_note_add(*, complaint: Complaint, key: bytes, actor, text: str) -> Entry:
    if complaint.purged_at:
        raise ApplicationError(_("El contenido de este caso fue eliminado."))
    entry = Entry.objects.create(
        complaint=complaint,
        kind=Entry.Kind.NOTE,
        author=actor,
        is_public=False,
        sealed_text=crypto.encrypt(key, _text_required(text).encode()),
        created_at=timezone.now(),
    )
    audit_log_record(actor=actor, action="complaints.note.add", obj=complaint)
    return entry


@transaction.atomic
def complaint_update_handling(
    *, complaint: Complaint, actor, assignee_id=None, category_id=None, priority=None
) -> Complaint:
    update = []
    if assignee_id is not None:
        if assignee_id == "":
            complaint.assignee = None
        else:
            assignee = integrity_members().filter(pk=assignee_id).first()
            if assignee is None:
                raise ApplicationError(
                    _("Solo se asigna a miembros de la unidad."),
                    field_errors={"assignee": [_("No válido.")]},
                )
            complaint.assignee = assignee
        update.append("assignee")
    if category_id is not None:
        complaint.category = (
            None
            if category_id == ""
            else Category.objects.filter(pk=category_id, is_active=True).first()
        )
        if category_id != "" and complaint.category is None:
            raise ApplicationError(
                _("Categoría no válida."), field_errors={"category": [_("No válida.")]}
            )
        update.append("category")
    if priority is not None:
        try:
            priority = int(priority)
        except (TypeError, ValueError):
            priority = -1
        if priority not in Priority.values:
            raise ApplicationError(
                _("Prioridad no válida."), field_errors={"priority": [_("No válida.")]}
            )
        complaint.priority = priority
        update.append("priority")
    if update:
        complaint.save(update_fields=update)
        audit_log_record(
            actor=actor,
            action="complaints.complaint.handling",
            obj=complaint,
            details={"fields": update},
        )
    return complaint


# --- Notifications (no content, ever) -------------------------------------------------


def _unit_recipients(complaint: Complaint) -> list[str]:
    if complaint.assignee_id and complaint.assignee.is_active:
        return [complaint.assignee.email]
    return list(integrity_members().values_list("email", flat=True))


def _workspace_link(complaint: Complaint) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "complaints:case", kwargs={"complaint_id": complaint.pk}
    )


def unit_notify(*, complaint_id: int, reason: str) -> int:
    """E-mail the unit that something needs attention: a link, never the content."""
    complaint = (
        Complaint.objects.select_related("assignee").filter(pk=complaint_id).first()
    )
    if complaint is None:
        return 0
    recipients = _unit_recipients(complaint)
    subjects = {
        "new": _("%(name)s: hay una denuncia nueva"),
        "update": _("%(name)s: hay novedades en un caso"),
        "ack-soon": _("%(name)s: un caso vence pronto (acuse de recibo)"),
        "ack-overdue": _("%(name)s: un caso venció (acuse de recibo)"),
        "response-soon": _("%(name)s: un caso vence pronto (respuesta)"),
        "response-overdue": _("%(name)s: un caso venció (respuesta)"),
    }
    subject = str(subjects.get(reason, subjects["update"])) % {
        "name": city.text("complaints_name")
    }
    body = _(
        "Hay algo que revisar en el espacio de trabajo de la Unidad de Integridad:\n%(link)s\n\n"
        "Por seguridad, este correo no incluye el contenido del caso."
    ) % {"link": _workspace_link(complaint)}
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


REMINDER_WINDOW = datetime.timedelta(days=2)


def complaint_deadlines_remind(*, now=None) -> int:
    """Send each deadline reminder once (state kept in Complaint.reminders_sent)."""
    now = now or timezone.now()
    sent = 0
    open_cases = Complaint.objects.filter(
        purged_at__isnull=True,
    ).exclude(stage__in=CLOSED_STAGES)
    for complaint in open_cases.select_related("assignee").iterator():
        due = []
        if complaint.acknowledged_at is None:
            if now >= complaint.ack_due_at:
                due.append("ack-overdue")
            elif now >= complaint.ack_due_at - REMINDER_WINDOW:
                due.append("ack-soon")
        if complaint.stage in (Stage.RECEIVED, Stage.EVALUATION, Stage.INVESTIGATION):
            if now >= complaint.response_due_at:
                due.append("response-overdue")
            elif now >= complaint.response_due_at - REMINDER_WINDOW:
                due.append("response-soon")
        for reason in due:
            with transaction.atomic():
                locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
                if reason in locked.reminders_sent:
                    continue
                locked.reminders_sent = [*locked.reminders_sent, reason]
                locked.save(update_fields=["reminders_sent"])
                unit_notify(complaint_id=complaint.pk, reason=reason)
                sent += 1
    return sent


# --- Retention -----------------------------------------------------------------------


def retention_days() -> int:
    return int(getattr(settings, "COMPLAINT_RETENTION_DAYS", 5 * 365))


def retention_purge(*, now=None) -> int:
    """Delete the content of cases closed longer ago than the retention period.

    Kept: the row's workflow metadata (stage, dates, channel, rating) for the aggregates,
    and the audit trail. Gone: body, messages, notes, files, keys, the code verifier.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    purged = 0
    for complaint_id in Complaint.objects.filter(
        purged_at__isnull=True, closed_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            if complaint.purged_at:
                continue
            for attachment in complaint.attachments.all():
                blob_delete(blob_name(attachment))
            complaint.attachments.all().delete()
            complaint.grants.all().delete()
            complaint.entries.update(sealed_text=None)
            complaint.sealed_body = None
            complaint.reporter_grant = b""
            complaint.code_verifier = b""
            complaint.code_index = ""
            complaint.purged_at = now
            complaint.save(
                update_fields=[
                    "sealed_body",
                    "reporter_grant",
                    "code_verifier",
                    "code_index",
                    "purged_at",
                ]
            )
            audit_log_record(
                actor=None, action="complaints.complaint.purge", obj=complaint
            )
            purged += 1
    return purged


# --- ARCO (Ley 29733): erasure ------------------------------------------------------------


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:complaints` (inside the account deletion transaction).

    Complaints are anonymous and never linked to an account: nothing of a reporter is here.
    For an integrity member the key pair and every case key sealed to it go (the private
    half was protected by a password that the deletion destroys, so they could never be
    opened again), and the cases assigned to them go back to the unit's queue. If some
    open case could then be opened by nobody (no other member's grant, no recovery grant)
    the deletion is refused, so the unit never loses a case: another member must be given
    access first.
    """
    held = KeyGrant.objects.filter(member=user)
    orphaned = (
        Complaint.objects.filter(grants__member=user, purged_at__isnull=True)
        .exclude(grants__in=KeyGrant.objects.exclude(member=user))
        .distinct()
        .count()
    )
    if orphaned:
        raise ApplicationError(
            _(
                "Eres la única persona con acceso a %(count)s denuncias. Concede acceso "
                "a otro miembro de la unidad antes de eliminar tu cuenta."
            )
            % {"count": orphaned}
        )
    revoked, _rows = held.delete()
    had_key, _rows = MemberKey.objects.filter(user=user).delete()
    unassigned = Complaint.objects.filter(assignee=user).update(assignee=None)
    if revoked or had_key or unassigned:
        audit_log_record(
            actor=None,
            action="complaints.member_key.revoke",
            object_type="openlima.user",
            object_id=user.pk,
            details={
                "reason": "account.delete",
                "grants_revoked": revoked,
                "cases_unassigned": unassigned,
            },
        )
