import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import services
from commitments.models import Milestone, ProgressUpdate

from .factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory
from .seed import seed_plan

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/action-plans/",
    "/api/v1/commitments/",
    "/api/v1/milestones/",
    "/api/v1/progress-updates/",
]


@pytest.mark.parametrize("url", ENDPOINTS + ["/api/v1/action-plans/grande/"])
def test_list_endpoints_run_bounded_queries(client, url, django_assert_max_num_queries):
    seed_plan(commitments=2, milestones=2, slug="pequeno")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url.replace("grande", "pequeno")).status_code == 200
    small = len(ctx.captured_queries)
    seed_plan(commitments=60, milestones=10, slug="grande")
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert small <= 6


def test_pagination_and_stable_ordering(client):
    plan, cs = seed_plan(commitments=3, milestones=30, slug="p")
    first = client.get("/api/v1/milestones/?page_size=25").json()
    assert first["count"] == 90 and len(first["results"]) == 25
    second = client.get(first["next"]).json()
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(set(ids)) == 50
    again = client.get("/api/v1/milestones/?page_size=25").json()
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]


def test_commitment_filters(client, sgdi, other_unit):
    plan = ActionPlanFactory(slug="uno")
    a = CommitmentFactory(
        plan=plan, ogp_values="transparency", units=[sgdi], completion_level="complete"
    )
    b = CommitmentFactory(plan=plan, ogp_values="participation", units=[other_unit])
    CommitmentFactory(plan=ActionPlanFactory(slug="dos"))

    def ids(query):
        return {
            r["id"]
            for r in client.get("/api/v1/commitments/" + query).json()["results"]
        }

    assert ids("?plan=uno") == {a.pk, b.pk}
    assert ids("?ogp_value=transparency&plan=uno") == {a.pk}
    assert ids(f"?unit={other_unit.slug}") == {b.pk}
    assert ids("?completion_level=complete") == {a.pk}
    assert (
        client.get("/api/v1/commitments/?completion_level=fantastic").status_code == 400
    )
    row = client.get(f"/api/v1/commitments/{a.pk}/").json()
    assert row["responsible_units"] == [{"slug": "sgdi", "name": sgdi.name}]
    assert row["ogp_values"] == ["transparency"]


def test_milestone_filters(client, commitment):
    today = timezone.localdate()
    late = MilestoneFactory(
        commitment=commitment,
        start_on=today - datetime.timedelta(days=10),
        due_on=today - datetime.timedelta(days=1),
    )
    future = MilestoneFactory(
        commitment=commitment,
        start_on=today,
        due_on=today + datetime.timedelta(days=10),
    )

    def ids(query):
        return {
            r["id"] for r in client.get("/api/v1/milestones/" + query).json()["results"]
        }

    assert ids("?overdue=true") == {late.pk}
    assert ids("?overdue=false") == {future.pk}
    assert ids(f"?due_before={today.isoformat()}") == {late.pk}
    assert ids(f"?due_after={today.isoformat()}") == {future.pk}
    assert ids("?status=not_started") == {late.pk, future.pk}
    assert client.get("/api/v1/milestones/?due_before=ayer").status_code == 400


def test_progress_updates_only_published_and_since(client, editor, milestone):
    services.milestone_update(user=editor, milestone=milestone, data={"progress": 10})
    services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"progress": 20},
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    rows = client.get(
        f"/api/v1/progress-updates/?commitment={milestone.commitment_id}"
    ).json()["results"]
    assert len(rows) == 1 and rows[0]["changes"] == {"progress": [0, 10]}
    assert rows[0]["unit"] == "Subgerencia de Gobierno Digital e Innovación"
    assert "author" not in rows[0]
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert (
        client.get("/api/v1/progress-updates/", {"since": future}).json()["count"] == 0
    )


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only_for_everyone(
    client, url, method, coordinator, editor, milestone
):
    anonymous = getattr(client, method)(url, {}, content_type="application/json")
    assert anonymous.status_code in (403, 405)
    client.force_login(coordinator)
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code in (403, 405)
    detail = getattr(client, method)(f"{url}1/", {}, content_type="application/json")
    assert detail.status_code in (403, 404, 405)
    milestone.refresh_from_db()
    assert milestone.progress == 0
    assert ProgressUpdate.objects.count() == 0
    assert Milestone.objects.count() == 1


def test_endpoints_are_in_the_schema(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in [
        "/api/v1/action-plans/",
        "/api/v1/action-plans/{slug}/",
        "/api/v1/commitments/",
        "/api/v1/milestones/",
        "/api/v1/progress-updates/",
    ]:
        assert path in schema["paths"], path
    detail = schema["components"]["schemas"]["ActionPlanDetail"]
    assert "completion_summary" in detail["properties"]
