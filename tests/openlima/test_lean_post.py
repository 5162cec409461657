"""The lean path of a hot JSON write (openlima.api.LeanPostMixin, docs/performance.md):
a session user's plain POST is answered without DRF's request machinery, with the same
answer and headers DRF gives; everything else still goes through DRF."""

import pytest
from django.test import Client

from participation.apis import ProposalSupportApi
from participation.models import Support
from tests.factories import UserFactory
from tests.participation.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """Which path answered each request that reached the handler: 'lean' or 'drf'
    (DRF's `post` calls `lean_post` too)."""
    seen = []
    lean, drf = ProposalSupportApi.lean_post, ProposalSupportApi.post
    inside_drf = []

    def lean_post(self, request, **kwargs):
        if not inside_drf:
            seen.append("lean")
        return lean(self, request, **kwargs)

    def post(self, request, *args, **kwargs):
        seen.append("drf")
        inside_drf.append(True)
        try:
            return drf(self, request, *args, **kwargs)
        finally:
            inside_drf.pop()

    monkeypatch.setattr(ProposalSupportApi, "lean_post", lean_post)
    monkeypatch.setattr(ProposalSupportApi, "post", post)
    return seen


def _url(proposal) -> str:
    return f"/api/v1/proposals/{proposal.pk}/support/"


def test_lean_answer_is_drfs_answer(client, calls, monkeypatch):
    """Body, status and headers as DRF gives them for the same support."""
    first, second = ProposalFactory(), ProposalFactory()
    client.force_login(UserFactory())
    lean = client.post(_url(first))
    assert calls == ["lean"]
    monkeypatch.setattr(ProposalSupportApi, "_lean_applies", lambda self, r: False)
    drf = client.post(_url(second))
    assert calls == ["lean", "drf"]
    assert lean.status_code == drf.status_code == 200
    assert lean.json() | {"proposal": 0} == drf.json() | {"proposal": 0}
    assert lean.content.replace(
        b'"proposal":%d,' % first.pk, b'"proposal":N,'
    ) == drf.content.replace(b'"proposal":%d,' % second.pk, b'"proposal":N,')
    for header in ("Content-Type", "Allow", "Vary", "Content-Language"):
        assert lean.headers.get(header) == drf.headers.get(header), header
    assert lean.headers["Content-Type"] == "application/json"
    assert "Accept" in lean.headers["Vary"]


def test_csrf_still_enforced_on_the_lean_path(calls):
    """Without the token the lean path steps aside and DRF refuses, with its message;
    nothing is written."""
    proposal = ProposalFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(_url(proposal))
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert calls == []  # refused by DRF before the handler
    assert not Support.objects.filter(proposal=proposal).exists()


def test_with_the_csrf_token_the_lean_path_answers(calls):
    proposal = ProposalFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    client.get("/participa/propuestas/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(_url(proposal), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert calls == ["lean"]
    assert Support.objects.filter(proposal=proposal).count() == 1


def test_anonymous_goes_through_drf(client, calls):
    proposal = ProposalFactory()
    response = client.post(_url(proposal))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert calls == []
    assert not Support.objects.filter(proposal=proposal).exists()


def test_token_query_string_and_other_accept_go_through_drf(client, calls):
    from rest_framework.authtoken.models import Token

    user = UserFactory()
    token = Token.objects.create(user=user)
    first, second, third = ProposalFactory(), ProposalFactory(), ProposalFactory()
    r = Client().post(_url(first), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert r.status_code == 200, r.content
    client.force_login(user)
    r = client.post(_url(second) + "?format=json")
    assert r.status_code == 200
    r = client.post(_url(third), HTTP_ACCEPT="application/json; indent=2")
    assert r.status_code == 200 and b"\n" in r.content
    assert calls == ["drf", "drf", "drf"]
    assert Support.objects.filter(user=user).count() == 3


def test_errors_on_the_lean_path_are_drfs_errors(client, calls):
    """An exception of the service is answered by the view's DRF exception handling:
    the unknown proposal is the API's JSON 404, the unverified account its 403."""
    client.force_login(UserFactory())
    r = client.post("/api/v1/proposals/999999999/support/")
    assert r.status_code == 404
    assert r["Content-Type"] == "application/json"
    assert r.json()["detail"]
    unverified = UserFactory()
    unverified.emailaddress_set.update(verified=False)
    client.force_login(unverified)
    proposal = ProposalFactory()
    r = client.post(_url(proposal))
    assert r.status_code == 403 and r.json()["detail"]
    assert calls == ["lean", "lean"]
    assert not Support.objects.filter(proposal=proposal).exists()


def test_inactive_session_user_is_not_authenticated(client, calls):
    user = UserFactory()
    client.force_login(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    proposal = ProposalFactory()
    r = client.post(_url(proposal))
    assert r.status_code == 403
    assert calls == []
    assert not Support.objects.filter(proposal=proposal).exists()
