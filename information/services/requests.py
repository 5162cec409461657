"""Filing, the officer's and units' steps on a request, and messages."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import calendar, city, stored_files, uploads
from openlima.errors import Conflict, Forbidden, Invalid

from .. import selectors, storage
from ..models import (
    OPEN_STATES,
    Channel,
    DeliveryForm,
    InformationRequest,
    Message,
    State,
)
from ._common import (
    MAX_COST,
    _audit,
    _clean_text,
    _lock,
    _notify,
    _require_officer,
    _require_state,
    _require_worker,
)

__all__ = [
    "request_file",
    "request_register",
    "request_redact_text",
    "REGISTER_MAX_AGE_DAYS",
    "request_assign",
    "extension_limits",
    "request_extend",
    "request_answer",
    "request_deny",
    "parse_cost",
    "request_deliver",
    "message_post",
]


def _build(
    *,
    title: str,
    text: str,
    requester_name: str,
    document_type: str,
    document_number: str,
    address: str,
    contact_email: str,
    delivery_form: str,
    unit,
    show_anonymous: bool,
) -> InformationRequest:
    """A new, unsaved request from checked input (online and registered by staff)."""
    title = _clean_text(title, field="title", max_length=200)
    text = _clean_text(text, field="text", max_length=5000)
    requester_name = _clean_text(requester_name, field="requester_name", max_length=200)
    document_number = _clean_text(
        document_number, field="document_number", max_length=20
    )
    address = _clean_text(address, field="address", max_length=300, required=False)
    contact_email = _clean_text(
        contact_email, field="contact_email", max_length=254, required=False
    )
    _check_document(document_type, document_number)
    _check_contact_and_delivery(
        address=address,
        contact_email=contact_email,
        delivery_form=delivery_form,
        unit=unit,
    )
    return InformationRequest(
        title=title,
        text=text,
        public_title=title,
        public_text=text,
        requester_name=requester_name,
        document_type=document_type,
        document_number=document_number,
        address=address,
        contact_email=contact_email,
        show_anonymous=bool(show_anonymous),
        unit=unit,
        delivery_form=delivery_form,
    )


def _check_document(document_type: str, document_number: str) -> None:
    """An identity document of a known type (a DNI has 8 digits)."""
    if document_type not in dict(selectors.document_type_choices()):
        raise Invalid(
            _("Elija un tipo de documento."),
            field_errors={"document_type": [_("Elija un tipo de documento.")]},
        )
    if document_type == "dni" and not (
        document_number.isdigit() and len(document_number) == 8
    ):
        raise Invalid(
            _("El DNI tiene 8 dígitos."),
            field_errors={"document_number": [_("El DNI tiene 8 dígitos.")]},
        )


def _check_contact_and_delivery(
    *, address: str, contact_email: str, delivery_form: str, unit
) -> None:
    """Somewhere to notify the requester, a known delivery form and, when a unit is
    named, an active one."""
    if not address and not contact_email:
        raise Invalid(
            _("Indique un domicilio o un correo electrónico para notificarle."),
            field_errors={
                "address": [
                    _("Indique un domicilio o un correo electrónico para notificarle.")
                ]
            },
        )
    if delivery_form not in DeliveryForm.values:
        raise Invalid(
            _("Elija la forma de entrega."),
            field_errors={"delivery_form": [_("Elija la forma de entrega.")]},
        )
    if unit is not None and not unit.is_active:
        raise Invalid(
            _("Esa unidad ya no está activa."),
            field_errors={"unit": [_("Esa unidad ya no está activa.")]},
        )


def _save_numbered(info_request, *, received_at) -> InformationRequest:
    """Deadline counted from the reception date, then the number from the row's id."""
    info_request.received_at = received_at
    info_request.due_on = calendar.add_business_days(
        received_at, selectors.response_business_days()
    )
    info_request.number = f"tmp-{timezone.now().timestamp()}"[:20]
    info_request.full_clean(exclude=["number", "requester"])
    info_request.save()
    info_request.number = (
        f"{calendar.local_date(received_at).year}-{info_request.pk:06d}"
    )
    info_request.save(update_fields=["number"])
    return info_request


