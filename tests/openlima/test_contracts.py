"""The contracts between apps (openlima/registry.py): the system check, the test
override, and each contract exercised through its real provider and real consumer."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from openlima import registry
from openlima.checks import registry_contracts


def check_ids():
    return [(m.id, m.msg) for m in registry_contracts()]


def test_the_real_apps_satisfy_every_contract():
    assert check_ids() == []
    call_command("check")  # the same check runs with every other system check


def test_the_check_fails_on_a_promised_provider_that_is_missing():
    with registry.override("search:commitments", None):
        problems = check_ids()
    assert [p[0] for p in problems] == ["openlima.E021"]
    assert "commitments" in problems[0][1] and "search:commitments" in problems[0][1]


def test_the_check_fails_on_a_renamed_keyword(monkeypatch):
    def summary(*, commitment_pk):  # the contract says commitment_id
        return None

    monkeypatch.setitem(registry._providers, "commitments.summary", summary)
    problems = check_ids()
    assert [p[0] for p in problems] == ["openlima.E022"]
    assert "'commitment_id'" in problems[0][1]


def test_a_fake_with_a_renamed_keyword_is_refused_by_override():
    with (
        pytest.raises(registry.ContractMismatch, match="commitment_id"),
        registry.override("commitments.summary", lambda *, pk: None),
    ):
        pass  # pragma: no cover


def test_a_fake_that_accepts_anything_is_refused():
    with (
        pytest.raises(registry.ContractMismatch, match="must name its parameters"),
        registry.override("commitments.track_project", lambda **kw: {}),
    ):
        pass  # pragma: no cover


def test_a_publisher_with_the_wrong_signature_is_reported(monkeypatch):
    monkeypatch.setitem(
        registry._publishers, "zz", registry._Hook("zz", lambda when: 0, 99)
    )
    assert [p[0] for p in check_ids()] == ["openlima.E023"]


def test_names_outside_every_contract_are_errors_not_none():
    with pytest.raises(registry.UnknownContract):
        registry.provider("comitments.summary")  # a typo
    with pytest.raises(registry.UnknownContract):
        registry.register_provider("nothing.here", lambda: None)
    with pytest.raises(registry.UnknownContract):
        registry.providers("serch:")


def test_override_restores_the_real_provider():
    real = registry.provider("commitments.summary")
    with registry.override("commitments.summary", lambda *, commitment_id: None):
        assert registry.provider("commitments.summary") is not real
    assert registry.provider("commitments.summary") is real
    with registry.only("indicators:", {}):
        assert registry.providers("indicators:") == {}
    assert "commitments" in registry.providers("indicators:")


# --- real provider through the real consumer --------------------------------------------


@pytest.mark.django_db
def test_budgets_tracks_a_winner_through_the_real_commitments_app():
    from budgets import services as budget_services
    from budgets.models import Ballot, Project
    from commitments.models import Commitment, Milestone
    from tests.budgets.factories import HeadingFactory, ProjectFactory
    from tests.factories import UserFactory

    heading = HeadingFactory(amount=Decimal("1000"))
    project = ProjectFactory(
        heading=heading, title="Biblioteca en Comas", estimated_cost=Decimal("900")
    )
    ballot = Ballot.objects.create(user=UserFactory(), heading=heading)
    ballot.projects.add(project)
    assert budget_services.results_publish(process=heading.process) == 1
    project.refresh_from_db()
    assert project.tracking_status == Project.Tracking.TRACKED
    milestone = Milestone.objects.get(title__contains="Biblioteca en Comas")
    commitment = Commitment.objects.get(pk=milestone.commitment_id)
    assert commitment.title == "Biblioteca en Comas"
    assert project.tracking_url.endswith(commitment.get_absolute_url())


@pytest.mark.django_db
def test_participation_shows_the_real_commitment_summary():
    from participation import selectors as participation_selectors
    from tests.commitments.factories import ActionPlanFactory, CommitmentFactory

    commitment = CommitmentFactory(
        plan=ActionPlanFactory(title="Plan Lima"), title="Datos abiertos"
    )
    summary = participation_selectors.commitment_summary(commitment_id=commitment.pk)
    assert summary is not None
    assert summary["id"] == commitment.pk and summary["title"] == "Datos abiertos"
    assert summary["plan_title"] == "Plan Lima" and 0 <= summary["progress"] <= 100
    assert set(summary) >= set(registry.CommitmentSummary.__annotations__)
    choices = participation_selectors.commitment_choices()
    assert commitment.pk in [pk for pk, _label in choices]


@pytest.mark.django_db
def test_every_dataset_provider_through_the_catalogue_refresh():
    from opendata import services as opendata_services
    from opendata.models import Dataset

    results = opendata_services.platform_datasets_refresh()
    assert set(results) == set(registry.providers("dataset:"))
    assert "error" not in results.values(), results
    slugs = [r["dataset"] for r in results.values()]
    assert Dataset.objects.filter(slug__in=slugs).count() == len(results)


@pytest.mark.django_db
def test_every_search_provider_through_site_search():
    from openlima import selectors as core_selectors
    from tests.commitments.factories import CommitmentFactory
    from tests.participation.factories import ProposalFactory

    CommitmentFactory(title="Parque zonal remodelado")
    ProposalFactory(title="Parque para el barrio")
    hits = core_selectors.search_everything(query="parque", limit=20)
    kinds = {h["kind"] for h in hits}
    assert {"commitment", "proposal"} <= kinds, kinds
    for hit in hits:
        assert set(hit) >= set(registry.SearchHit.__annotations__), hit


@pytest.mark.django_db
def test_every_indicators_provider_through_the_home_figures():
    from openlima import selectors as core_selectors

    data = core_selectors.indicators_compute()
    for key in ("opendata", "commitments", "complaints", "participation"):
        assert data[key] is not None, key
    assert registry.providers("indicators:")["budgets"]()["ballots"] == 0


@pytest.mark.django_db
def test_every_home_charts_provider_through_the_home_figures():
    """Each app's real `home_charts:` provider, fed by its real `indicators:` figures
    through the real consumer, adds its charts to its own figures; the core draws none
    of its own."""
    from openlima import selectors as core_selectors
    from openlima.models import District
    from tests.participation.factories import ProposalFactory

    district = District.objects.order_by("name").first()
    ProposalFactory(district=district, support_count=3)
    assert set(registry.providers("home_charts:")) == {
        "commitments",
        "complaints",
        "participation",
    }
    data = core_selectors.indicators_compute()
    assert data["shape"] == core_selectors.INDICATORS_SHAPE
    charts = {
        "complaints": "channel_bars",
        "participation": "district_bars",
        "commitments": "completion_bars",
    }
    for app, name in charts.items():
        chart = data[app][name]
        assert set(chart) == set(registry.BarChart.__annotations__), app
        for row in chart["rows"]:
            assert set(row) == set(registry.BarRow.__annotations__), app
    # The figures are still there, beside the charts drawn from them.
    assert len(data["complaints"]["channel_bars"]["rows"]) == len(
        data["complaints"]["by_channel"]
    )
    assert data["participation"]["district_bars"]["rows"][0]["label"] == district.name
    assert data["participation"]["district_bars"]["rows"][0]["value"] == 4
    assert [r["label"] for r in data["commitments"]["completion_bars"]["rows"]] == [
        r["label"] for r in data["commitments"]["completion_summary"]
    ]
    # Nothing outside the apps' own figures but the snapshot's own keys.
    assert set(data) == {"shape", "computed_at"} | set(
        registry.providers("home_indicators:")
    )


@pytest.mark.django_db
def test_every_home_indicators_block_through_the_real_home_page(client):
    """Each app's real `home_indicators:` blocks, fed by its real `indicators:`
    provider, are rendered by the real home page in their place and order."""
    from openlima import selectors as core_selectors

    blocks = core_selectors.home_indicator_blocks()
    apps = set(registry.providers("home_indicators:"))
    assert {"opendata", "commitments", "complaints", "participation"} <= apps
    assert {"contracting", "feedback"} <= apps
    response = client.get("/")
    assert response.status_code == 200
    used = [t.name for t in response.templates]
    html = response.content.decode()
    for place in ("figures", "charts"):
        assert [b["order"] for b in blocks[place]] == sorted(
            b["order"] for b in blocks[place]
        )
        for block in blocks[place]:
            assert block["template"] in used, block
            assert set(block) - {"app"} == set(
                registry.HomeIndicatorBlock.__annotations__
            )
    for figure in (
        "datos publicados",  # opendata
        "denuncias atendidas / recibidas",  # complaints
        'data-testid="platform-rating"',  # feedback (the core's own)
        "propuestas ciudadanas",  # participation
        "licitaciones en curso",  # contracting
        "hitos cumplidos",  # commitments
        'id="ind-complaints"',
        'id="ind-districts"',
        'id="ind-commitments"',
    ):
        assert figure in html, figure
    # The figures keep the order the home page always had.
    order = [
        html.index(f)
        for f in (
            "datos publicados",
            "denuncias atendidas",
            "platform-rating",
            "propuestas ciudadanas",
            "licitaciones en curso",
            "hitos cumplidos",
        )
    ]
    assert order == sorted(order)


def test_the_check_fails_on_a_home_indicators_block_without_its_template():
    from openlima.checks import home_indicator_blocks_exist

    def blocks():
        return [{"place": "figures", "template": "nowhere/figures.html", "order": 1}]

    def misplaced():
        return [
            {"place": "sidebar", "template": "opendata/home/figures.html", "order": 1}
        ]

    assert home_indicator_blocks_exist() == []
    with registry.override("home_indicators:opendata", blocks):
        problems = [(m.id, m.msg) for m in home_indicator_blocks_exist()]
    assert problems == [
        (
            "openlima.E025",
            "home_indicators:opendata: no template 'nowhere/figures.html'",
        )
    ]
    with registry.override("home_indicators:complaints", misplaced):
        problems = [m.msg for m in home_indicator_blocks_exist()]
    assert problems == [
        "home_indicators:complaints: 'sidebar' is not a place of the home page"
    ]
    with registry.override("indicators:commitments", None):
        problems = [m.msg for m in home_indicator_blocks_exist()]
    assert problems == [
        "home_indicators:commitments: no provider 'indicators:commitments' gives it figures"
    ]


def test_the_check_fails_on_a_missing_or_mismatched_home_charts_provider(monkeypatch):
    """`home_charts:` is checked like every contract: a promised provider that is
    missing (E021), one whose keyword differs (E022), one with nothing to draw or no
    block to show it (E026)."""
    from openlima.checks import home_charts_have_figures

    with registry.override("home_charts:participation", None):
        problems = check_ids()
    assert problems == [
        (
            "openlima.E021",
            "participation promises the provider 'home_charts:participation' but "
            "does not register it",
        )
    ]

    def charts(*, stats):  # the contract says figures
        return {}

    monkeypatch.setitem(registry._providers, "home_charts:complaints", charts)
    problems = check_ids()
    assert [p[0] for p in problems] == ["openlima.E022"]
    assert "lacks the parameter 'figures'" in problems[0][1]
    assert "requires the extra parameter 'stats'" in problems[0][1]
    monkeypatch.undo()

    assert home_charts_have_figures() == []
    with registry.override("indicators:commitments", None):
        problems = [(m.id, m.msg) for m in home_charts_have_figures()]
    assert problems == [
        (
            "openlima.E026",
            "home_charts:commitments: no provider 'indicators:commitments' gives it "
            "figures",
        )
    ]
    with registry.override("home_indicators:complaints", None):
        problems = [m.msg for m in home_charts_have_figures()]
    assert problems == [
        "home_charts:complaints: no provider 'home_indicators:complaints' shows them"
    ]


def test_a_home_charts_fake_with_another_keyword_is_refused_by_override():
    with (
        pytest.raises(registry.ContractMismatch, match="figures"),
        registry.override("home_charts:complaints", lambda *, data: {}),
    ):
        pass  # pragma: no cover
