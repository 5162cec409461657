"""Recipients of e-mails, ARCO data and the API's queryset."""

import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from openlima import roles

from ..models import (
    OPEN_STATES,
    Document,
    InformationRequest,
    Message,
)

__all__ = [
    "requests_needing_reminders",
    "officer_emails",
    "unit_editor_emails",
    "personal_data",
    "workspace_url",
    "api_requests",
]

# --- reminders ----------------------------------------------------------------------------


def requests_needing_reminders(*, today: datetime.date):
    return list(
        InformationRequest.objects.filter(state__in=OPEN_STATES).select_related("unit")
    )


def officer_emails() -> list[str]:
    from openlima.models import User

    return list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            groups__name=roles.TRANSPARENCY_OFFICER,
        )
        .values_list("email", flat=True)
        .distinct()
    )


def unit_editor_emails(*, unit_id) -> list[str]:
    from openlima.models import User

    if not unit_id:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            org_unit_id=unit_id,
            groups__name=roles.UNIT_EDITOR,
        )
        .values_list("email", flat=True)
        .distinct()
    )


# --- ARCO (Ley 29733) ------------------------------------------------------------------------


def personal_data(*, user) -> dict:
    """`personal_data:information`: the person's own requests and identity as given
    (the document number is not repeated: the registry contract forbids it)."""
    requests = list(
        InformationRequest.objects.filter(requester=user)
        .order_by("received_at", "id")
        .values(
            "number",
            "title",
            "text",
            "state",
            "received_at",
            "requester_name",
            "address",
            "contact_email",
            "show_anonymous",
            "delivery_form",
        )
    )
    message_count = Message.objects.filter(
        request__requester=user, from_city=False
    ).count()
    for r in requests:
        r["received_at"] = r["received_at"].isoformat()
    return {
        "summary": [
            [_("Solicitudes de acceso a la información"), len(requests)],
            [_("Mensajes enviados a la municipalidad"), message_count],
        ],
        "information_requests": requests,
    }


def workspace_url(info_request) -> str:
    return reverse("information:work_detail", args=[info_request.number])


def api_requests():
    return (
        InformationRequest.objects.select_related(
            "unit", "requester", "requester__district"
        )
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=Document.objects.filter(published_at__isnull=False),
            )
        )
        .order_by("-received_at", "-id")
    )
