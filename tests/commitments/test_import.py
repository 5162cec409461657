import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commitments.importer import ImportFileError, import_plan
from commitments.models import (
    ActionPlan,
    Commitment,
    Indicator,
    Milestone,
    ProgressUpdate,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "commitments" / "data"
LIMA = DATA / "lima-2022.json"
PERU = DATA / "peru-2015-2016.json"

# The summary table of seed 004 (Peru, self-assessment of the 2015-2016 plan):
# "Uninitiated 4 / Limited 1 / Substantial 7 / Complete 5 / Total 17".
PERU_SOURCE_TABLE = {"not_started": 4, "limited": 1, "substantial": 7, "complete": 5}
PERU_SOURCE_TOTAL = 17
# Seed 004 (Peru's 2015-2016 self-assessment, public document) copied into the repository.
SEED_004 = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "seeds"
    / "004-peru-2015-2016-self-assessment.txt"
)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot():
    return {
        "plans": list(ActionPlan.objects.order_by("pk").values()),
        "commitments": list(Commitment.objects.order_by("pk").values()),
        "units": sorted(
            Commitment.responsible_units.through.objects.values_list(
                "commitment_id", "orgunit_id"
            )
        ),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "indicators": list(Indicator.objects.order_by("pk").values()),
        "updates": ProgressUpdate.objects.count(),
    }


def test_import_lima_expands_the_milestone_template():
    out = StringIO()
    call_command("import_action_plan", str(LIMA), stdout=out)
    plan = ActionPlan.objects.get(slug="lima-2022")
    assert plan.coordinating_unit.slug == "sgdi"
    assert plan.commitments.count() == 3
    honesta = plan.commitments.get(slug="lima-honesta")
    assert sorted(u.slug for u in honesta.responsible_units.all()) == [
        "integridad",
        "sgdi",
    ]
    assert list(honesta.milestones.values_list("code", flat=True)) == list("ABCDEFG")
    d = honesta.milestones.get(code="D")
    assert (d.start_on.isoformat(), d.due_on.isoformat()) == (
        "2022-08-08",
        "2022-11-10",
    )
    assert Milestone.objects.filter(commitment__plan=plan).count() == 21
    assert "lima-2022" in out.getvalue()


