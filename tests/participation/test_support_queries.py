"""The new-support path stays within its query budget (docs/performance.md): a signed-in
user's first support on a proposal, through the whole middleware stack."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import Proposal, Support
from tests.factories import UserFactory

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db

SUPPORT_QUERY_BOUND = 6


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
    assert len(queries) <= SUPPORT_QUERY_BOUND, "\n".join(queries)
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
