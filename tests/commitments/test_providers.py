import datetime
import json

import pytest
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, Milestone
from openlima import registry

from .factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(editor, sgdi):
    plan = ActionPlanFactory(slug="lima-2022", title="Plan Lima")
    c = CommitmentFactory(
        plan=plan,
        title="Plataforma de participación ciudadana",
        objective="Digitalizar la participación",
        units=[sgdi],
        completion_level="limited",
    )
    today = timezone.localdate()
    late = MilestoneFactory(
        commitment=c,
        code="A",
        title="Lanzamiento de la plataforma",
        start_on=today - datetime.timedelta(days=30),
        due_on=today - datetime.timedelta(days=2),
    )
    done = MilestoneFactory(commitment=c, code="B", title="Comunicación")
    services.milestone_update(
        user=editor, milestone=done, data={"status": "completed", "completed_on": today}
    )
    hidden = CommitmentFactory(
        plan=ActionPlanFactory(is_published=False), title="Secreto participación"
    )
    return {"plan": plan, "commitment": c, "late": late, "done": done, "hidden": hidden}


def test_search_provider_finds_commitments_and_milestones(data):
    search = registry.provider("search:commitments")
    results = search(
        query="participacion", limit=10
    )  # no accent: unaccent on PostgreSQL
    from django.conf import settings

    if not settings.IS_POSTGRES:
        results = search(query="participación", limit=10)
    titles = [r["title"] for r in results]
    assert data["commitment"].title in titles
    assert "Secreto participación" not in titles
    assert set(results[0]) == {"kind", "kind_label", "title", "summary", "url", "rank"}
    milestones = search(query="plataforma lanzamiento", limit=10)
    assert any(
        r["kind"] == "milestone" and "Lanzamiento" in r["title"] for r in milestones
    )
    assert search(query="", limit=5) == []


@pytest.mark.parametrize(
    "name", ["planes-de-accion", "compromisos", "hitos", "historial-de-avances"]
)
def test_dataset_providers(data, name):
    dataset = registry.provider(f"dataset:{name}")()
    assert dataset["publisher_slug"] == "sgdi"
    assert {"title", "description", "tags", "columns", "rows"} <= set(dataset)
    assert dataset["rows"], name
    assert set(dataset["rows"][0]) == set(dataset["columns"])
    json.dumps(dataset["rows"])  # serialisable
    if name in ("compromisos", "hitos", "historial-de-avances"):
        assert "status" in dataset["columns"] and "progress" in dataset["columns"]
    assert "Secreto" not in json.dumps(dataset["rows"], ensure_ascii=False)


def test_history_dataset_has_status_and_progress(data):
    rows = registry.provider("dataset:historial-de-avances")()["rows"]
    assert rows[0]["status"] == "completed" and rows[0]["progress"] == 100


def test_indicators_provider(data):
    ind = registry.provider("indicators:commitments")()
    assert ind["plans"] == 1 and ind["commitments"] == 1
    assert ind["milestones"] == 2 and ind["milestones_completed"] == 1
    assert ind["milestones_overdue"] == 1
    levels = {r["level"]: r["count"] for r in ind["completion_summary"]}
    assert levels["limited"] == 1 and all(
        set(r) == {"level", "label", "count"} for r in ind["completion_summary"]
    )
    assert ind["overdue"] == [
        {
            "title": "A. Lanzamiento de la plataforma",
            "commitment": data["commitment"].title,
            "due_on": data["late"].due_on.isoformat(),
            "url": data["commitment"].get_absolute_url() + f"#hito-{data['late'].pk}",
        }
    ]


def test_indicators_overdue_capped_at_ten(data):
    today = timezone.localdate()
    for i in range(15):
        MilestoneFactory(
            commitment=data["commitment"],
            start_on=today - datetime.timedelta(days=40),
            due_on=today - datetime.timedelta(days=i + 3),
        )
    assert len(registry.provider("indicators:commitments")()["overdue"]) == 10


def test_summary_and_choices(data):
    c = data["commitment"]
    summary = registry.provider("commitments.summary")(commitment_id=c.pk)
    assert summary["title"] == c.title and summary["plan_title"] == "Plan Lima"
    assert summary["progress"] == 50 and summary["status"] == "delayed"
    assert (
        summary["status_label"] == "Retrasado"
        and summary["url"] == c.get_absolute_url()
    )
    assert (
        registry.provider("commitments.summary")(commitment_id=data["hidden"].pk)
        is None
    )
    assert registry.provider("commitments.summary")(commitment_id=999999) is None
    choices = registry.provider("commitments.choices")()
    assert [pk for pk, _label in choices] == [c.pk]


def test_track_project_is_idempotent(sgdi):
    track = registry.provider("commitments.track_project")
    kwargs = {
        "plan_title": "Presupuesto participativo 2026",
        "plan_slug": "presupuesto-participativo-2026",
        "commitment_title": "Parque en Comas",
        "unit_id": sgdi.pk,
        "milestone_title": "Obra terminada",
        "description": "Proyecto ganador",
        "due_on": datetime.date(2027, 3, 31),
    }
    first = track(**kwargs)
    second = track(**kwargs)
    assert first == second
    c = Commitment.objects.get(pk=first["commitment_id"])
    assert list(c.responsible_units.all()) == [sgdi]
    assert Milestone.objects.get(pk=first["milestone_id"]).due_on == datetime.date(
        2027, 3, 31
    )
    assert Commitment.objects.count() == 1 and Milestone.objects.count() == 1


def test_demo_loader_and_publisher_registered():
    assert "commitments" in [h.name for h in registry.demo_loaders()]
    hook = next(h for h in registry.demo_loaders() if h.name == "commitments")
    assert hook.order == 10
    assert "commitments" in [h.name for h in registry.publishers()]


def test_milestone_summary_and_choices(data):
    late = data["late"]
    summary = registry.provider("commitments.milestone_summary")(milestone_id=late.pk)
    assert summary["title"] == "Lanzamiento de la plataforma"
    assert summary["commitment_title"] == data["commitment"].title
    assert summary["url"] == data["commitment"].get_absolute_url()
    assert summary["plan_title"] == "Plan Lima" and summary["due_on"] == late.due_on
    hidden = MilestoneFactory(commitment=data["hidden"], code="Z", title="Oculto")
    provider = registry.provider("commitments.milestone_summary")
    assert provider(milestone_id=hidden.pk) is None
    assert provider(milestone_id=999999) is None
    choices = dict(registry.provider("commitments.milestone_choices")())
    assert late.pk in choices and hidden.pk not in choices
    assert "A. Lanzamiento de la plataforma" in choices[late.pk]


def test_home_charts_draw_the_completion_summary(data):
    """`home_charts:commitments` draws `indicators:commitments`' completion levels, in
    their order, scaled to the largest."""
    ind = registry.provider("indicators:commitments")()
    charts = registry.provider("home_charts:commitments")(figures=ind)
    assert set(charts) == {"completion_bars"}
    rows = charts["completion_bars"]["rows"]
    assert [(r["label"], r["value"]) for r in rows] == [
        (r["label"], r["count"]) for r in ind["completion_summary"]
    ]
    assert {r["width"] for r in rows} == {0, 260}  # one commitment, at one level