@transaction.atomic
def request_file(
    *,
    user,
    title: str,
    text: str,
    requester_name: str,
    document_type: str,
    document_number: str,
    address: str = "",
    contact_email: str = "",
    delivery_form: str,
    unit=None,
    show_anonymous: bool = True,
    now=None,
) -> InformationRequest:
    """File a request online: it gets a number and its legal deadline."""
    if not selectors.user_can_file(user=user):
        raise Forbidden(
            _(
                "Necesita una cuenta con el correo electrónico verificado para presentar "
                "una solicitud."
            ),
        )
    info_request = _build(
        title=title,
        text=text,
        requester_name=requester_name,
        document_type=document_type,
        document_number=document_number,
        address=address,
        contact_email=contact_email,
        delivery_form=delivery_form,
        unit=unit,
        show_anonymous=show_anonymous,
    )
    info_request.requester = user
    info_request.channel = Channel.ONLINE
    _save_numbered(info_request, received_at=now or timezone.now())
    _audit(user, "file", info_request, unit=unit.slug if unit else "")
    _notify(info_request, "filed")
    return info_request


# How far back a request received on paper or by e-mail may be registered.
REGISTER_MAX_AGE_DAYS = 60


@transaction.atomic
def request_register(
    *,
    actor,
    channel: str,
    received_on,
    title: str,
    text: str,
    requester_name: str,
    document_type: str,
    document_number: str,
    address: str = "",
    contact_email: str = "",
    delivery_form: str,
    unit=None,
    show_anonymous: bool = True,
    now=None,
) -> InformationRequest:
    """The officer registers a request received on paper or by e-mail, with the
    requester's identity as written on it; the deadline runs from the reception date
    (docs/information-requests.md, "Requests received on paper or by e-mail")."""
    _require_officer(actor)
    now = now or timezone.now()
    today = calendar.local_date(now)
    _check_reception(channel=channel, received_on=received_on, today=today)
    info_request = _build(
        title=title,
        text=text,
        requester_name=requester_name,
        document_type=document_type,
        document_number=document_number,
        address=address,
        contact_email=contact_email,
        delivery_form=delivery_form,
        unit=unit,
        show_anonymous=show_anonymous,
    )
    info_request.requester = None
    info_request.channel = channel
    _save_numbered(
        info_request, received_at=_received_at(received_on, today=today, now=now)
    )
    _audit(
        actor,
        "register",
        info_request,
        channel=channel,
        received_on=received_on.isoformat(),
        unit=unit.slug if unit else "",
    )
    _notify(info_request, "filed")
    return info_request


def _check_reception(*, channel: str, received_on, today: datetime.date) -> None:
    """Received on paper or by e-mail, on a date neither in the future nor more than
    REGISTER_MAX_AGE_DAYS ago."""
    if channel not in (Channel.PAPER, Channel.EMAIL):
        raise Invalid(
            _("Elija cómo se recibió la solicitud."),
            field_errors={"channel": [_("Elija cómo se recibió la solicitud.")]},
        )
    if not isinstance(received_on, datetime.date) or isinstance(
        received_on, datetime.datetime
    ):
        message = _("Indique la fecha de recepción.")
        raise Invalid(message, field_errors={"received_on": [message]})
    if received_on > today or (today - received_on).days > REGISTER_MAX_AGE_DAYS:
        message = _(
            "La fecha de recepción no puede ser futura ni de hace más de %(days)s días."
        ) % {"days": REGISTER_MAX_AGE_DAYS}
        raise Invalid(message, field_errors={"received_on": [message]})


def _received_at(received_on: datetime.date, *, today: datetime.date, now):
    """The moment the deadline runs from: now for a request received today, else noon of
    the reception day, in the city's time zone."""
    if received_on == today:
        return now
    return timezone.make_aware(
        datetime.datetime.combine(received_on, datetime.time(12, 0))
    )


@transaction.atomic
def request_redact_text(
    *, actor, info_request, public_title: str, public_text: str, now=None
) -> InformationRequest:
    """The officer edits the published version of the question (personal data out); the
    requester's own words stay in title/text, never shown publicly again."""
    _require_officer(actor)
    info_request = _lock(info_request)
    public_title = _clean_text(public_title, field="public_title", max_length=200)
    public_text = _clean_text(public_text, field="public_text", max_length=5000)
    info_request.public_title = public_title
    info_request.public_text = public_text
    info_request.text_redacted_at = now or timezone.now()
    info_request.save(update_fields=["public_title", "public_text", "text_redacted_at"])
    _audit(actor, "redact_text", info_request)
    return info_request


