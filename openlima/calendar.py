"""The business-day calendar shared by every legal deadline of the portal (docs/information-requests.md).

A business day is Monday to Friday and not a holiday. Holidays come from settings:

- ``BUSINESS_HOLIDAYS``: dates as ``YYYY-MM-DD`` (one year) or ``MM-DD`` (every year).
  When unset, the city profile's (docs/city-profile.md): ``legal.yearly_holidays``
  (``MM-DD``; Lima's are Peru's fixed national holidays, PERU_FIXED_HOLIDAYS below, also
  the fallback of a Peruvian profile without the key) and ``legal.holidays``
  (``YYYY-MM-DD``: movable holidays and days off declared by decree).
- ``COMPLAINT_HOLIDAYS``: extra days off, added to the above.

Complaints (complaints/deadlines.py) and access-to-information requests count their
deadlines with this one calendar.
"""

import datetime

from django.utils import timezone

from . import conf

# Peru's fixed national holidays (feriados nacionales), month-day.
PERU_FIXED_HOLIDAYS = [
    "01-01",  # Año Nuevo
    "05-01",  # Día del Trabajo
    "06-07",  # Batalla de Arica y Día de la Bandera
    "06-29",  # San Pedro y San Pablo
    "07-23",  # Día de la Fuerza Aérea del Perú
    "07-28",  # Fiestas Patrias
    "07-29",  # Fiestas Patrias
    "08-06",  # Batalla de Junín
    "08-30",  # Santa Rosa de Lima
    "10-08",  # Combate de Angamos
    "11-01",  # Todos los Santos
    "12-08",  # Inmaculada Concepción
    "12-09",  # Batalla de Ayacucho
    "12-25",  # Navidad
]


def _parse(values) -> tuple[set[datetime.date], set[tuple[int, int]]]:
    dates: set[datetime.date] = set()
    yearly: set[tuple[int, int]] = set()
    for raw in values or []:
        value = str(raw).strip()
        try:
            if len(value) == 5:
                month, day = (int(p) for p in value.split("-"))
                datetime.date(2000, month, day)  # validates (2000 is a leap year)
                yearly.add((month, day))
            else:
                dates.add(datetime.date.fromisoformat(value))
        except ValueError:
            continue
    return dates, yearly


def profile_holidays() -> list[str]:
    """The city profile's holidays: yearly (MM-DD) and dated (YYYY-MM-DD)."""
    from openlima import city

    profile = city.raw()
    legal = profile.get("legal", {})
    yearly = legal.get("yearly_holidays")
    if yearly is None:
        yearly = PERU_FIXED_HOLIDAYS if profile.get("country_code") == "PE" else []
    return [*yearly, *legal.get("holidays", [])]


class Calendar:
    """Business days with a given set of holidays (built once per computation)."""

    def __init__(self, holidays=None):
        if holidays is None:
            configured = conf.business_holidays()
            if configured is None:
                configured = profile_holidays()
            holidays = [*configured, *conf.complaint_holidays()]
        self.dates, self.yearly = _parse(holidays)

    def is_holiday(self, day: datetime.date) -> bool:
        return day in self.dates or (day.month, day.day) in self.yearly

    def is_business_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_business_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th business day after `start` (the start day itself never counts,
        as a legal term runs from the day after notice)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        added = 0
        while added < days:
            current += datetime.timedelta(days=1)
            if self.is_business_day(current):
                added += 1
        return current

    def add_business_days_keeping_time(
        self, start: datetime.datetime, days: int
    ) -> datetime.datetime:
        """The same as add_business_days for a datetime: the time of day is kept and each
        day is judged by the datetime's own date (complaint deadlines)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        added = 0
        while added < days:
            current += datetime.timedelta(days=1)
            if self.is_business_day(current.date()):
                added += 1
        return current

    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """How many business days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        current = start
        while current < end:
            current += datetime.timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        return count


def local_date(value) -> datetime.date:
    """The site-time-zone (America/Lima) date of an aware datetime, or a date as is."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def add_business_days(start, days: int) -> datetime.date:
    return Calendar().add_business_days(local_date(start), days)


def business_days_between(start, end) -> int:
    return Calendar().business_days_between(local_date(start), local_date(end))


def is_business_day(day) -> bool:
    return Calendar().is_business_day(local_date(day))
