"""One test per red flag: a fixture built to trigger it and one built not to."""

from datetime import date, timedelta

import pytest

from contracting import flags
from contracting.models import Bid

V, X = Bid.Status.VALID, Bid.Status.DISQUALIFIED


def _money(n):
    return {"amount": n, "currency": "PEN"}


def _bid(n, amount, status="valid"):
    return {
        "id": str(n),
        "status": status,
        "tenderers": [{"id": f"PE-RUC-2060000000{n}", "name": f"P{n}"}],
        "value": _money(amount),
    }


def _award(amount=100):
    return {"id": "1", "status": "active", "value": _money(amount), "suppliers": []}


@pytest.mark.parametrize(
    "bids,expected",
    [([_bid(1, 90)], True), ([_bid(1, 90), _bid(2, 95)], False)],
)
def test_single_bidder(bids, expected):
    compiled = {
        "tender": {"procurementMethod": "open"},
        "bids": {"details": bids},
        "awards": [_award()],
    }
    assert flags.single_bidder(compiled) is expected


def test_single_bidder_ignores_direct_contracting_and_counts_only_valid_bids():
    direct = {
        "tender": {"procurementMethod": "direct"},
        "bids": {"details": [_bid(1, 90)]},
        "awards": [_award()],
    }
    assert flags.single_bidder(direct) is False
    one_valid = {
        "tender": {"procurementMethod": "selective"},
        "bids": {"details": [_bid(1, 90), _bid(2, 80, "disqualified")]},
        "awards": [_award()],
    }
    assert flags.single_bidder(one_valid) is True


@pytest.mark.parametrize(
    "days,expected", [(6, True), (9, True), (10, False), (22, False)]
)
def test_short_submission_period(days, expected):
    start = "2026-03-01T09:00:00-05:00"
    end = (date(2026, 3, 1) + timedelta(days=days)).isoformat() + "T09:00:00-05:00"
    compiled = {
        "tender": {
            "procurementMethod": "open",
            "tenderPeriod": {"startDate": start, "endDate": end},
        }
    }
    assert flags.short_submission_period(compiled) is expected


@pytest.mark.parametrize(
    "awarded,expected",
    [(99_500, True), (100_000, True), (98_000, False), (102_000, False)],
)
def test_price_close_to_estimate(awarded, expected):
    compiled = {"tender": {"value": _money(100_000)}, "awards": [_award(awarded)]}
    assert flags.price_close_to_estimate(compiled) is expected


def test_lowest_bid_disqualified():
    triggered = {
        "bids": {"details": [_bid(1, 80, "disqualified"), _bid(2, 90), _bid(3, 95)]},
        "awards": [_award(90)],
    }
    assert flags.lowest_bid_disqualified(triggered) is True
    not_lowest = {
        "bids": {"details": [_bid(1, 80), _bid(2, 90, "disqualified"), _bid(3, 95)]},
        "awards": [_award(80)],
    }
    assert flags.lowest_bid_disqualified(not_lowest) is False


def test_contract_amended_above_threshold():
    first = [{"date": "2026-01-01", "contracts": [{"id": "1", "value": _money(100)}]}]
    compiled = {
        "contracts": [
            {"id": "1", "value": _money(120), "amendments": [{"id": "a"}]},
        ]
    }
    values = flags.first_contract_values(first)
    assert flags.contract_amended_above_threshold(compiled, first_values=values)
    compiled["contracts"][0]["value"] = _money(110)
    assert not flags.contract_amended_above_threshold(compiled, first_values=values)
    compiled["contracts"][0]["value"] = _money(150)
    del compiled["contracts"][0]["amendments"]
    assert not flags.contract_amended_above_threshold(compiled, first_values=values)


def _contract_with_milestone(met, due="2026-01-05"):
    return {
        "contracts": [
            {
                "id": "1",
                "period": {"startDate": "2026-01-01T00:00:00-05:00"},
                "implementation": {
                    "milestones": [
                        {"id": "m", "dueDate": due, "dateMet": met, "status": "met"}
                    ]
                },
            }
        ]
    }


def test_late_start():
    today = date(2026, 6, 1)
    assert flags.late_start(_contract_with_milestone("2026-03-01"), today=today)
    assert not flags.late_start(_contract_with_milestone("2026-01-20"), today=today)
    # Not met yet: late once 30 days have passed since the start date.
    assert flags.late_start(_contract_with_milestone(None), today=today)
    assert not flags.late_start(_contract_with_milestone(None), today=date(2026, 1, 15))


@pytest.mark.django_db
def test_flags_are_computed_on_save_and_filterable(client, make_process):
    single = make_process("Un postor", bids=[(1, "95000", V)], award=(1, "95000"))
    make_process(
        "Dos postores",
        estimate="200000",
        bids=[(1, "150000", V), (2, "160000", V)],
        award=(1, "150000"),
    )
    assert list(single.red_flags.values_list("code", flat=True)) == ["single_bidder"]
    response = client.get("/contrataciones/?flag=single_bidder")
    assert response.status_code == 200
    titles = [p.title for p in response.context["processes"]]
    assert titles == ["Un postor"]
    page = client.get(single.get_absolute_url()).content.decode()
    assert "Un solo postor" in page
    assert "para revisar" in page
