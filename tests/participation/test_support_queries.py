"""The new-support path stays within its query budget (docs/performance.md): a signed-in
user's first support on a proposal, through the whole middleware stack.

On PostgreSQL a new support is the user's row and one statement (here wrapped in the
test transaction's savepoint: 4 queries; in a request, 2 round trips). SQLite keeps the
e-mail check and the two statements in a transaction (6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import Proposal, Support
from tests.factories import UserFactory

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db

SUPPORT_QUERY_BOUND = 6


def _new_support_bound() -> int:
    return 4 if connection.vendor == "postgresql" else SUPPORT_QUERY_BOUND


@pytest.fixture(autouse=True)
def cached_sessions(settings):
    """Production with Redis reads sessions from the cache (config/settings/base.py);
    the in-process cache stands in for it here, so SQLite runs count the same."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def _signed_in(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_new_support_api_within_query_bound(client):
    proposal = ProposalFactory()
    _signed_in(client)
    url = f"/api/v1/proposals/{proposal.pk}/support/"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url)
    queries = [q["sql"] for q in ctx.captured_queries]
    assert response.status_code == 200, response.content
    assert response.json()["supported"] is True
    assert response.json()["support_count"] == 1
    assert len(queries) <= _new_support_bound(), "\n".join(queries)
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1


def test_repeated_support_within_query_bound(client):
    proposal = ProposalFactory()
    _signed_in(client)
    url = f"/api/v1/proposals/{proposal.pk}/support/"
    assert client.post(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url)
    queries = [q["sql"] for q in ctx.captured_queries]
    assert response.status_code == 200
    assert response.json() | {"proposal": 0} == {
        "proposal": 0,
        "supported": True,
        "support_count": 1,
        "status": "published",
    }
    assert len(queries) <= SUPPORT_QUERY_BOUND, "\n".join(queries)


def test_unverified_user_support_refused_and_nothing_written(client):
    """The one statement checks the verified address itself: an account without one is
    refused by the slow path, and neither the row nor the counter moves."""
    proposal = ProposalFactory()
    user = UserFactory()
    user.emailaddress_set.update(verified=False)
    client.force_login(user)
    response = client.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.status_code == 403
    assert not Support.objects.filter(proposal=proposal).exists()
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0


def test_support_answer_is_the_documented_support_state(client):
    """The POST answer is built as a plain dict (no serializer pass on the hot path); it
    must stay exactly what the schema documents (SupportStateSerializer)."""
    from participation.apis import SupportStateSerializer

    proposal = ProposalFactory()
    _signed_in(client)
    answer = client.post(f"/api/v1/proposals/{proposal.pk}/support/").json()
    assert answer == dict(SupportStateSerializer(answer).data)
    assert list(answer) == list(SupportStateSerializer().fields)
    assert answer == {
        "proposal": proposal.pk,
        "supported": True,
        "support_count": 1,
        "status": "published",
    }
    again = client.post(f"/api/v1/proposals/{proposal.pk}/support/").json()
    assert again == answer