# --- the officer's and units' steps ----------------------------------------------------------


@transaction.atomic
def request_assign(*, actor, info_request, unit, now=None) -> InformationRequest:
    """Triage: send the request to the unit that holds the information."""
    _require_officer(actor)
    info_request = _lock(info_request)
    _require_state(info_request, OPEN_STATES)
    if unit is None or not unit.is_active:
        raise Invalid(
            _("Elija una unidad activa."),
            field_errors={"unit": [_("Elija una unidad activa.")]},
        )
    info_request.unit = unit
    info_request.assigned_at = now or timezone.now()
    if info_request.state == State.RECEIVED:
        info_request.state = State.ASSIGNED
    info_request.save(update_fields=["unit", "assigned_at", "state"])
    _audit(actor, "assign", info_request, unit=unit.slug)
    _notify(info_request, "assigned")
    return info_request


def extension_limits(*, info_request) -> dict:
    """The last day to declare an extension and the latest new deadline allowed."""
    cal = calendar.Calendar()
    received = calendar.local_date(info_request.received_at)
    return {
        "notice_by": cal.add_business_days(
            received, selectors.extension_notice_business_days()
        ),
        "latest": cal.add_business_days(
            info_request.due_on, selectors.extension_max_business_days()
        ),
    }


@transaction.atomic
def request_extend(
    *, actor, info_request, new_due_on, reason: str, now=None
) -> InformationRequest:
    """Extension (TUO art. 11 b): once, declared within the notice period, with reasons
    and a new date no later than the configured limit."""
    _require_officer(actor)
    info_request = _lock(info_request)
    _require_state(info_request, [State.RECEIVED, State.ASSIGNED])
    reason = _clean_text(reason, field="reason", max_length=2000)
    if info_request.extended_due_on:
        raise Conflict(_("El plazo ya fue prorrogado una vez."))
    today = calendar.local_date(now or timezone.now())
    limits = extension_limits(info_request=info_request)
    if today > limits["notice_by"]:
        raise Conflict(
            _(
                "La prórroga debía comunicarse hasta el %(date)s (dentro de los días "
                "hábiles siguientes a la recepción)."
            )
            % {"date": limits["notice_by"].strftime("%d/%m/%Y")},
        )
    if not isinstance(new_due_on, datetime.date):
        raise Invalid(
            _("Indique la nueva fecha."),
            field_errors={"new_due_on": [_("Indique la nueva fecha.")]},
        )
    if new_due_on <= info_request.due_on or new_due_on > limits["latest"]:
        message = _("La nueva fecha debe estar entre el %(after)s y el %(latest)s.") % {
            "after": (info_request.due_on + datetime.timedelta(days=1)).strftime(
                "%d/%m/%Y"
            ),
            "latest": limits["latest"].strftime("%d/%m/%Y"),
        }
        raise Invalid(message, field_errors={"new_due_on": [message]})
    if not calendar.is_business_day(new_due_on):
        message = _("La nueva fecha debe ser un día hábil.")
        raise Invalid(message, field_errors={"new_due_on": [message]})
    info_request.extended_due_on = new_due_on
    info_request.extension_reason = reason
    info_request.extended_at = now or timezone.now()
    info_request.state = State.EXTENDED
    info_request.save(
        update_fields=["extended_due_on", "extension_reason", "extended_at", "state"]
    )
    _audit(actor, "extend", info_request, new_due_on=new_due_on.isoformat())
    _notify(info_request, "extended")
    return info_request


@transaction.atomic
def request_answer(*, actor, info_request, answer_text: str, now=None):
    """The unit or the officer answers in full (documents are added separately)."""
    _require_worker(actor, info_request)
    info_request = _lock(info_request)
    _require_state(info_request, OPEN_STATES)
    info_request.answer_text = _clean_text(
        answer_text, field="answer_text", max_length=10000
    )
    info_request.answered_at = now or timezone.now()
    info_request.answered_by_unit = info_request.unit
    info_request.state = State.ANSWERED
    info_request.save(
        update_fields=["answer_text", "answered_at", "answered_by_unit", "state"]
    )
    _audit(actor, "answer", info_request)
    _notify(info_request, "answered")
    return info_request


