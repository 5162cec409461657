"""Resident verification: requests, confirmation, rejection, DNI look-up."""

import hmac
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city
from openlima.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Throttled,
)
from openlima.jobs import window_hit
from openlima.services import audit_log_record, outbox_enqueue

from .. import backends, conf, selectors
from ..dni import dni_hmac
from ..identity import identity_invalid, identity_parse
from ..models import (
    ResidentVerification,
)
from .ballots import _ballots_void


# --- Resident verification ---------------------------------------------------------------
def _age_on(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def _verification_attempt_count(*, user) -> None:
    """Rate limit per account (cache): RESIDENT_VERIFICATION_MAX_ATTEMPTS per hour."""
    limit = conf.verification_max_attempts()
    attempts = window_hit(f"budgets:verification-attempts:{user.pk}", window=3600)
    if attempts > limit:
        raise Throttled(
            _("Demasiados intentos de verificación. Inténtelo de nuevo en una hora."),
        )


def _mark_resident(*, verification: ResidentVerification, staff=None) -> None:
    user = get_user_model().objects.select_for_update().get(pk=verification.user_id)
    user.is_verified_resident = True
    user.district = verification.district
    user.save(update_fields=["is_verified_resident", "district"])


def resident_verification_request(
    *, user, dni: str, birth_date: date, district
) -> ResidentVerification:
    """A citizen declares DNI, date of birth and district; the backend decides.

    Refusals are audit-logged too (outside the refused transaction, so they stay)."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Inicie sesión para verificarse."))
    _verification_attempt_count(user=user)
    try:
        return _resident_verification_request(
            user=user, dni=dni, birth_date=birth_date, district=district
        )
    except ApplicationError as exc:
        audit_log_record(
            actor=user,
            action="budgets.verification.refused",
            object_type="openlima.user",
            object_id=user.pk,
            details={"reason": str(exc.message)[:200]},
        )
        raise


def _verification_identity_clean(*, dni: str, birth_date: date) -> str:
    """The identity document's number, with a plausible date of birth of someone old
    enough to take part."""
    number = identity_parse(dni)  # the city profile's document (identity.py)
    if number is None:
        raise Invalid(identity_invalid(), field_errors={"dni": [identity_invalid()]})
    today = timezone.localdate()
    if birth_date > today or birth_date.year < 1900:
        raise Invalid(
            _("La fecha de nacimiento no es válida."),
            field_errors={"birth_date": [_("Fecha de nacimiento no válida.")]},
        )
    min_age = conf.resident_min_age()
    if _age_on(birth_date, today) < min_age:
        raise Invalid(
            _("Debe tener al menos %(age)s años para participar.") % {"age": min_age},
            field_errors={"birth_date": [_("Edad menor a la mínima.")]},
        )
    return number


def _verification_decide(
    *, user, number: str, fingerprint: str, birth_date: date, district
) -> backends.Decision:
    # The answer must not reveal whether this DNI is claimed or verified elsewhere, and a
    # (possibly false) pending claim must not block the real owner: a DNI already
    # verified on another account is simply left pending, for the office to decide with
    # the card in hand (docs/journeys.md).
    verified_elsewhere = (
        ResidentVerification.objects.filter(
            dni_hmac=fingerprint, status=ResidentVerification.Status.VERIFIED
        )
        .exclude(user=user)
        .exists()
    )
    if verified_elsewhere:
        return backends.Decision("pending")
    return backends.verification_backend().check(
        dni=number, birth_date=birth_date, district=district
    )


def _verification_save(verification: ResidentVerification) -> None:
    """Check and save; the same DNI verified concurrently on another account leaves this
    one pending."""
    try:
        verification.full_clean(exclude=["user"])
    except ValidationError:
        raise Invalid(_("Los datos de verificación no son válidos.")) from None
    try:
        with transaction.atomic():
            verification.save()
    except IntegrityError:  # the same DNI verified concurrently on another account
        verification.status = ResidentVerification.Status.PENDING
        verification.decided_at = None
        verification.rejection_reason = ""
        verification.save()


@transaction.atomic
def _resident_verification_request(
    *, user, dni: str, birth_date: date, district
) -> ResidentVerification:
    existing = (
        ResidentVerification.objects.select_for_update().filter(user=user).first()
    )
    if existing is not None and existing.status == ResidentVerification.Status.VERIFIED:
        raise Invalid(_("Su cuenta ya está verificada como residente."))
    number = _verification_identity_clean(dni=dni, birth_date=birth_date)
    fingerprint = dni_hmac(number)
    decision = _verification_decide(
        user=user,
        number=number,
        fingerprint=fingerprint,
        birth_date=birth_date,
        district=district,
    )
    verification = existing or ResidentVerification(user=user)
    verification.dni_hmac = fingerprint
    verification.birth_date = birth_date
    verification.district = district
    verification.backend = backends.backend_name()[:200]
    verification.status = decision.status
    verification.created_at = timezone.now()
    verification.rejection_reason = decision.reason[:300]
    verification.decided_at = None if decision.status == "pending" else timezone.now()
    verification.decided_by = None
    _verification_save(verification)
    if verification.status == ResidentVerification.Status.VERIFIED:
        _mark_resident(verification=verification)
        _release_other_claims(verification=verification, actor=user)
    audit_log_record(
        actor=user,
        action=f"budgets.verification.{verification.status}",
        obj=verification,
        details={"backend": verification.backend, "district": district.ubigeo},
    )
    return verification


def _release_other_claims(*, verification: ResidentVerification, actor) -> None:
    """Once a DNI is verified on one account, other pending claims of it are rejected."""
    others = list(
        ResidentVerification.objects.select_for_update()
        .filter(
            dni_hmac=verification.dni_hmac,
            status=ResidentVerification.Status.PENDING,
        )
        .exclude(pk=verification.pk)
    )
    now = timezone.now()
    for other in others:
        other.status = ResidentVerification.Status.REJECTED
        other.decided_at = now
        other.rejection_reason = str(_("Este DNI fue verificado en otra cuenta."))[:300]
        other.save(update_fields=["status", "decided_at", "rejection_reason"])
        audit_log_record(
            actor=actor,
            action="budgets.verification.released",
            obj=other,
            details={"verified": verification.pk},
        )


class _DniMismatch(ApplicationError):
    pass


def resident_verification_confirm(
    *, verification_id: int, staff, dni_shown: str
) -> ResidentVerification:
    """Staff at a municipal office confirm a pending claim with the DNI card shown.

    A DNI that does not match is audit-logged (outside the refused transaction)."""
    selectors.access_verification_for_decision(staff=staff)
    try:
        return _resident_verification_confirm(
            verification_id=verification_id, staff=staff, dni_shown=dni_shown
        )
    except _DniMismatch:
        audit_log_record(
            actor=staff,
            action="budgets.verification.mismatch",
            object_type="budgets.residentverification",
            object_id=verification_id,
        )
        raise


@transaction.atomic
def _resident_verification_confirm(
    *, verification_id: int, staff, dni_shown: str
) -> ResidentVerification:
    verification = (
        ResidentVerification.objects.select_for_update()
        .select_related("district")
        .filter(pk=verification_id)
        .first()
    )
    if verification is None:
        raise NotFound(_("Verificación no encontrada."))
    if verification.status != ResidentVerification.Status.PENDING:
        raise Invalid(_("Esta verificación ya fue decidida."))
    number = identity_parse(dni_shown)
    if number is None or not hmac.compare_digest(
        dni_hmac(number), verification.dni_hmac
    ):
        raise _DniMismatch(
            city.lazy_format(
                _(
                    "El documento presentado (%(document)s) no coincide con el declarado por el vecino o vecina."
                ),
                document="identity_document.short_name",
            ),
            field_errors={"dni_shown": [_("El documento no coincide.")]},
        )
    if (
        ResidentVerification.objects.filter(
            dni_hmac=verification.dni_hmac, status=ResidentVerification.Status.VERIFIED
        )
        .exclude(pk=verification.pk)
        .exists()
    ):
        raise Conflict(
            _(
                "Este DNI ya verificó otra cuenta. Si el DNI es de esta persona, rechace primero la verificación de la otra cuenta."
            ),
        )
    verification.status = ResidentVerification.Status.VERIFIED
    verification.decided_at = timezone.now()
    verification.decided_by = staff
    verification.rejection_reason = ""
    verification.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason"]
    )
    _mark_resident(verification=verification)
    _release_other_claims(verification=verification, actor=staff)
    # The citizen hears of the decision by e-mail, through the outbox (issue 12).
    from budgets.tasks import verification_decision_email

    outbox_enqueue(verification_decision_email, verification_id=verification.pk)
    audit_log_record(
        actor=staff,
        action="budgets.verification.confirm",
        obj=verification,
        details={"district": verification.district.ubigeo},
    )
    return verification


@transaction.atomic
def resident_verification_reject(
    *, verification_id: int, staff, reason: str
) -> ResidentVerification:
    selectors.access_verification_for_decision(staff=staff)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Indique el motivo del rechazo."),
            field_errors={"rejection_reason": [_("Obligatorio.")]},
        )
    verification = (
        ResidentVerification.objects.select_for_update()
        .filter(pk=verification_id)
        .first()
    )
    if verification is None:
        raise NotFound(_("Verificación no encontrada."))
    was_verified = verification.status == ResidentVerification.Status.VERIFIED
    verification.status = ResidentVerification.Status.REJECTED
    verification.decided_at = timezone.now()
    verification.decided_by = staff
    verification.rejection_reason = reason[:300]
    verification.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason"]
    )
    voided = 0
    if was_verified:
        get_user_model().objects.filter(pk=verification.user_id).update(
            is_verified_resident=False
        )
        voided = _ballots_void(user_id=verification.user_id, now=timezone.now())
    from budgets.tasks import verification_decision_email

    outbox_enqueue(verification_decision_email, verification_id=verification.pk)
    audit_log_record(
        actor=staff,
        action="budgets.verification.reject",
        obj=verification,
        details={
            "reason": reason[:300],
            "was_verified": was_verified,
            "ballots_voided": voided,
        },
    )
    return verification


def resident_find_by_dni(*, dni: str):
    """The verified resident whose DNI (shown at a voting point) matches, by HMAC."""
    number = identity_parse(dni)
    if number is None:
        raise Invalid(
            identity_invalid(), field_errors={"dni_shown": [identity_invalid()]}
        )
    verification = (
        ResidentVerification.objects.select_related("user")
        .filter(dni_hmac=dni_hmac(number), status=ResidentVerification.Status.VERIFIED)
        .first()
    )
    if verification is None:
        raise NotFound(
            _("No hay un vecino o vecina verificado con ese documento."),
        )
    return verification.user
