"""Inter-institutional tracker (docs/complaints-tracker.md): partner institutions, their
HMAC credentials, referrals with an opaque reference and the stage events institutions
report back. Writes here; reads in selectors/referrals.py."""

import datetime
import hashlib
import hmac
import secrets

import nacl.exceptions
import nacl.secret
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid, NotFound
from openlima.services import audit_log_record, outbox_enqueue

from . import conf, crypto
from .models import (
    CLOSED_STAGES,
    REFERRAL_TRANSITIONS,
    PartnerInstitution,
    PartnerKind,
    Referral,
    ReferralEvent,
    ReferralStage,
)

MAX_NOTE = 2000
SECRET_PREFIX = "olps_"  # noqa: S105 (a prefix, not a secret)


# --- Credentials ------------------------------------------------------------------------


def _box() -> nacl.secret.SecretBox:
    base = conf.partner_secret_key()
    return nacl.secret.SecretBox(
        hashlib.sha256(b"complaints-partner:" + base.encode()).digest()
    )


def partner_secret(institution: PartnerInstitution) -> bytes | None:
    try:
        return _box().decrypt(bytes(institution.encrypted_secret))
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return None


def _new_secret() -> tuple[str, bytes]:
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    return secret, bytes(_box().encrypt(secret.encode()))


@transaction.atomic
def partner_create(*, actor, kind: str, name: str) -> tuple[PartnerInstitution, str]:
    """Register an institution; returns it and its secret (shown once, never again)."""
    name = (name or "").strip()[:200]
    if kind not in PartnerKind.values:
        raise Invalid(
            _("Elija la institución."), field_errors={"kind": [_("Obligatorio.")]}
        )
    name = name or str(PartnerKind(kind).label)
    secret, encrypted = _new_secret()
    institution = PartnerInstitution.objects.create(
        kind=kind,
        name=name,
        key_id="olpk_" + secrets.token_hex(12),
        encrypted_secret=encrypted,
    )
    audit_log_record(actor=actor, action="complaints.partner.create", obj=institution)
    return institution, secret


@transaction.atomic
def partner_rotate(*, actor, institution: PartnerInstitution) -> str:
    """A new secret (the old one stops working at once); returns it, shown once."""
    institution = PartnerInstitution.objects.select_for_update().get(pk=institution.pk)
    if not institution.is_active:
        raise Invalid(_("La credencial está revocada."))
    secret, encrypted = _new_secret()
    institution.encrypted_secret = encrypted
    institution.rotated_at = timezone.now()
    institution.save(update_fields=["encrypted_secret", "rotated_at"])
    audit_log_record(actor=actor, action="complaints.partner.rotate", obj=institution)
    return secret


@transaction.atomic
def partner_revoke(*, actor, institution: PartnerInstitution) -> None:
    institution = PartnerInstitution.objects.select_for_update().get(pk=institution.pk)
    institution.is_active = False
    institution.revoked_at = timezone.now()
    institution.encrypted_secret = b""
    institution.save(update_fields=["is_active", "revoked_at", "encrypted_secret"])
    audit_log_record(actor=actor, action="complaints.partner.revoke", obj=institution)


def signature(
    secret: bytes, method: str, path: str, timestamp: str, body: bytes
) -> str:
    """HMAC-SHA256 over "METHOD\\nPATH\\nTIMESTAMP\\nSHA256(BODY)", hex."""
    message = "\n".join(
        [method.upper(), path, timestamp, hashlib.sha256(body or b"").hexdigest()]
    )
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def max_skew() -> int:
    return conf.partner_max_skew_seconds()


def partner_authenticate(
    *, key_id: str, timestamp: str, sent: str, method: str, path: str, body: bytes
) -> PartnerInstitution | None:
    """The institution whose secret signed this request, or None."""
    if not (key_id and timestamp and sent) or len(key_id) > 32:
        return None
    try:
        age = abs(timezone.now().timestamp() - int(timestamp))
    except ValueError:
        return None
    if age > max_skew():
        return None
    institution = PartnerInstitution.objects.filter(
        key_id=key_id, is_active=True
    ).first()
    secret = partner_secret(institution) if institution else None
    expected = signature(secret or b"-", method, path, timestamp, body)
    if not hmac.compare_digest(expected, sent.strip().lower()) or secret is None:
        return None
    return institution