@transaction.atomic
def request_deny(
    *,
    actor,
    info_request,
    exception: str,
    reasoning: str,
    partial: bool,
    answer_text: str = "",
    now=None,
):
    """Total or partial denial, with the legal exception and its reasoning."""
    _require_officer(actor)
    info_request = _lock(info_request)
    _require_state(info_request, OPEN_STATES)
    if exception not in dict(selectors.exception_choices()):
        raise Invalid(
            _("Elija la excepción legal."),
            field_errors={"exception": [_("Elija la excepción legal.")]},
        )
    reasoning = _clean_text(reasoning, field="reasoning", max_length=5000)
    answer_text = _clean_text(
        answer_text, field="answer_text", max_length=10000, required=partial
    )
    info_request.denial_exception = exception
    info_request.denial_reasoning = reasoning
    info_request.answer_text = answer_text
    info_request.answered_at = now or timezone.now()
    info_request.answered_by_unit = info_request.unit
    info_request.state = State.PARTIALLY_DENIED if partial else State.DENIED
    info_request.save(
        update_fields=[
            "denial_exception",
            "denial_reasoning",
            "answer_text",
            "answered_at",
            "answered_by_unit",
            "state",
        ]
    )
    _audit(actor, "deny", info_request, exception=exception, partial=partial)
    _notify(info_request, "answered")
    return info_request


def parse_cost(value) -> Decimal:
    try:
        cost = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError) as exc:
        raise Invalid(
            _("Indique el costo como un número (por ejemplo 1.50)."),
            field_errors={"cost": [_("Indique el costo como un número.")]},
        ) from exc
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        message = _("El costo debe estar entre %(low)s y %(high)s.") % {
            "low": city.format_money(0),
            "high": city.format_money(MAX_COST),
        }
        raise Invalid(message, field_errors={"cost": [message]})
    return cost.quantize(Decimal("0.01"))


@transaction.atomic
def request_deliver(*, actor, info_request, cost, note: str = "", now=None):
    """The information was handed over (e-mailed, copied or picked up), at this cost."""
    _require_officer(actor)
    info_request = _lock(info_request)
    _require_state(info_request, [State.ANSWERED, State.PARTIALLY_DENIED])
    info_request.cost = parse_cost(cost)
    info_request.delivery_note = _clean_text(
        note, field="note", max_length=300, required=False
    )
    info_request.delivered_at = now or timezone.now()
    info_request.state = State.DELIVERED
    info_request.save(update_fields=["cost", "delivery_note", "delivered_at", "state"])
    _audit(actor, "deliver", info_request, cost=str(info_request.cost))
    _notify(info_request, "delivered")
    return info_request


# --- messages ----------------------------------------------------------------------------------


@stored_files.atomic()
def message_post(*, actor, info_request, body: str, uploaded=None) -> Message:
    """A message between the requester and the city, with at most one attached file
    (the same kinds and size limit as answer documents, content sniffed by
    openlima/uploads.py; private, removed again if the write rolls back)."""
    from .documents import _read_file

    from_city = selectors.user_can_work_on(user=actor, info_request=info_request)
    if not from_city and not selectors.user_is_requester(
        user=actor, info_request=info_request
    ):
        raise PermissionDenied
    body = _clean_text(body, field="body", max_length=5000)
    attachment = {}
    if uploaded is not None:
        data, sniffed = _read_file(uploaded, field="attachment")
        attachment = {
            "attachment_name": storage.save(data, extension=sniffed.extension),
            "attachment_filename": uploads.display_filename(
                getattr(uploaded, "name", "")
            )[:200],
            "attachment_media_type": sniffed.media_type,
            "attachment_size": len(data),
        }
    message = Message.objects.create(
        request=info_request, author=actor, from_city=from_city, body=body, **attachment
    )
    _audit(
        actor,
        "message",
        info_request,
        from_city=from_city,
        attachment=bool(attachment),
    )
    _notify(info_request, "message_city" if from_city else "message_requester")
    return message


# --- documents ---------------------------------------------------------------------------------
