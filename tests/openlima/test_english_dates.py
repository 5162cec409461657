"""Issue 12: English dates are dd/mm/yyyy (Peru), never the US m/d/Y."""

import datetime

from django.utils import formats, translation


def test_english_short_dates_are_day_first():
    day = datetime.date(2026, 3, 4)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "04/03/2026"
        assert formats.date_format(day) == "4 March 2026"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
    with translation.override("es"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "04/03/2026"