# --- Referrals ----------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, complaint, key: bytes, institution, actor) -> Referral:
    """Refer a case: the institution gets an opaque reference (never the case id or the
    code) and nothing of the content; the unit sends the dossier through the
    institution's own channel quoting the reference."""
    if not institution.is_active:
        raise Invalid(_("Esa institución no tiene una credencial activa."))
    if complaint.purged_at or complaint.stage in CLOSED_STAGES:
        raise Invalid(_("El caso está cerrado."))
    if Referral.objects.filter(complaint=complaint, institution=institution).exists():
        raise Invalid(_("El caso ya fue derivado a esa institución."))
    private, public = crypto.keypair()
    referral = Referral.objects.create(
        complaint=complaint,
        institution=institution,
        reference="REF-" + secrets.token_hex(8).upper(),
        public_key=public,
        sealed_private_key=crypto.encrypt(key, private),
        created_by=actor,
    )
    audit_log_record(
        actor=actor,
        action="complaints.referral.create",
        obj=complaint,
        details={"institution": institution.pk, "reference": referral.reference},
    )
    return referral


def _clean_note(note) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise Invalid(
            _("La nota debe ser texto."),
            field_errors={"public_note": [_("No válida.")]},
        )
    if "\x00" in note:
        raise Invalid(
            _("La nota contiene caracteres no válidos."),
            field_errors={"public_note": [_("No válida.")]},
        )
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise Invalid(
            _("La nota supera los %(n)s caracteres.") % {"n": MAX_NOTE},
            field_errors={"public_note": [_("Demasiado larga.")]},
        )
    return note


def _event_id_clean(event_id) -> str:
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > 64:
        raise Invalid(
            _("Indique el identificador del evento (hasta 64 caracteres)."),
            field_errors={"event_id": [_("Obligatorio.")]},
        )
    if "\x00" in event_id:
        raise Invalid(
            _("Identificador no válido."), field_errors={"event_id": [_("No válido.")]}
        )
    return event_id.strip()


def _event_day_clean(occurred_on, referral: Referral) -> datetime.date:
    """The day of the event: a date between the referral (a day's grace) and today."""
    try:
        day = datetime.date.fromisoformat(str(occurred_on or ""))
    except ValueError:
        raise Invalid(
            _("Fecha no válida (AAAA-MM-DD)."), field_errors={"date": [_("No válida.")]}
        ) from None
    today = timezone.localdate()
    if day > today or day < referral.created_at.date() - datetime.timedelta(days=1):
        raise Invalid(
            _("La fecha debe estar entre la derivación y hoy."),
            field_errors={"date": [_("Fuera de rango.")]},
        )
    return day


@transaction.atomic
def _referral_event_write(
    *, referral: Referral, institution, event_id: str, stage, day, note: str
) -> ReferralEvent:
    """The event, if the referral's last stage allows it (the referral row locked), its
    audit row and the complainant's notice."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    last = referral.events.order_by("-received_at", "-id").first()
    current = ReferralStage(last.stage) if last else None
    if ReferralStage(stage) not in REFERRAL_TRANSITIONS[current]:
        raise Conflict(
            _("No se puede pasar de «%(from)s» a «%(to)s».")
            % {
                "from": current.label if current else "—",
                "to": ReferralStage(stage).label,
            },
            field_errors={"stage": [_("Transición no permitida.")]},
        )
    event = ReferralEvent.objects.create(
        referral=referral,
        institution_event_id=event_id,
        stage=stage,
        occurred_on=day,
        sealed_note=crypto.seal(bytes(referral.public_key), note.encode())
        if note
        else None,
    )
    audit_log_record(
        actor=None,
        action="complaints.referral.event",
        obj=referral.complaint,
        details={
            "institution": institution.pk,
            "reference": referral.reference,
            "stage": stage,
            "event_id": event_id,
        },
    )
    from complaints.tasks import complaint_notify_update

    outbox_enqueue(complaint_notify_update, referral.complaint_id)
    return event


def referral_event_add(
    *, institution, reference: str, event_id, stage, occurred_on, public_note=""
) -> tuple[ReferralEvent, bool]:
    """Record a stage event from `institution`; (event, created). Idempotent by the
    institution's event id: the same id again returns the first event unchanged."""
    referral = Referral.objects.filter(
        reference=str(reference or "")[:32], institution=institution
    ).first()
    if referral is None:
        raise NotFound(_("Derivación no encontrada."))
    event_id = _event_id_clean(event_id)
    existing = ReferralEvent.objects.filter(
        referral=referral, institution_event_id=event_id
    ).first()
    if existing is not None:
        return existing, False
    if stage not in ReferralStage.values:
        raise Invalid(_("Etapa no válida."), field_errors={"stage": [_("No válida.")]})
    day = _event_day_clean(occurred_on, referral)
    note = _clean_note(public_note)
    try:
        event = _referral_event_write(
            referral=referral,
            institution=institution,
            event_id=event_id,
            stage=stage,
            day=day,
            note=note,
        )
    except IntegrityError:  # the same event id posted twice at the same time
        return ReferralEvent.objects.get(
            referral=referral, institution_event_id=event_id
        ), False
    return event, True
