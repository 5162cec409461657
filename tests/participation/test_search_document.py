"""The proposals' search vector lives in a table of its own (docs/performance.md, "Ninth
session"): a support, which updates the proposal's row, must not feed the GIN index again;
search still finds a proposal by its current text, ranked as before; migration 0008
moves the stored vectors there and back."""

import pytest
from django.db import connection

from participation.models import Proposal, ProposalSearchDocument
from participation.selectors import ProposalFilters, proposal_queryset, proposal_search
from participation.services import (
    proposal_search_index,
    proposal_support,
    proposal_update,
)
from tests.factories import UserFactory

from .factories import ProposalFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _titles(query: str) -> list[str]:
    qs = proposal_queryset(filters=ProposalFilters())
    return [p.title for p in proposal_search(qs, query=query)]


def test_no_gin_index_on_the_proposals_row_that_supports_update():
    """Every support updates the proposal's row; an index on that table that the update
    cannot skip costs every support. The full-text index is on the documents' table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes "
            "WHERE indexdef LIKE '%%USING gin%%' AND tablename LIKE 'participation_%%'"
        )
        gin = set(cursor.fetchall())
    assert ("participation_proposal", "prop_search_gin") not in gin
    assert gin == {("participation_proposalsearchdocument", "prop_doc_search_gin")}


def test_a_support_leaves_the_search_document_alone():
    proposal = ProposalFactory(title="Ciclovías seguras en el Cercado")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text FROM participation_proposalsearchdocument "
            "WHERE proposal_id = %s",
            [proposal.pk],
        )
        before = cursor.fetchone()
        proposal_support(user=UserFactory(), proposal_id=proposal.pk)
        cursor.execute(
            "SELECT xmin::text FROM participation_proposalsearchdocument "
            "WHERE proposal_id = %s",
            [proposal.pk],
        )
        assert cursor.fetchone() == before
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1
    assert _titles("ciclovias") == ["Ciclovías seguras en el Cercado"]


def test_an_edit_refreshes_the_document_and_search_follows_it():
    proposal = ProposalFactory(title="Más árboles en la avenida")
    assert _titles("arboles") == ["Más árboles en la avenida"]
    proposal_update(
        user=proposal.author,
        proposal_id=proposal.pk,
        title="Más bancas en la avenida",
        summary="Bancas para descansar",
        body="Bancas a la sombra para las personas mayores.",
        topic=proposal.topic,
    )
    assert _titles("arboles") == []
    assert _titles("bancas") == ["Más bancas en la avenida"]
    assert ProposalSearchDocument.objects.count() == 1


def test_the_stored_vector_is_the_one_django_computes():
    """Same weights (title A, summary B, body C) and configuration as the ORM's
    `spanish_vector`, so a rank is the same whichever way it was computed."""
    from openlima.search import spanish_vector

    ProposalFactory(title="Movilidad en el barrio", body="Buses y veredas del barrio.")
    computed = (
        Proposal.objects.annotate(
            v=spanish_vector(["title", "summary", "body"], ["A", "B", "C"])
        )
        .values_list("v", flat=True)
        .get()
    )
    stored = ProposalSearchDocument.objects.values_list(
        "search_vector", flat=True
    ).get()
    assert stored and stored == computed


def test_index_refresh_is_an_upsert_and_takes_only_whole_numbers():
    a, b = ProposalFactory(), ProposalFactory()
    assert proposal_search_index(proposal_ids=[]) == 0
    assert proposal_search_index(proposal_ids=[str(a.pk)]) == 1
    assert proposal_search_index() == 2
    assert ProposalSearchDocument.objects.count() == 2
    with pytest.raises(ValueError):
        proposal_search_index(proposal_ids=["1; DROP TABLE x"])
    assert {d.pk for d in ProposalSearchDocument.objects.all()} == {a.pk, b.pk}


def test_deleting_a_proposal_deletes_its_document():
    proposal = ProposalFactory()
    proposal.delete()
    assert not ProposalSearchDocument.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_migration_0008_moves_the_vectors_and_back():
    from django.core.management import call_command

    proposal = ProposalFactory(title="Paraderos techados en Comas")
    call_command("migrate", "participation", "0007", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector IS NOT NULL, "
            "to_regclass('participation_proposalsearchdocument') "
            "FROM participation_proposal WHERE id = %s",
            [proposal.pk],
        )
        assert cursor.fetchone() == (True, None)
    call_command("migrate", "participation", verbosity=0)
    assert ProposalSearchDocument.objects.filter(
        pk=proposal.pk, search_vector__isnull=False
    ).exists()
    assert _titles("paraderos") == ["Paraderos techados en Comas"]
