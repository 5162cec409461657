"""The shared business-day calendar (openlima/calendar.py) against weekends and holidays."""

import datetime as dt

import pytest

from openlima import calendar

D = dt.date


def cal(*holidays):
    return calendar.Calendar(list(holidays))


def test_weekends_are_skipped():
    # Friday 6 March 2026 + 1 business day = Monday 9 March.
    assert cal().add_business_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    # Monday + 10 business days = Monday two weeks later.
    assert cal().add_business_days(D(2026, 3, 2), 10) == D(2026, 3, 16)


def test_start_day_never_counts_even_on_a_weekend():
    # Filed on Saturday 7 March: the term starts Monday 9, ten days end Friday 20.
    assert cal().add_business_days(D(2026, 3, 7), 10) == D(2026, 3, 20)
    assert cal().add_business_days(D(2026, 3, 8), 1) == D(2026, 3, 9)


def test_dated_and_yearly_holidays_are_skipped():
    # Holy Thursday/Friday 2026 (2-3 April) as dated entries.
    c = cal("2026-04-02", "2026-04-03")
    assert c.add_business_days(D(2026, 3, 31), 2) == D(2026, 4, 6)
    # Fiestas Patrias every year (MM-DD): 28 and 29 July.
    c = cal("07-28", "07-29")
    assert c.add_business_days(D(2026, 7, 27), 1) == D(2026, 7, 30)
    assert c.add_business_days(D(2027, 7, 27), 1) == D(2027, 7, 30)


def test_holiday_on_a_weekend_costs_nothing_extra():
    # 25 December 2027 is a Saturday.
    c = cal("12-25")
    assert c.add_business_days(D(2027, 12, 24), 1) == D(2027, 12, 27)


def test_ten_business_days_across_year_end():
    # Tue 22 Dec 2026 + 10 with 25 Dec and 1 Jan off -> Thu 7 Jan 2027.
    c = cal("12-25", "01-01")
    assert c.add_business_days(D(2026, 12, 22), 10) == D(2027, 1, 7)


def test_business_days_between():
    c = cal("2026-03-04")
    assert c.business_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert c.business_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 3  # Wed is off
    assert c.business_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1
    assert c.business_days_between(D(2026, 3, 9), D(2026, 3, 2)) == 0
    assert c.add_business_days(D(2026, 3, 2), 3) == D(2026, 3, 6)


def test_bad_holiday_entries_are_ignored_and_negative_days_refused():
    c = cal("not-a-date", "13-45", "2026-02-30", "")
    assert c.add_business_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    with pytest.raises(ValueError):
        c.add_business_days(D(2026, 3, 2), -1)


def test_settings_drive_the_default_calendar(settings):
    settings.BUSINESS_HOLIDAYS = ["2026-03-03"]
    settings.COMPLAINT_HOLIDAYS = ["2026-03-04"]
    # Both lists count: Tue and Wed are off.
    assert calendar.add_business_days(D(2026, 3, 2), 1) == D(2026, 3, 5)
    assert not calendar.is_business_day(D(2026, 3, 4))


def test_unset_setting_means_peru_fixed_holidays(settings):
    del settings.BUSINESS_HOLIDAYS
    settings.COMPLAINT_HOLIDAYS = []
    assert not calendar.is_business_day(D(2026, 8, 6))  # Batalla de Junín (Thursday)
    assert not calendar.is_business_day(D(2026, 12, 8))
    assert calendar.is_business_day(D(2026, 8, 7))


def test_aware_datetimes_use_the_lima_date():
    # 02:00 UTC on Tuesday 3 March is still Monday 2 March in Lima.
    late = dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC)
    assert calendar.local_date(late) == D(2026, 3, 2)
