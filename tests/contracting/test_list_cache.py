"""The process list for anonymous visitors is served by the portal's page cache
(openlima/pagecache.py, docs/contracting.md "Scale"): it sets no cookie (the follow
control is a link to its own page, where the form and its CSRF token are), a second visit
is a hit, and a publication shows at the very next request (generation bump)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracting import services
from contracting.models import Follow

pytestmark = pytest.mark.django_db

LIST = "/contrataciones/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def _get(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, len(ctx.captured_queries)


def test_anonymous_list_sets_no_cookie_and_is_served_from_the_cache(
    client, make_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_process("Losa deportiva en Comas")
    first, queries = _get(client, LIST + "?stage=tender")
    assert first.status_code == 200 and queries > 0
    assert not first.cookies and not first.has_header("Set-Cookie")
    assert "csrfmiddlewaretoken" not in first.content.decode()
    # The follow control is a link to the follow page (with this search).
    assert "/contrataciones/seguir/?query=stage%3Dtender" in first.content.decode()
    second, queries = _get(client, LIST + "?stage=tender")
    assert queries == 0
    assert second.content == first.content
    assert second["Cache-Control"] == "public, no-cache"


def test_a_publication_shows_at_once_on_the_cached_list(
    client, make_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_process("Primera convocatoria")
        later = make_process("Convocatoria programada", published=False)
        later.publish_at = timezone.now()
        later.save()
    html = client.get(LIST).content.decode()
    assert "Primera convocatoria" in html and "Convocatoria programada" not in html
    assert _get(client, LIST)[1] == 0  # cached
    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish_and_notify(now=timezone.now())["published"] == 1
    after, queries = _get(client, LIST)
    assert queries > 0
    assert "Convocatoria programada" in after.content.decode()


def test_follow_page_has_the_form_and_follows_after_sign_in(client, user):
    page = client.get("/contrataciones/seguir/?query=district%3Dcomas")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "/cuenta/" in html or "login" in html
    )  # a sign-in link for anonymous visitors
    assert Follow.objects.count() == 0
    client.force_login(user)
    page = client.get("/contrataciones/seguir/?query=district%3Dcomas")
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and 'value="district=comas"' in html
    assert "Comas" in html  # the search is described before confirming
    response = client.post("/contrataciones/seguir/", {"query": "district=comas"})
    assert response.status_code == 302
    assert Follow.objects.get(user=user).query == "district=comas"
    bad = client.get("/contrataciones/seguir/?query=stage%3Dnope")
    assert bad.status_code == 400
