from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.utils import timezone

from budgets import selectors, services
from budgets.models import Ballot, BudgetProcess, Project
from openlima import registry
from openlima.models import AuditLog
from tests.factories import UserFactory

from .factories import HeadingFactory, ProcessFactory, ProjectFactory

TRACK = "commitments.track_project"


def fake_track(calls):
    """A stand-in for `commitments.track_project` with the contract's signature."""

    def track(
        *,
        plan_title,
        plan_slug,
        commitment_title,
        unit_id,
        milestone_title,
        description,
        due_on,
    ):
        calls.append(
            {
                "plan_title": plan_title,
                "plan_slug": plan_slug,
                "commitment_title": commitment_title,
                "unit_id": unit_id,
                "milestone_title": milestone_title,
                "description": description,
                "due_on": due_on,
            }
        )
        n = len(calls)
        return {"commitment_id": n, "milestone_id": n, "url": f"/compromisos/c/{n}/"}

    return track


@pytest.fixture
def track_provider():
    """A fake commitments provider, registered for the test and restored afterwards."""
    calls = []
    with registry.override(TRACK, fake_track(calls)):
        yield calls


@pytest.fixture
def no_track_provider():
    with registry.override(TRACK, None):
        yield


def cast_votes(project, n):
    for _ in range(n):
        ballot = Ballot.objects.create(user=UserFactory(), heading=project.heading)
        ballot.projects.add(project)


@pytest.fixture
def known_case(db):
    """Amount 1000. By votes: A 600 (5), B 500 (4), C 300 (3), D 100 (2), E 50 (1).
    A is funded (400 left); B does not fit and is skipped; C (100 left) and D (0 left)
    are funded; E does not fit."""
    heading = HeadingFactory(amount=Decimal("1000"))
    projects = {}
    for name, cost, votes in [
        ("A", 600, 5),
        ("B", 500, 4),
        ("C", 300, 3),
        ("D", 100, 2),
        ("E", 50, 1),
    ]:
        projects[name] = ProjectFactory(
            heading=heading, title=name, estimated_cost=Decimal(cost)
        )
        cast_votes(projects[name], votes)
    ProjectFactory(heading=heading, title="sin votos", estimated_cost=Decimal("1"))
    ProjectFactory(heading=heading, title="no seleccionado", is_selected=False)
    return heading, projects


def test_results_algorithm_skips_a_project_that_does_not_fit(known_case):
    heading, _ = known_case
    rows = services.results_compute(heading=heading)
    assert [(r["project"].title, r["votes"], r["funded"]) for r in rows] == [
        ("A", 5, True),
        ("B", 4, False),  # 500 > 400 remaining: skipped, next tried
        ("C", 3, True),
        ("D", 2, True),
        ("E", 1, False),  # nothing left
        ("sin votos", 0, False),
    ]
    assert rows[-1]["remaining_after"] == Decimal("0")


def test_ties_go_to_the_cheaper_project(db):
    heading = HeadingFactory(amount=Decimal("500"))
    dear = ProjectFactory(heading=heading, estimated_cost=Decimal("400"))
    cheap = ProjectFactory(heading=heading, estimated_cost=Decimal("200"))
    cast_votes(dear, 2)
    cast_votes(cheap, 2)
    rows = services.results_compute(heading=heading)
    assert [r["project"] for r in rows] == [cheap, dear]
    assert [r["funded"] for r in rows] == [True, False]


def test_results_publish_stores_winners_and_tracks_them(known_case, track_provider):
    heading, projects = known_case
    BudgetProcess.objects.filter(pk=heading.process_id).update(phase="results")
    assert services.results_publish(process=heading.process) == 3
    winners = Project.objects.filter(is_winner=True).order_by("result_position")
    assert [p.title for p in winners] == ["A", "C", "D"]
    assert all(p.tracking_status == "tracked" and p.tracking_url for p in winners)
    assert [c["commitment_title"] for c in track_provider] == ["A", "C", "D"]
    assert track_provider[0]["plan_slug"] == f"presupuesto-{heading.process.slug}"
    assert Project.objects.get(pk=projects["B"].pk).ballot_count == 4
    # Publishing twice changes nothing.
    assert services.results_publish(process=heading.process) == 0
    assert len(track_provider) == 3


def test_tracking_pending_without_provider_then_retried(known_case, no_track_provider):
    heading, _ = known_case
    BudgetProcess.objects.filter(pk=heading.process_id).update(phase="results")
    services.results_publish(process=heading.process)
    assert set(
        Project.objects.filter(is_winner=True).values_list("tracking_status", flat=True)
    ) == {"pending"}
    calls = []
    with registry.override(TRACK, fake_track(calls)):
        summary = services.budgets_publish_due(now=timezone.now())
    assert summary["tracked"] == 3 and len(calls) == 3
    assert not Project.objects.filter(tracking_status="pending").exists()


