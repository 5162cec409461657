"""Helpers shared by the services of this package (docs/information-requests.md)."""

import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid
from openlima.services import audit_log_record, outbox_enqueue

from .. import selectors
from ..models import (
    InformationRequest,
)

__all__ = ["MAX_COST"]

logger = logging.getLogger(__name__)

MAX_COST = Decimal("99999.99")


def _clean_text(value, *, field: str, max_length: int, required=True) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise Invalid(
            _("El texto contiene caracteres no permitidos."),
            field_errors={field: [_("El texto contiene caracteres no permitidos.")]},
        )
    if required and not value:
        raise Invalid(
            _("Este campo es obligatorio."),
            field_errors={field: [_("Este campo es obligatorio.")]},
        )
    if len(value) > max_length:
        raise Invalid(
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
        raise Conflict(
            message
            or _("La solicitud está en el estado «%(state)s»: no se puede hacer eso.")
            % {"state": info_request.get_state_display()},
        )


def _require_officer(actor) -> None:
    if not selectors.user_is_officer(user=actor):
        raise PermissionDenied


def _require_worker(actor, info_request) -> None:
    if not selectors.user_can_work_on(user=actor, info_request=info_request):
        raise PermissionDenied


# --- filing ------------------------------------------------------------------------------
