"""People, permissions and how a request is shown."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import calendar, roles
from openlima.selectors import user_has_role, user_public_label

from ..models import (
    Document,
    InformationRequest,
    Message,
    State,
)
from .rules import appeal_business_days, law_info, response_business_days

__all__ = [
    "access_message_attachment",
    "user_can_file",
    "user_is_officer",
    "user_is_unit_editor",
    "user_can_work_on",
    "access_workspace",
    "access_request_public",
    "access_request_as_requester",
    "user_is_requester",
    "access_request_for_work",
    "access_document",
    "access_public_document",
    "requester_label",
    "deadline_info",
    "public_documents",
    "request_messages",
]


def user_can_file(*, user) -> bool:
    """A registered citizen with a verified e-mail address."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.deleted_at:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def user_is_officer(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user_has_role(user=user, role=roles.TRANSPARENCY_OFFICER)
    )


def user_is_unit_editor(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.org_unit_id
        and user_has_role(user=user, role=roles.UNIT_EDITOR)
    )


def user_can_work_on(*, user, info_request) -> bool:
    """Officer, or a unit editor of the unit the request is assigned to."""
    if user_is_officer(user=user):
        return True
    return bool(
        info_request.unit_id
        and info_request.state != State.RECEIVED
        and user_is_unit_editor(user=user)
        and user.org_unit_id == info_request.unit_id
    )


def access_workspace(*, user) -> str:
    """'officer' or 'unit', else PermissionDenied (the view has checked staff + 2FA)."""
    if user_is_officer(user=user):
        return "officer"
    if user_is_unit_editor(user=user):
        return "unit"
    raise PermissionDenied


def _base():
    return InformationRequest.objects.select_related(
        "unit", "requester", "requester__district"
    )


def _by_number(number) -> InformationRequest:
    number = str(number or "")[:20]
    if not number or "\x00" in number:
        raise Http404
    obj = _base().filter(number=number).first()
    if obj is None:
        raise Http404
    return obj


def access_request_public(*, number) -> InformationRequest:
    return _by_number(number)


def access_request_as_requester(*, user, number) -> InformationRequest:
    obj = _by_number(number)
    if not getattr(user, "is_authenticated", False) or obj.requester_id != user.pk:
        raise PermissionDenied
    return obj


def user_is_requester(*, user, info_request) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and info_request.requester_id == user.pk
    )


def access_request_for_work(*, user, number) -> InformationRequest:
    obj = _by_number(number)
    if not user_can_work_on(user=user, info_request=obj):
        raise PermissionDenied
    return obj


def access_document(*, document_id, info_request) -> Document:
    try:
        return info_request.documents.get(pk=int(document_id))
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_public_document(*, number, document_id) -> Document:
    info_request = _by_number(number)
    doc = access_document(document_id=document_id, info_request=info_request)
    if not doc.is_public:
        raise Http404
    return doc


# --- how a request is shown ---------------------------------------------------------------


def access_message_attachment(*, user, number, message_id) -> Message:
    """The message with its attachment, for the request's requester or staff who work on
    it; 404 for anyone else and for a message without a file."""
    info_request = _by_number(number)
    allowed = user_is_requester(user=user, info_request=info_request) or (
        user.is_staff and user_can_work_on(user=user, info_request=info_request)
    )
    message = (
        Message.objects.filter(pk=message_id, request=info_request)
        .exclude(attachment_name="")
        .first()
    )
    if not allowed or message is None:
        raise Http404
    return message


def requester_label(*, info_request) -> str:
    """The only thing ever shown publicly about who asked."""
    if info_request.show_anonymous or info_request.requester is None:
        return _("Solicitante anónimo")
    return user_public_label(user=info_request.requester)


def deadline_info(*, info_request, today=None) -> dict:
    today = today or calendar.local_date(timezone.now())
    due = info_request.effective_due_on
    cal = calendar.Calendar()
    if info_request.is_open:
        left = cal.business_days_between(today, due) if today <= due else 0
        late = cal.business_days_between(due, today) if today > due else 0
    else:
        left = late = 0
    return {
        "due_on": due,
        "legal_due_on": info_request.due_on,
        "extended": bool(info_request.extended_due_on),
        "business_days_left": left,
        "business_days_late": late,
        "overdue": info_request.is_overdue,
        # the law's rules as the city profile states them (docs/city-profile.md)
        "response_days": response_business_days(),
        "appeal_days": appeal_business_days(),
        "law": law_info(),
    }


def public_documents(*, info_request):
    return [d for d in info_request.documents.all() if d.is_public]


def request_messages(*, info_request):
    return list(info_request.messages.select_related("author"))


# --- lists ---------------------------------------------------------------------------------
