"""Issue 12: flagging a comment asks for a reason and cannot be done on one's own comment;
voting on one's own comment is refused — in the service, the API and the pages."""

import pytest
from django.urls import reverse

from openlima.errors import ApplicationError, Invalid
from participation import services
from participation.models import Comment, CommentFlag, CommentVote
from tests.factories import UserFactory
from tests.participation.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_flag_needs_a_known_reason_and_keeps_it():
    c = CommentFactory()
    u = UserFactory()
    for bad in ("", "lo-que-sea", "x" * 500, "spam\x00"):
        with pytest.raises(Invalid) as exc:
            services.comment_flag(user=u, comment_id=c.pk, reason=bad)
        assert exc.value.status_code == 400
    assert not CommentFlag.objects.exists()
    services.comment_flag(user=u, comment_id=c.pk, reason="offensive")
    assert CommentFlag.objects.get().reason == "offensive"


def test_own_comment_cannot_be_flagged_or_voted():
    c = CommentFactory()
    with pytest.raises(ApplicationError, match="propio comentario") as exc:
        services.comment_flag(user=c.author, comment_id=c.pk, reason="spam")
    assert exc.value.status_code == 409
    with pytest.raises(ApplicationError, match="propio comentario"):
        services.comment_vote(user=c.author, comment_id=c.pk, value=1)
    c.refresh_from_db()
    assert c.flag_count == 0 and (c.upvotes, c.downvotes) == (0, 0)


def _api_client(user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_flag_and_vote_rules():
    c = CommentFactory()
    other = UserFactory()
    flag = reverse("api:participation-comment-flag", args=[c.pk])
    vote = reverse("api:participation-comment-vote", args=[c.pk])
    own = _api_client(c.author)
    r = own.post(flag, {"reason": "spam"}, format="json")
    assert r.status_code == 409 and "propio comentario" in r.json()["detail"]
    r = own.post(vote, {"value": 1}, format="json")
    assert r.status_code == 409
    api = _api_client(other)
    assert api.post(flag, {}, format="json").status_code == 400
    assert api.post(flag, {"reason": "<b>x</b>"}, format="json").status_code == 400
    r = api.post(flag, {"reason": "personal_data"}, format="json")
    assert r.status_code == 200 and r.json()["flagged"] is True
    assert api.post(vote, {"value": "mucho"}, format="json").status_code == 400
    assert api.post(vote, {"value": 10**30}, format="json").status_code == 400
    r = api.post(vote, {"value": -1}, format="json")
    assert r.status_code == 200 and r.json()["downvotes"] == 1
    assert CommentFlag.objects.get().user == other
    assert CommentVote.objects.get().user == other
    missing = reverse("api:participation-comment-flag", args=[999999])
    assert api.post(missing, {"reason": "spam"}, format="json").status_code == 404
    from rest_framework.test import APIClient

    assert APIClient().post(flag, {"reason": "spam"}, format="json").status_code in (
        401,
        403,
    )


def test_flag_page_asks_for_the_reason_without_javascript(client):
    c = CommentFactory()
    user = UserFactory()
    client.force_login(user)
    url = reverse("participation:comment_action", args=[c.pk, "flag"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="reason"' in body and "Contenido ofensivo" in body
    # No reason: the form comes back with the error, nothing written.
    again = client.post(url, {})
    assert again.status_code == 400 and not CommentFlag.objects.exists()
    done = client.post(url, {"reason": "spam"})
    assert done.status_code == 302
    assert CommentFlag.objects.get().reason == "spam"


def test_flag_in_place_confirms_and_own_comment_has_no_flag_or_vote_controls(client):
    c = CommentFactory()
    user = UserFactory()
    client.force_login(user)
    url = reverse("participation:comment_action", args=[c.pk, "flag"])
    r = client.post(url, {"reason": "off_topic"}, headers={"HX-Request": "true"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "Gracias: el equipo de moderación lo revisará." in body
    assert CommentFlag.objects.get().reason == "off_topic"
    # The author sees no "Reportar", "A favor" or "En contra" on their own comment.
    client.force_login(c.author)
    thread = client.get(
        reverse("participation:comments", args=[c.target_type, c.target_id]),
        headers={"HX-Request": "true"},
    ).content.decode()
    node = thread.split(f'id="comentario-{c.pk}"')[1]
    assert "Reportar" not in node and "A favor<" not in node
    r = client.post(url, {"reason": "spam"})
    assert r.status_code in (302, 409)
    assert Comment.objects.get(pk=c.pk).flag_count == 1


def test_commitment_page_comments_use_lima_activa_styles(client):
    from tests.commitments.factories import CommitmentFactory

    commitment = CommitmentFactory()
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "participation/participation.css" in body
    assert "participation/includes/comments" not in body  # rendered, not named