@pytest.mark.parametrize("path", [LIMA, PERU])
def test_second_import_changes_nothing(path):
    call_command("import_action_plan", str(path), stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("import_action_plan", str(path), stdout=out)
    assert snapshot() == before
    assert "0 created, 0 updated" in out.getvalue()


def test_peru_summary_reproduces_the_source_table(client):
    call_command("import_action_plan", str(PERU), stdout=StringIO())
    data = client.get("/api/v1/action-plans/peru-2015-2016/").json()
    summary = {r["level"]: r["count"] for r in data["completion_summary"]}
    assert summary == PERU_SOURCE_TABLE
    assert sum(summary.values()) == PERU_SOURCE_TOTAL == data["commitment_count"]
    page = client.get("/compromisos/peru-2015-2016/informe/").content.decode()
    assert "<td>17</td>" in page


def test_peru_table_numbers_match_seed_004_text():
    """Read the counts straight from the seed's own summary table."""
    text = SEED_004.read_text(encoding="utf-8")
    tail = text[text.rindex("Compliance status\n\tNumber") :]
    lines = [ln.strip() for ln in tail.splitlines() if ln.strip()]
    found = {}
    for label, level in [
        ("Uninitiated", "not_started"),
        ("Limited", "limited"),
        ("Substantial", "substantial"),
        ("Complete", "complete"),
    ]:
        found[level] = int(lines[lines.index(label) + 1])
    assert found == PERU_SOURCE_TABLE
    assert int(lines[lines.index("Total") + 1]) == PERU_SOURCE_TOTAL


def broken(mutate):
    data = load(LIMA)
    mutate(data)
    return data


@pytest.mark.parametrize(
    "mutate,path",
    [
        (lambda d: d.update(format="action-plan/9"), "$.format"),
        (lambda d: d["plan"].pop("title"), "$.plan.title"),
        (lambda d: d["plan"].update(period_end="2020-01-01"), "$.plan.period_end"),
        (lambda d: d["plan"].update(level="galactic"), "$.plan.level"),
        (lambda d: d["plan"].update(slug="Con Espacios"), "$.plan.slug"),
        (
            lambda d: d["milestone_template"][1].update(end="2022-01-01"),
            "$.milestone_template[1].end",
        ),
        (
            lambda d: d["milestone_template"][2].update(start="31/12/2022"),
            "$.milestone_template[2].start",
        ),
        (lambda d: d["commitments"][1].update(number=1), "$.commitments[1].number"),
        (
            lambda d: d["commitments"][2]["ogp_values"].append("magic"),
            "$.commitments[2].ogp_values[2]",
        ),
        (
            lambda d: d["commitments"][0].update(responsible_units=["Ministerio X"]),
            "$.commitments[0].responsible_units[0]",
        ),
        (lambda d: d["commitments"][0].update(title=42), "$.commitments[0].title"),
        (
            lambda d: d["commitments"][0].update(compliance="great"),
            "$.commitments[0].compliance",
        ),
        (lambda d: d.update(commitments=[]), "$.commitments"),
    ],
)
def test_malformed_file_reports_path_and_writes_nothing(mutate, path, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken(mutate)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_action_plan", str(bad), stdout=StringIO(), stderr=err)
    assert path in err.getvalue()
    assert ActionPlan.objects.count() == 0
    assert Milestone.objects.count() == 0


def test_all_problems_listed_at_once():
    data = load(LIMA)
    data["plan"]["level"] = "x"
    data["commitments"][2]["number"] = "three"
    with pytest.raises(ImportFileError) as exc:
        import_plan(data)
    assert len(exc.value.problems) == 2


def test_problem_late_in_file_leaves_existing_plan_untouched():
    import_plan(load(LIMA))
    before = snapshot()
    data = load(LIMA)
    data["plan"]["title"] = "Nuevo título"
    data["commitments"][2]["milestones"] = [
        {"code": "A", "title": "x", "start": "2022-01-02", "end": "2022-01-01"}
    ]
    with pytest.raises(ImportFileError):
        import_plan(data)
    assert snapshot() == before


def test_not_json_and_missing_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="invalid JSON at line 1"):
        call_command("import_action_plan", str(bad))
    with pytest.raises(CommandError, match="not found"):
        call_command("import_action_plan", str(tmp_path / "nope.json"))
    assert ActionPlan.objects.count() == 0


def test_reimport_with_changed_dates_records_the_change():
    import_plan(load(LIMA))
    data = copy.deepcopy(load(LIMA))
    data["milestone_template"][6]["end"] = "2022-12-20"
    import_plan(data)
    updates = ProgressUpdate.objects.filter(milestone__code="G")
    assert updates.count() == 3
    assert updates.first().changes == {"due_on": ["2022-12-10", "2022-12-20"]}


def test_demo_loader_is_idempotent_and_gives_progress():
    from commitments import demo

    demo.load()
    first = snapshot()
    demo.load()
    assert snapshot() == first
    open_lima = Commitment.objects.get(plan__slug="lima-2022", slug="open-lima")
    assert 0 < open_lima.progress < 100
    assert ProgressUpdate.objects.filter(published_at__isnull=True).exists()
    assert ActionPlan.objects.filter(slug="peru-2015-2016").exists()


def test_the_published_schema_accepts_the_shipped_plans_and_names_the_model_choices():
    """docs/action-plan-1.schema.json is what other cities validate against: the
    shipped plans pass it with plain jsonschema, and its choices are the models'."""
    from jsonschema import Draft202012Validator

    from commitments.importer import schema
    from commitments.models import CompletionLevel, OgpValue, PlanLevel, PlanStatus

    Draft202012Validator.check_schema(schema())
    for path in (LIMA, PERU):
        assert list(Draft202012Validator(schema()).iter_errors(load(path))) == []
    plan = schema()["properties"]["plan"]["properties"]
    commitment = schema()["properties"]["commitments"]["items"]["properties"]
    assert set(plan["level"]["enum"]) == set(PlanLevel.values)
    assert set(plan["status"]["enum"]) == set(PlanStatus.values)
    assert set(commitment["compliance"]["enum"]) - {"", None} == set(
        CompletionLevel.values
    )
    assert set(commitment["ogp_values"]["items"]["enum"]) == set(OgpValue.values)


@pytest.mark.parametrize(
    "mutate,problem",
    [
        (lambda d: d["plan"].update(title="  "), "$.plan.title: must not be empty"),
        (
            lambda d: d["plan"].update(title="x" * 256),
            "$.plan.title: longer than 255 characters",
        ),
        (
            lambda d: d["plan"].update(period_start=None),
            "$.plan.period_start: missing (required date YYYY-MM-DD)",
        ),
        (
            lambda d: d["plan"].update(period_start="2022-02-30"),
            "$.plan.period_start: invalid date '2022-02-30' (use YYYY-MM-DD)",
        ),
        (
            lambda d: d["milestone_template"][0].update(weight=0),
            "$.milestone_template[0].weight: must be an integer from 1 to 100",
        ),
        (
            lambda d: d["commitments"][0].update(responsible=3),
            "$.commitments[0].responsible: must be text or null",
        ),
        (
            lambda d: d["commitments"][0].update(milestones={"a": 1}),
            "$.commitments[0].milestones: must be a list of milestones",
        ),
        (
            lambda d: d["commitments"][0].update(milestones=["x"]),
            "$.commitments[0].milestones[0]: must be an object",
        ),
        (
            lambda d: d["commitments"][0].update(number=[1]),
            "$.commitments[0].number: must be a positive integer",
        ),
        (lambda d: d.pop("format"), "$.format: must be 'action-plan/1', found None"),
    ],
)
def test_each_problem_in_the_importers_words_with_its_path(mutate, problem):
    with pytest.raises(ImportFileError) as exc:
        import_plan(broken(mutate))
    assert problem in exc.value.problems
