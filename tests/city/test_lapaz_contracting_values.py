"""Contracting data under La Paz speaks in bolivianos and La Paz's time: the OCDS amounts'
currency and OC4IDS dates' offset come from the city profile, not from Lima's values."""

import datetime as dt
from decimal import Decimal
from importlib import import_module

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.city_lapaz
def test_amounts_and_dates_follow_the_profile(lapaz):
    oc4ids = import_module("contracting.selectors.oc4ids")
    release_body = import_module("contracting.services.release_body")

    assert release_body._money(Decimal("1250.50")) == {
        "amount": 1250.5,
        "currency": "BOB",
    }
    assert oc4ids._money(Decimal("10")) == {"amount": 10, "currency": "BOB"}
    assert oc4ids._iso_date(dt.date(2026, 3, 2)) == "2026-03-02T00:00:00-04:00"


def test_lima_keeps_soles_and_its_offset():
    oc4ids = import_module("contracting.selectors.oc4ids")
    release_body = import_module("contracting.services.release_body")
    from openlima import city

    city.clear_cache()
    assert release_body._money(Decimal("7")) == {"amount": 7, "currency": "PEN"}
    assert oc4ids._iso_date(dt.date(2026, 3, 2)) == "2026-03-02T00:00:00-05:00"
