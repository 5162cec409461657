"""The scheduled deadlines job, e-mail notifications and ARCO erasure."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import calendar
from openlima.errors import Invalid
from openlima.selectors import absolute_url

from .. import selectors
from ..models import (
    OPEN_STATES,
    InformationRequest,
    Message,
    State,
)
from ._common import _audit, _lock, _notify

__all__ = ["deadlines_process", "notify", "erase_personal_data"]

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


def _staff_subjects() -> dict[str, str]:
    """The subject of each event the officer and the unit must act on."""
    return {
        "filed": _("Solicitud de información %(number)s: nueva, vence el %(due)s"),
        "assigned": _(
            "Solicitud de información %(number)s: asignada, vence el %(due)s"
        ),
        "message_requester": _("Solicitud de información %(number)s: mensaje nuevo"),
        "reminder": _("Solicitud de información %(number)s: vence el %(due)s"),
        "overdue": _("Solicitud de información %(number)s: venció el %(due)s"),
    }


def _requester_subjects() -> dict[str, str]:
    """The subject of each event the requester is told about."""
    return {
        "filed": _("Su solicitud %(number)s fue recibida; plazo: %(due)s"),
        "extended": _("Su solicitud %(number)s: plazo prorrogado hasta el %(due)s"),
        "answered": _("Su solicitud %(number)s fue respondida"),
        "delivered": _("Su solicitud %(number)s: entrega registrada"),
        "message_city": _("Su solicitud %(number)s: la municipalidad le escribió"),
        "overdue": _("Su solicitud %(number)s venció sin respuesta: sus opciones"),
    }


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
    to_staff = _staff_subjects()
    to_requester = _requester_subjects()
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
        raise Invalid(
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
