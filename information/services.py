"""Every write of access-to-information requests: filing, the officer's and units' steps,
messages, documents (original private, redacted public), reminders and ARCO erasure.

Every step is audit-logged (openlima.services.audit_log_record) without personal data:
the audit entry names the request number and the step, never the requester."""

import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import calendar, registry, uploads
from openlima.errors import ApplicationError
from openlima.selectors import absolute_url
from openlima.services import audit_log_record, outbox_enqueue

from . import selectors, storage
from .models import (
    ANSWERED_STATES,
    OPEN_STATES,
    DeliveryForm,
    Document,
    DocumentType,
    InformationRequest,
    LegalException,
    Message,
    State,
)

logger = logging.getLogger(__name__)

MAX_COST = Decimal("99999.99")


def _clean_text(value, *, field: str, max_length: int, required=True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ApplicationError(
            _("El texto contiene caracteres no permitidos."),
            field_errors={field: [_("El texto contiene caracteres no permitidos.")]},
        )
    if required and not value:
        raise ApplicationError(
            _("Este campo es obligatorio."),
            field_errors={field: [_("Este campo es obligatorio.")]},
        )
    if len(value) > max_length:
        raise ApplicationError(
            _("El texto es demasiado largo."),
            field_errors={field: [_("El texto es demasiado largo.")]},
        )
    return value


def _audit(actor, action: str, info_request, **details):
    audit_log_record(
        actor=actor,
        action=f"information.{action}",
        object_type="information.informationrequest",
        object_id=info_request.number,
        details=details,
    )


def _notify(info_request, event: str) -> None:
    from information.tasks import information_notify

    outbox_enqueue(
        information_notify,
        request_id=info_request.pk,
        event=event,
    )


def _lock(info_request) -> InformationRequest:
    return InformationRequest.objects.select_for_update().get(pk=info_request.pk)


def _require_state(info_request, allowed, message=None) -> None:
    if info_request.state not in allowed:
        raise ApplicationError(
            message
            or _("La solicitud está en el estado «%(state)s»: no se puede hacer eso.")
            % {"state": info_request.get_state_display()},
            status_code=409,
        )


def _require_officer(actor) -> None:
    if not selectors.user_is_officer(user=actor):
        raise PermissionDenied


def _require_worker(actor, info_request) -> None:
    if not selectors.user_can_work_on(user=actor, info_request=info_request):
        raise PermissionDenied


# --- filing ------------------------------------------------------------------------------


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
    """File a request: it gets a number and its legal deadline (10 business days)."""
    if not selectors.user_can_file(user=user):
        raise ApplicationError(
            _(
                "Necesita una cuenta con el correo electrónico verificado para presentar "
                "una solicitud."
            ),
            status_code=403,
        )
    now = now or timezone.now()
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
    if document_type not in DocumentType.values:
        raise ApplicationError(
            _("Elija un tipo de documento."),
            field_errors={"document_type": [_("Elija un tipo de documento.")]},
        )
    if document_type == DocumentType.DNI and not (
        document_number.isdigit() and len(document_number) == 8
    ):
        raise ApplicationError(
            _("El DNI tiene 8 dígitos."),
            field_errors={"document_number": [_("El DNI tiene 8 dígitos.")]},
        )
    if not address and not contact_email:
        raise ApplicationError(
            _("Indique un domicilio o un correo electrónico para notificarle."),
            field_errors={
                "address": [
                    _("Indique un domicilio o un correo electrónico para notificarle.")
                ]
            },
        )
    if delivery_form not in DeliveryForm.values:
        raise ApplicationError(
            _("Elija la forma de entrega."),
            field_errors={"delivery_form": [_("Elija la forma de entrega.")]},
        )
    if unit is not None and not unit.is_active:
        raise ApplicationError(
            _("Esa unidad ya no está activa."),
            field_errors={"unit": [_("Esa unidad ya no está activa.")]},
        )
    info_request = InformationRequest(
        number=f"tmp-{timezone.now().timestamp()}-{user.pk}"[:20],
        title=title,
        text=text,
        requester=user,
        requester_name=requester_name,
        document_type=document_type,
        document_number=document_number,
        address=address,
        contact_email=contact_email,
        show_anonymous=bool(show_anonymous),
        unit=unit,
        delivery_form=delivery_form,
        received_at=now,
        due_on=calendar.add_business_days(now, selectors.response_business_days()),
    )
    info_request.full_clean(exclude=["number"])
    info_request.save()
    info_request.number = f"{calendar.local_date(now).year}-{info_request.pk:06d}"
    info_request.save(update_fields=["number"])
    _audit(user, "file", info_request, unit=unit.slug if unit else "")
    _notify(info_request, "filed")
    return info_request


# --- the officer's and units' steps ----------------------------------------------------------


@transaction.atomic
def request_assign(*, actor, info_request, unit, now=None) -> InformationRequest:
    """Triage: send the request to the unit that holds the information."""
    _require_officer(actor)
    info_request = _lock(info_request)
    _require_state(info_request, OPEN_STATES)
    if unit is None or not unit.is_active:
        raise ApplicationError(
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
        raise ApplicationError(
            _("El plazo ya fue prorrogado una vez."), status_code=409
        )
    today = calendar.local_date(now or timezone.now())
    limits = extension_limits(info_request=info_request)
    if today > limits["notice_by"]:
        raise ApplicationError(
            _(
                "La prórroga debía comunicarse hasta el %(date)s (dentro de los días "
                "hábiles siguientes a la recepción)."
            )
            % {"date": limits["notice_by"].strftime("%d/%m/%Y")},
            status_code=409,
        )
    if not isinstance(new_due_on, datetime.date):
        raise ApplicationError(
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
        raise ApplicationError(message, field_errors={"new_due_on": [message]})
    if not calendar.is_business_day(new_due_on):
        message = _("La nueva fecha debe ser un día hábil.")
        raise ApplicationError(message, field_errors={"new_due_on": [message]})
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
    if exception not in LegalException.values:
        raise ApplicationError(
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
        raise ApplicationError(
            _("Indique el costo como un número (por ejemplo 1.50)."),
            field_errors={"cost": [_("Indique el costo como un número.")]},
        ) from exc
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        raise ApplicationError(
            _("El costo debe estar entre 0 y 99999.99 soles."),
            field_errors={"cost": [_("El costo debe estar entre 0 y 99999.99 soles.")]},
        )
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


@transaction.atomic
def message_post(*, actor, info_request, body: str) -> Message:
    from_city = selectors.user_can_work_on(user=actor, info_request=info_request)
    if not from_city and not selectors.user_is_requester(
        user=actor, info_request=info_request
    ):
        raise PermissionDenied
    body = _clean_text(body, field="body", max_length=5000)
    message = Message.objects.create(
        request=info_request, author=actor, from_city=from_city, body=body
    )
    _audit(actor, "message", info_request, from_city=from_city)
    _notify(info_request, "message_city" if from_city else "message_requester")
    return message


# --- documents ---------------------------------------------------------------------------------


def _read_file(uploaded, *, field: str):
    data = uploads.read_upload(
        uploaded, max_bytes=selectors.max_document_bytes(), field=field
    )
    sniffed = uploads.sniff(
        data,
        allowed=selectors.DOCUMENT_KINDS,
        filename=getattr(uploaded, "name", ""),
        field=field,
    )
    return data, sniffed


@transaction.atomic
def document_add(*, actor, info_request, title: str, uploaded) -> Document:
    """The original file of an answer: private until the officer publishes a redacted copy."""
    _require_worker(actor, info_request)
    title = _clean_text(title, field="title", max_length=200)
    data, sniffed = _read_file(uploaded, field="file")
    name = storage.save(data, extension=sniffed.extension)
    document = Document.objects.create(
        request=info_request,
        title=title,
        original_name=name,
        original_filename=uploads.display_filename(getattr(uploaded, "name", "")),
        original_media_type=sniffed.media_type,
        original_size=len(data),
        uploaded_by=actor,
    )
    _audit(actor, "document.add", info_request, document=document.pk)
    return document


@transaction.atomic
def document_redact(
    *, actor, document, uploaded=None, same_as_original: bool = False
) -> Document:
    """The officer stores the redacted copy (personal data removed), or declares that the
    original holds none (then the copy is the original)."""
    _require_officer(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if same_as_original:
        data = storage.read(document.original_name)
        extension = uploads.file_extension(document.original_name)
        media_type = document.original_media_type
        filename = document.original_filename
    else:
        if uploaded is None:
            raise ApplicationError(
                _("Adjunte la versión sin datos personales."),
                field_errors={"file": [_("Adjunte la versión sin datos personales.")]},
            )
        data, sniffed = _read_file(uploaded, field="file")
        extension, media_type = sniffed.extension, sniffed.media_type
        filename = uploads.display_filename(getattr(uploaded, "name", ""))
    old = document.redacted_name
    document.redacted_name = storage.save(data, extension=extension)
    document.redacted_filename = filename
    document.redacted_media_type = media_type
    document.redacted_size = len(data)
    document.redacted_at = timezone.now()
    document.save(
        update_fields=[
            "redacted_name",
            "redacted_filename",
            "redacted_media_type",
            "redacted_size",
            "redacted_at",
        ]
    )
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    _audit(
        actor,
        "document.redact",
        document.request,
        document=document.pk,
        same_as_original=same_as_original,
    )
    return document


@transaction.atomic
def document_publish(*, actor, document) -> Document:
    _require_officer(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document.redacted_name:
        raise ApplicationError(
            _("Antes de publicar, guarde la versión sin datos personales."),
            status_code=409,
        )
    if document.request.state not in ANSWERED_STATES:
        raise ApplicationError(
            _("Solo se publican documentos de solicitudes respondidas."),
            status_code=409,
        )
    if document.published_at is None:
        document.published_at = timezone.now()
        document.save(update_fields=["published_at"])
        _audit(actor, "document.publish", document.request, document=document.pk)
    return document


@transaction.atomic
def document_unpublish(*, actor, document) -> Document:
    _require_officer(actor)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.published_at is not None:
        document.published_at = None
        document.save(update_fields=["published_at"])
        _audit(actor, "document.unpublish", document.request, document=document.pk)
    return document


def document_promote(*, actor, document, title: str, description: str) -> str:
    """A recurring published document becomes a dataset in the catalogue, in one step
    (opendata's `dataset_create_from_document` provider). Returns the dataset's URL."""
    _require_officer(actor)
    document = Document.objects.select_related("request__unit").get(pk=document.pk)
    if not document.is_public:
        raise ApplicationError(
            _("Solo se puede llevar al catálogo un documento publicado."),
            status_code=409,
        )
    create = registry.provider("dataset_create_from_document")
    if create is None:
        raise ApplicationError(
            _("El catálogo de datos abiertos no está disponible."), status_code=409
        )
    title = _clean_text(title, field="title", max_length=200)
    description = _clean_text(description, field="description", max_length=5000)
    info_request = document.request
    result = create(
        title=title,
        description=description,
        publisher_slug=info_request.unit.slug if info_request.unit else "",
        data=storage.read(document.redacted_name),
        filename=document.redacted_filename or f"{document.title}.pdf",
        source_url=absolute_url(info_request.get_absolute_url()),
        actor=actor,
    )
    Document.objects.filter(pk=document.pk).update(dataset_url=result["url"][:300])
    _audit(
        actor,
        "document.promote",
        info_request,
        document=document.pk,
        dataset=result.get("slug", ""),
    )
    return result["url"]


# --- deadlines (scheduled job) ---------------------------------------------------------------


def deadlines_process(*, now=None) -> dict:
    """Marks open requests past their deadline as overdue (silencio negativo) and e-mails
    the officer and the unit before each deadline; each reminder goes out once."""
    now = now or timezone.now()
    cal = calendar.Calendar()
    today = calendar.local_date(now)
    result = {"overdue": 0, "reminders": 0}
    for info_request in selectors.requests_needing_reminders(today=today):
        due = info_request.effective_due_on
        if today > due:
            with transaction.atomic():
                updated = (
                    InformationRequest.objects.filter(
                        pk=info_request.pk, state__in=OPEN_STATES
                    )
                    .exclude(state=State.OVERDUE)
                    .update(state=State.OVERDUE, overdue_at=now)
                )
                if updated:
                    result["overdue"] += 1
                    info_request.state = State.OVERDUE
                    _audit(None, "overdue", info_request, due_on=due.isoformat())
                    _notify(info_request, "overdue")
            continue
        left = cal.business_days_between(today, due)
        key = f"before:{due.isoformat()}"
        if left <= selectors.reminder_business_days() and (
            key not in (info_request.reminders_sent or [])
        ):
            with transaction.atomic():
                locked = _lock(info_request)
                if key in (locked.reminders_sent or []):
                    continue
                locked.reminders_sent = [*(locked.reminders_sent or []), key]
                locked.save(update_fields=["reminders_sent"])
                _notify(locked, "reminder")
                result["reminders"] += 1
    return result


def _staff_recipients(info_request) -> list[str]:
    return sorted(
        {
            *selectors.officer_emails(),
            *selectors.unit_editor_emails(unit_id=info_request.unit_id),
        }
    )


def notify(*, request_id: int, event: str) -> int:
    """E-mail whoever must act: a link, the number and the dates; never the identity."""
    info_request = (
        InformationRequest.objects.select_related("requester", "unit")
        .filter(pk=request_id)
        .first()
    )
    if info_request is None:
        return 0
    number = info_request.number
    due = info_request.effective_due_on.strftime("%d/%m/%Y")
    work_link = absolute_url(selectors.workspace_url(info_request))
    own_link = absolute_url(
        info_request.get_absolute_url().rstrip("/") + "/seguimiento/"
    )
    to_staff = {
        "filed": _("Solicitud de información %(number)s: nueva, vence el %(due)s"),
        "assigned": _(
            "Solicitud de información %(number)s: asignada, vence el %(due)s"
        ),
        "message_requester": _("Solicitud de información %(number)s: mensaje nuevo"),
        "reminder": _("Solicitud de información %(number)s: vence el %(due)s"),
        "overdue": _("Solicitud de información %(number)s: venció el %(due)s"),
    }
    to_requester = {
        "filed": _("Su solicitud %(number)s fue recibida; plazo: %(due)s"),
        "extended": _("Su solicitud %(number)s: plazo prorrogado hasta el %(due)s"),
        "answered": _("Su solicitud %(number)s fue respondida"),
        "delivered": _("Su solicitud %(number)s: entrega registrada"),
        "message_city": _("Su solicitud %(number)s: la municipalidad le escribió"),
        "overdue": _("Su solicitud %(number)s venció sin respuesta: sus opciones"),
    }
    params = {"number": number, "due": due}
    messages = []
    if event in to_staff:
        body = _("Revise la solicitud en el espacio de trabajo:\n%(link)s") % {
            "link": work_link
        }
        for email in _staff_recipients(info_request):
            messages.append(
                (
                    str(to_staff[event]) % params,
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [email],
                )
            )
    requester = info_request.requester
    if event in to_requester and requester is not None and requester.is_active:
        body = _(
            "Vea el estado, el plazo y los mensajes de su solicitud:\n%(link)s"
        ) % {"link": own_link}
        messages.append(
            (
                str(to_requester[event]) % params,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [requester.email],
            )
        )
    return send_mass_mail(messages, fail_silently=False) if messages else 0


# --- ARCO (Ley 29733) ------------------------------------------------------------------------


@transaction.atomic
def erase_personal_data(*, user) -> None:
    """`erase_personal_data:information`: a request in progress keeps the account (the city
    must be able to notify the answer); answered requests stay public, shown as anonymous,
    and the requester's identity is removed from them."""
    if InformationRequest.objects.filter(
        requester=user, state__in=OPEN_STATES
    ).exists():
        raise ApplicationError(
            _(
                "Tiene solicitudes de acceso a la información en trámite: podrá eliminar "
                "su cuenta cuando hayan sido respondidas."
            )
        )
    InformationRequest.objects.filter(requester=user).update(
        requester_name="",
        document_number="",
        address="",
        contact_email="",
        show_anonymous=True,
    )
    Message.objects.filter(request__requester=user, author=user).update(author=None)
