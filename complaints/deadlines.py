"""Due dates of a case: acknowledgement in calendar days, response in business days.

Defaults come from the city profile's `legal` section (docs/city-profile.md); the settings
COMPLAINT_ACK_DAYS and COMPLAINT_RESPONSE_BUSINESS_DAYS override them. Business days are the
portal's one calendar (openlima/calendar.py), shared with access-to-information requests."""

import datetime

from openlima import calendar, city

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


def add_business_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """`days` business days after `start`, time of day kept, with the portal's one
    business-day calendar (openlima/calendar.py: the city profile's holidays,
    BUSINESS_HOLIDAYS and COMPLAINT_HOLIDAYS)."""
    return calendar.Calendar().add_business_days_keeping_time(start, days)


def due_dates(
    received_at: datetime.datetime,
) -> tuple[datetime.datetime, datetime.datetime]:
    return (
        received_at + datetime.timedelta(days=ack_days()),
        add_business_days(received_at, response_business_days()),
    )
