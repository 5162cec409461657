import pytest

from participation.models import Comment, ConsultationRating, Support
from tests.factories import UserFactory

from .factories import (
    ConsultationFactory,
    OptionFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_proposal_list_filters_ordering_and_cursor(client):
    low = ProposalFactory(support_count=1, topic="ambiente")
    high = ProposalFactory(support_count=9, topic="movilidad")
    ProposalFactory(status="withdrawn", withdrawn_reason="x")
    ProposalFactory(is_hidden=True, hidden_reason="spam")
    r = client.get("/api/v1/proposals/")
    assert r.status_code == 200
    assert [p["id"] for p in r.json()["results"]] == [high.pk, low.pk]
    r = client.get("/api/v1/proposals/?ordering=-support_count&page_size=1")
    body = r.json()
    assert body["results"][0]["id"] == high.pk and body["next"]
    assert client.get(body["next"]).json()["results"][0]["id"] == low.pk
    assert [
        p["id"]
        for p in client.get("/api/v1/proposals/?topic=ambiente").json()["results"]
    ] == [low.pk]
    assert (
        client.get("/api/v1/proposals/?status=withdrawn").json()["results"][0]["status"]
        == "withdrawn"
    )
    found = client.get("/api/v1/proposals/?search=" + high.title.split()[-1]).json()[
        "results"
    ]
    assert high.pk in [p["id"] for p in found]
    assert client.get("/api/v1/proposals/?cursor=garbage").status_code == 404


def test_proposal_detail_and_hidden_404(client):
    p = ProposalFactory()
    r = client.get(f"/api/v1/proposals/{p.pk}/")
    assert r.status_code == 200 and r.json()["body_html"]
    assert "email" not in r.content.decode()
    hidden = ProposalFactory(is_hidden=True)
    assert client.get(f"/api/v1/proposals/{hidden.pk}/").status_code == 404


def test_support_api_idempotent_and_authenticated(client):
    p = ProposalFactory()
    url = f"/api/v1/proposals/{p.pk}/support/"
    assert client.post(url).status_code == 403
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        r = client.post(url)
        assert r.status_code == 200
        assert r.json() == {
            "proposal": p.pk,
            "supported": True,
            "support_count": 1,
            "status": "published",
        }
    assert Support.objects.filter(proposal=p).count() == 1
    for _ in range(2):
        r = client.delete(url)
        assert r.json()["supported"] is False and r.json()["support_count"] == 0
    assert client.post("/api/v1/proposals/999999/support/").status_code == 404


def test_support_api_unverified_email_is_403(client):
    p = ProposalFactory()
    client.force_login(UserFactory(verified_email=False))
    r = client.post(f"/api/v1/proposals/{p.pk}/support/")
    assert r.status_code == 403 and "detail" in r.json()


def test_comment_api(client):
    p = ProposalFactory()
    client.force_login(UserFactory())
    r = client.post(
        "/api/v1/comments/",
        {
            "target_type": "participation.proposal",
            "target_id": p.pk,
            "body": "Buena idea",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["depth"] == 0
    bad = [
        {"target_type": "participation.proposal", "target_id": p.pk, "body": ""},
        {"target_type": "auth.user", "target_id": 1, "body": "x"},
        {"target_type": "participation.proposal", "target_id": "abc", "body": "x"},
        {
            "target_type": "participation.proposal",
            "target_id": p.pk,
            "body": "x" * 3001,
        },
    ]
    for data in bad:
        r = client.post("/api/v1/comments/", data, content_type="application/json")
        assert r.status_code == 400, data
    r = client.post(
        "/api/v1/comments/",
        {"target_type": "participation.proposal", "target_id": 99999, "body": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert Comment.objects.count() == 1


def test_consultation_api_results_and_rating(client):
    c = ConsultationFactory()
    o = OptionFactory(consultation=c)
    other = OptionFactory()
    client.force_login(UserFactory())
    url = f"/api/v1/consultations/{c.pk}/ratings/"
    r = client.post(
        url,
        {"option": o.pk, "level": "high", "contribution": "sí"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["level"] == "high"
    r = client.post(
        url, {"option": o.pk, "level": "low"}, content_type="application/json"
    )
    assert r.json()["level"] == "low"
    assert (
        client.post(
            url, {"option": o.pk, "level": "huge"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {"option": other.pk, "level": "low"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert ConsultationRating.objects.count() == 1
    data = client.get("/api/v1/consultations/").json()
    mine = next(x for x in data["results"] if x["id"] == c.pk)
    result = mine["results"][0]
    assert mine["weights"] == {"high": 3, "medium": 2, "low": 1}
    assert result["score"] == 1 and result["counts"]["low"] == 1 and result["rank"] == 1


def test_sessions_api_lists_the_session_with_its_public_fields(client):
    session = SessionFactory()
    r = client.get("/api/v1/sessions/")
    assert r.status_code == 200
    listed = r.json()["results"]
    assert [s["id"] for s in listed] == [session.pk]
    assert listed[0]["title"] == session.title


def test_schema_includes_participation(client):
    r = client.get("/api/v1/schema/")
    assert r.status_code == 200 and b"/api/v1/proposals/{id}/support/" in r.content
