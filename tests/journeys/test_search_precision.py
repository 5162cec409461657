"""Site search precision (issue 12): a query that matches nothing returns nothing, and
each kind of public thing is found by a word of its title. On PostgreSQL the rows are
filtered with the match operator, not by `ts_rank > 0` (which keeps every row)."""

import pytest

from opendata import services as opendata_services
from opendata.models import Dataset
from openlima import selectors as core_selectors
from openlima.models import OrgUnit
from tests.budgets.factories import ProjectFactory
from tests.commitments.factories import CommitmentFactory, MilestoneFactory
from tests.participation.factories import (
    ConsultationFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_each():
    commitment = CommitmentFactory(title="Gobierno digital transparente")
    MilestoneFactory(commitment=commitment, title="Portal de hitos cumplidos")
    ProposalFactory(title="Biblioteca municipal en Comas")
    ConsultationFactory(title="Prioridades del malecón costero")
    SessionFactory(title="Asamblea vecinal de Surquillo")
    project = ProjectFactory(title="Rampas accesibles en Breña")
    process = project.heading.process
    process.title = "Presupuesto participativo metropolitano"
    process.save()
    opendata_services.dataset_create(
        title="Paraderos de transporte",
        description="Paraderos autorizados del Cercado.",
        publisher=OrgUnit.objects.get(slug="sgdi"),
        tags=[],
        state=Dataset.State.PUBLISHED,
    )


def kinds(query):
    return {r["kind"] for r in core_selectors.search_everything(query=query)}


@pytest.mark.parametrize(
    "query,kind",
    [
        ("transparente", "commitment"),
        ("cumplidos", "milestone"),
        ("biblioteca", "proposal"),
        ("malecón", "consultation"),
        ("surquillo", "session"),
        ("Rampas", "budget_project"),
        ("metropolitano", "budget_process"),
        ("paraderos", "dataset"),
    ],
)
def test_each_kind_is_found_by_a_word_of_its_title(one_of_each, query, kind):
    assert kinds(query) == {kind}


@pytest.mark.parametrize("query", ["zzzz yyyy", "zzzz", "qwxv plmk rtzz"])
def test_a_nonsense_query_returns_nothing(one_of_each, query):
    assert core_selectors.search_everything(query=query) == []


@pytest.mark.postgres
def test_multi_word_nonsense_returns_nothing_on_postgres(one_of_each, client):
    """The reported case: "zzzz yyyy" listed every row (ranked 1e-20) on PostgreSQL."""
    response = client.get("/buscar/", {"q": "zzzz yyyy"})
    assert response.status_code == 200
    assert response.context["results"] == []
