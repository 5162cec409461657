"""Writes of participation sessions: registration, cancellation, closing."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid, NotFound
from openlima.services import audit_log_record, outbox_enqueue

from .. import selectors
from ..models import (
    Proposal,
    Session,
    SessionRegistration,
)
from .common import _locked
from .notifications import notify


@transaction.atomic
def session_register(*, user, session_id: int) -> SessionRegistration:
    """Confirmed while seats remain, otherwise on the waitlist; repeat-safe."""
    selectors.access_participation(user=user)
    try:
        session = _locked(Session.objects).get(pk=session_id)
    except Session.DoesNotExist as exc:
        raise NotFound(_("La sesión no existe.")) from exc
    if (
        session.status != Session.Status.SCHEDULED
        or session.starts_at <= timezone.now()
    ):
        raise Conflict(_("La inscripción a esta sesión está cerrada."))
    reg = SessionRegistration.objects.filter(session=session, user=user).first()
    if reg and reg.status != SessionRegistration.Status.CANCELLED:
        return reg
    status = (
        SessionRegistration.Status.CONFIRMED
        if session.registered_count < session.capacity
        else SessionRegistration.Status.WAITLISTED
    )
    if reg:
        reg.status = status
        reg.created_at = timezone.now()
        reg.save(update_fields=["status", "created_at"])
    else:
        reg = SessionRegistration.objects.create(
            session=session, user=user, status=status
        )
    if status == SessionRegistration.Status.CONFIRMED:
        Session.objects.filter(pk=session.pk).update(
            registered_count=F("registered_count") + 1
        )
    from participation.tasks import session_registration_email

    outbox_enqueue(session_registration_email, reg.pk)
    return reg


@transaction.atomic
def session_cancel_registration(*, user, session_id: int) -> SessionRegistration | None:
    """Cancel one's seat; the first person on the waitlist takes it."""
    session = _locked(Session.objects).get(pk=session_id)
    reg = SessionRegistration.objects.filter(session=session, user=user).first()
    if reg is None or reg.status == SessionRegistration.Status.CANCELLED:
        return reg
    was_confirmed = reg.status == SessionRegistration.Status.CONFIRMED
    reg.status = SessionRegistration.Status.CANCELLED
    reg.save(update_fields=["status"])
    if was_confirmed:
        promoted = (
            SessionRegistration.objects.filter(
                session=session, status=SessionRegistration.Status.WAITLISTED
            )
            .order_by("created_at", "id")
            .first()
        )
        if promoted and session.status == Session.Status.SCHEDULED:
            promoted.status = SessionRegistration.Status.CONFIRMED
            promoted.save(update_fields=["status"])
            from participation.tasks import session_registration_email

            outbox_enqueue(session_registration_email, promoted.pk)
        else:
            Session.objects.filter(pk=session.pk).update(
                registered_count=F("registered_count") - 1
            )
    return reg


@transaction.atomic
def session_close(
    *, user, session_id: int, minutes: str, attendance_count: int, proposal_ids=()
) -> Session:
    session = _locked(Session.objects).get(pk=session_id)
    if not selectors.user_can_manage_session(user=user, session=session):
        raise PermissionDenied
    if session.status == Session.Status.CANCELLED:
        raise Conflict(_("La sesión fue cancelada."))
    minutes = (minutes or "").strip()
    if not minutes:
        raise Invalid(
            _("Escriba el acta."), field_errors={"minutes": [_("Obligatorio.")]}
        )
    try:
        attendance_count = int(attendance_count)
        if attendance_count < 0:
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise Invalid(
            _("La asistencia debe ser un número entero no negativo."),
            field_errors={"attendance_count": [_("Número no válido.")]},
        ) from exc
    session.status = Session.Status.CLOSED
    session.minutes = minutes
    session.attendance_count = attendance_count
    session.save(update_fields=["status", "minutes", "attendance_count"])
    session.proposals.set(Proposal.objects.filter(pk__in=list(proposal_ids)))
    audit_log_record(actor=user, action="session.close", obj=session)
    return session


@transaction.atomic
def session_cancel(*, user, session_id: int, reason: str) -> Session:
    session = _locked(Session.objects).get(pk=session_id)
    if not selectors.user_can_manage_session(user=user, session=session):
        raise PermissionDenied
    if session.status != Session.Status.SCHEDULED:
        raise Conflict(_("Solo se cancela una sesión programada."))
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    audit_log_record(actor=user, action="session.cancel", obj=session)
    notify(
        user_ids=list(
            session.registrations.exclude(
                status=SessionRegistration.Status.CANCELLED
            ).values_list("user_id", flat=True)
        ),
        kind="session.cancelled",
        text=_("La sesión «%(title)s» fue cancelada: %(reason)s")
        % {"title": session.title, "reason": reason},
        url=reverse("participation:session_detail", args=[session.pk]),
    )
    return session
