"""Following a commitment by e-mail without a CSRF token (openlima/sameorigin.py): the
anonymous commitment page no longer sets a cookie, so the anonymous page cache shares it,
and the token-free form is refused when the browser says another site sent it."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commitments.models import Subscription

pytestmark = pytest.mark.django_db


def _follow_url(commitment) -> str:
    return commitment.get_absolute_url() + "seguir-por-correo/"


def test_the_anonymous_commitment_page_sets_no_cookie_and_is_shared(
    client, settings, commitment
):
    settings.PAGE_CACHE_SECONDS = 300
    url = commitment.get_absolute_url()
    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200
    assert "csrftoken" not in first.cookies  # nothing of this visitor in the page
    assert "csrfmiddlewaretoken" not in html
    assert f'action="{_follow_url(commitment)}"' in html
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert len(queries) == 0  # another visitor gets the stored copy
    assert second.content == first.content


def test_an_anonymous_visitor_follows_without_a_token(
    commitment, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _follow_url(commitment),
            {"email": "Vecina@Example.pe"},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
    assert response.status_code == 302
    assert response["Location"] == commitment.get_absolute_url()
    sub = Subscription.objects.get()
    assert sub.email == "vecina@example.pe" and not sub.is_active  # double opt-in
    assert sub.user is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://atacante.example"},
        {"Origin": "http://testserver.atacante.example"},
    ],
)
def test_a_post_another_site_sent_is_refused(commitment, headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _follow_url(commitment), {"email": "vecina@example.pe"}, headers=headers
    )
    assert response.status_code == 403
    assert Subscription.objects.count() == 0 and mail.outbox == []


def test_own_origin_and_null_origin_are_let_through(commitment):
    client = Client(enforce_csrf_checks=True)
    for n, origin in enumerate(["http://testserver", "null"]):
        response = client.post(
            _follow_url(commitment),
            {"email": f"vecina{n}@example.pe"},
            headers={"Origin": origin},
        )
        assert response.status_code == 302, origin
    assert Subscription.objects.count() == 2


def test_the_token_free_form_never_acts_on_the_signed_in_account(
    client, user, commitment
):
    """A signed-in visitor lured into posting it only asks for a confirmation e-mail to
    the address posted; their account follows nothing."""
    client.force_login(user)
    response = client.post(_follow_url(commitment), {"email": "otra@example.pe"})
    assert response.status_code == 302
    sub = Subscription.objects.get()
    assert sub.user is None and sub.email == "otra@example.pe" and not sub.is_active
    assert not Subscription.objects.filter(user=user).exists()


def test_the_token_free_form_refuses_bad_input(client, commitment):
    url = _follow_url(commitment)
    for bad in ["", "no-es-correo", "a" * 300 + "@x.pe", "<script>@x", "a\x00@x.pe"]:
        response = client.post(url, {"email": bad})
        assert response.status_code == 400, bad
        html = response.content.decode()
        assert 'class="error"' in html and "<script>@x" not in html
        assert "csrfmiddlewaretoken" not in html  # the form posts here again
    assert client.post(url, {"email": ["a@x.pe", "b@x.pe"]}).status_code in (302, 400)
    assert client.get(url).status_code == 405
    assert client.post("/compromisos/nope/nope/seguir-por-correo/").status_code == 404
    assert Subscription.objects.count() <= 1 and len(mail.outbox) == 0
