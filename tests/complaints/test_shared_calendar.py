"""Complaints count business days with the portal's one calendar (openlima/calendar.py),
the same as access-to-information requests (issue 14 g)."""

import datetime
import inspect

import pytest

from complaints import deadlines
from openlima import calendar, city

FRIDAY = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


def test_complaints_have_no_calendar_of_their_own():
    source = inspect.getsource(deadlines)
    assert "timedelta(days=1)" not in source
    assert "calendar.Calendar()" in source


@pytest.mark.parametrize(
    "holidays, expected",
    [([], 23), (["2026-11-23"], 24), (["11-23", "2026-11-24"], 25)],
)
def test_complaint_and_information_deadlines_agree(settings, holidays, expected):
    settings.BUSINESS_HOLIDAYS = holidays
    settings.COMPLAINT_HOLIDAYS = []
    assert deadlines.add_business_days(FRIDAY, 1).day == expected
    assert calendar.add_business_days(FRIDAY.date(), 1).day == expected
    # the time of day is kept, as before
    assert deadlines.add_business_days(FRIDAY, 1).hour == 10


def test_fifteen_business_days_over_a_holiday_and_weekends(settings):
    settings.BUSINESS_HOLIDAYS = ["12-08", "12-09"]
    settings.COMPLAINT_HOLIDAYS = ["2026-12-24"]
    start = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)  # Tuesday
    # Dec: 2,3,4,7,10,11,14,15,16,17,18,21,22,23,25 -> the 15th is Friday 25
    ack, response = deadlines.due_dates(start)
    assert response == datetime.datetime(2026, 12, 25, 9, tzinfo=datetime.UTC)
    assert response.date() == calendar.Calendar().add_business_days(start.date(), 15)


def test_limas_profile_skips_perus_fixed_holidays(settings):
    settings.CITY_PROFILE = "lima"
    city.clear_cache()
    del settings.BUSINESS_HOLIDAYS
    settings.COMPLAINT_HOLIDAYS = []
    try:
        # 28 and 29 July (Fiestas Patrias) are holidays in Lima
        monday = datetime.datetime(2026, 7, 27, 10, tzinfo=datetime.UTC)
        assert deadlines.add_business_days(monday, 1).day == 30
    finally:
        city.clear_cache()


@pytest.mark.city_lapaz
@pytest.mark.django_db
def test_la_paz_complaints_skip_la_paz_holidays(lapaz, settings):
    if hasattr(settings, "BUSINESS_HOLIDAYS"):
        del settings.BUSINESS_HOLIDAYS
    settings.COMPLAINT_HOLIDAYS = []
    friday = datetime.datetime(2026, 10, 30, 10, tzinfo=datetime.UTC)
    # Monday 2 November (Todos Santos) is a holiday in the La Paz profile; 28 July not
    assert deadlines.add_business_days(friday, 1).day == 3
    monday = datetime.datetime(2026, 7, 27, 10, tzinfo=datetime.UTC)
    assert deadlines.add_business_days(monday, 1).day == 28
