"""Issue 12: the home indicators show the current plan's progress (Lima's local plan), not
every published plan mixed (the Peru 2015-2016 national plan is loaded for reference)."""

import datetime

import pytest

from commitments import selectors
from tests.commitments.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db


def test_indicators_count_only_the_current_local_plan():
    today = datetime.date.today()
    lima = ActionPlanFactory(
        title="Lima 2022",
        level="local",
        period_start=today - datetime.timedelta(days=400),
        period_end=today + datetime.timedelta(days=400),
    )
    peru = ActionPlanFactory(
        title="Perú 2015-2016",
        level="national",
        period_start=datetime.date(2015, 1, 1),
        period_end=datetime.date(2016, 12, 31),
    )
    lima_commitment = CommitmentFactory(plan=lima)
    MilestoneFactory(
        commitment=lima_commitment,
        status="completed",
        completed_on=today,
        start_on=today - datetime.timedelta(days=10),
        due_on=today,
    )
    for _ in range(3):
        MilestoneFactory(
            commitment=CommitmentFactory(plan=peru),
            start_on=datetime.date(2015, 1, 1),
            due_on=datetime.date(2016, 1, 1),
        )
    data = selectors.indicators()
    assert data["plan_title"] == "Lima 2022"
    assert data["commitments"] == 1
    assert (data["milestones"], data["milestones_completed"]) == (1, 1)
    assert data["milestones_overdue"] == 0 and data["overdue"] == []
    assert data["plans"] == 2


def test_home_page_names_the_plan(client):
    ActionPlanFactory(title="Lima 2022", level="local")
    html = client.get("/").content.decode()
    assert "Lima 2022" in html