def test_open_data_has_counts_and_no_voter_identity(known_case, track_provider):
    heading, _ = known_case
    dataset = registry.provider("dataset:presupuesto-participativo")()
    assert dataset["rows"] == []  # nothing before results are published
    BudgetProcess.objects.filter(pk=heading.process_id).update(phase="results")
    services.results_publish(process=heading.process)
    dataset = registry.provider("dataset:presupuesto-participativo")()
    assert set(dataset["columns"]) == set(dataset["rows"][0])
    by_title = {r["project_title"]: r for r in dataset["rows"]}
    assert by_title["B"]["ballot_count"] == 4 and by_title["B"]["funded"] is False
    assert "no seleccionado" not in by_title
    text = str(dataset)
    assert "@example.pe" not in text and "user" not in dataset["columns"]
    # Reproducible: re-running the published rule on the open data gives the winners.
    remaining = Decimal(dataset["rows"][0]["heading_amount"])
    funded = []
    for row in sorted(dataset["rows"], key=lambda r: r["position"]):
        cost = Decimal(row["estimated_cost"])
        if row["ballot_count"] and cost <= remaining:
            remaining -= cost
            funded.append(row["project_title"])
    assert funded == [r["project_title"] for r in dataset["rows"] if r["funded"]]
    indicators = registry.provider("indicators:budgets")()
    assert indicators["funded_projects"] == 3
    assert Decimal(indicators["funded_amount"]) == Decimal("1000")


@pytest.mark.django_db
def test_publisher_moves_phases_forward_by_dates(track_provider):
    start = timezone.now()
    process = ProcessFactory(
        phase="draft",
        accepting_starts_at=start + timedelta(days=1),
        review_starts_at=start + timedelta(days=2),
        selecting_starts_at=start + timedelta(days=3),
        balloting_starts_at=start + timedelta(days=4),
        balloting_ends_at=start + timedelta(days=5),
        execution_starts_at=start + timedelta(days=6),
    )
    heading = HeadingFactory(process=process)
    cast_votes(ProjectFactory(heading=heading), 1)

    def run(days):
        services.budgets_publish_due(now=start + timedelta(days=days, minutes=1))
        process.refresh_from_db()
        return process.phase

    assert run(0) == "draft"
    assert run(1) == "accepting"
    assert run(3) == "selecting"  # a late run catches up
    assert run(3) == "selecting"  # idempotent
    assert run(4) == "balloting"
    assert process.results_published_at is None
    assert run(2) == "balloting"  # never backwards
    assert run(5) == "results"
    assert process.results_published_at is not None
    assert Project.objects.get(heading=heading).is_winner
    assert run(6) == "execution"
    moves = AuditLog.objects.filter(
        action="budgets.process.phase", object_id=str(process.pk)
    )
    assert [m.details["to"] for m in moves.order_by("id")] == [
        "accepting",
        "selecting",
        "balloting",
        "results",
        "execution",
    ]


@pytest.mark.django_db
def test_publisher_is_registered_for_publish_scheduled(track_provider):
    from openlima.tasks import publish_scheduled

    past = timezone.now() - timedelta(days=10)
    process = ProcessFactory(
        phase="balloting",
        accepting_starts_at=past,
        review_starts_at=past,
        selecting_starts_at=past,
        balloting_starts_at=past,
        balloting_ends_at=past + timedelta(days=1),
        execution_starts_at=timezone.now() + timedelta(days=30),
    )
    result = publish_scheduled()
    assert result["budgets"]["phases"] == 1
    process.refresh_from_db()
    assert process.phase == "results" and process.results_published_at


@pytest.mark.django_db
def test_results_page_lists_winners_only_after_publication(
    client, known_case, track_provider
):
    heading, _ = known_case
    url = f"/participa/presupuestos/{heading.process.slug}/resultados/"
    assert "Financiado" not in client.get(url).content.decode()
    BudgetProcess.objects.filter(pk=heading.process_id).update(phase="results")
    services.results_publish(process=heading.process)
    html = client.get(url).content.decode()
    assert html.count("No financiado") == 3 and html.count(">Financiado<") == 3
    process = BudgetProcess.objects.get(pk=heading.process_id)
    assert selectors.results_for_process(process=process)[0].ranked[0].title == "A"


def test_failing_provider_leaves_tracking_pending(known_case, no_track_provider):
    heading, _ = known_case

    def broken(
        *,
        plan_title,
        plan_slug,
        commitment_title,
        unit_id,
        milestone_title,
        description,
        due_on,
    ):
        raise OperationalError("commitments down")

    with registry.override(TRACK, broken):
        BudgetProcess.objects.filter(pk=heading.process_id).update(phase="results")
        assert services.results_publish(process=heading.process) == 3
    winners = Project.objects.filter(is_winner=True)
    assert winners.count() == 3  # results stand even though tracking failed
    assert set(winners.values_list("tracking_status", flat=True)) == {"pending"}
