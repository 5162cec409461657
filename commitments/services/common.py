"""Helpers every write of commitment tracking shares."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _require_edit(*, user, commitment) -> None:
    if not selectors.user_can_edit_commitment(user=user, commitment=commitment):
        raise PermissionDenied(_("No puede modificar los hitos de este compromiso."))


def _publish_fields(publish_at):
    now = timezone.now()
    publish_at = publish_at or now
    return publish_at, (now if publish_at <= now else None)


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)
