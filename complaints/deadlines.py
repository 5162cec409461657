"""Due dates of a case: acknowledgement in calendar days, response in business days.

Defaults come from the city profile's `legal` section (docs/city-profile.md); the settings
COMPLAINT_ACK_DAYS, COMPLAINT_RESPONSE_BUSINESS_DAYS and COMPLAINT_HOLIDAYS override them."""

import datetime

from openlima import city

from . import conf


def ack_days() -> int:
    legal = city.raw().get("legal", {})
    return conf.ack_days(legal.get("complaint_ack_days", 7))


def response_business_days() -> int:
    # Lima: DS 010-2017-JUS, protection measures within 15 business days.
    legal = city.raw().get("legal", {})
    return conf.response_business_days(
        legal.get("complaint_response_business_days", 15)
    )


def holidays() -> set[datetime.date]:
    out = set()
    configured = conf.holidays()
    if configured is None:
        configured = city.raw().get("legal", {}).get("holidays", [])
    for value in configured or []:
        try:
            out.add(datetime.date.fromisoformat(str(value)))
        except ValueError:
            continue
    return out


def add_business_days(start: datetime.datetime, days: int) -> datetime.datetime:
    off = holidays()
    current = start
    added = 0
    while added < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current.date() not in off:
            added += 1
    return current


def due_dates(
    received_at: datetime.datetime,
) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        received_at + datetime.timedelta(days=ack_days()),
        add_business_days(received_at, response_business_days()),
    )
