"""Helpers every write of Lima Activa shares: row locks, validation, rate limits."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from openlima.errors import Invalid, Throttled
from openlima.jobs import window_hit


def _locked(qs):
    """select_for_update where the database has row locks (SQLite serialises writers)."""
    return qs.select_for_update() if connection.vendor == "postgresql" else qs


def _validate(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Invalid(
            _("Revise los datos enviados."),
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def _rate_limit(*, user, kind: str, limit: int, seconds: int) -> None:
    """Per-account fixed window in the cache (Redis in production)."""
    count = window_hit(f"participation:rate:{kind}:{user.pk}", window=seconds)
    if count > limit:
        raise Throttled(
            _("Ha enviado demasiados aportes seguidos. Inténtelo de nuevo más tarde."),
        )


def _add_months(when, months: int):
    return when + timedelta(days=round(months * 30.44))
