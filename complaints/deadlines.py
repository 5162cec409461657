"""Due dates of a case: acknowledgement in calendar days, response in business days."""

import datetime

from django.conf import settings


def ack_days() -> int:
    return int(getattr(settings, "COMPLAINT_ACK_DAYS", 7))


def response_business_days() -> int:
    # DS 010-2017-JUS: protection measures within 15 business days.
    return int(getattr(settings, "COMPLAINT_RESPONSE_BUSINESS_DAYS", 15))


def holidays() -> set[datetime.date]:
    out = set()
    for value in getattr(settings, "COMPLAINT_HOLIDAYS", []) or []:
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
