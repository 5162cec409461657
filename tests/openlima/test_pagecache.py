"""Anonymous page cache (openlima/pagecache.py, docs/performance.md): hits skip the work,
and a support, an edit or a publication shows at the very next request.

Generations are bumped after commit; the test's own transaction never commits, so each
write under test runs inside `django_capture_on_commit_callbacks(execute=True)`, which
runs what a commit would."""

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/participa/propuestas/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def _get(client, path, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, headers=headers)
    return response, len(ctx.captured_queries)


def test_second_anonymous_request_is_a_hit_with_cdn_headers(client):
    from tests.participation.factories import ProposalFactory

    ProposalFactory(title="Veredas anchas en Breña")
    first, queries = _get(client, LIST)
    assert first.status_code == 200 and queries > 0
    second, queries = _get(client, LIST)
    assert queries == 0
    assert second.content == first.content
    assert "Veredas anchas en Breña" in second.content.decode()
    assert second["Cache-Control"] == "public, no-cache"
    assert "Cookie" in second["Vary"]
    etag = second["ETag"]
    assert etag == first["ETag"]
    not_modified, queries = _get(client, LIST, if_none_match=etag)
    assert not_modified.status_code == 304 and queries == 0


def test_query_string_and_language_are_part_of_the_key(client):
    from tests.participation.factories import ProposalFactory

    ProposalFactory(title="Ciclovía en Surco", topic="movilidad")
    spanish = client.get(LIST).content
    english = client.get("/en" + LIST).content
    assert spanish != english
    assert b'lang="en"' in english
    filtered = client.get(LIST + "?tema=ambiente").content.decode()
    assert "Ciclovía en Surco" not in filtered
    assert "Ciclovía en Surco" in client.get(LIST).content.decode()


def test_a_support_shows_at_once_on_the_cached_proposal_page(
    client, django_capture_on_commit_callbacks
):
    from tests.participation.factories import ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        proposal = ProposalFactory()
    page = f"/participa/propuestas/{proposal.pk}/"
    client.get(page)
    assert _get(client, page)[1] == 0  # cached
    supporter = Client()
    supporter.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = supporter.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.json()["support_count"] == 1
    after, queries = _get(client, page)
    assert queries > 0  # rendered again
    from participation.models import Proposal

    assert Proposal.objects.get(pk=proposal.pk).support_count == 1
    assert _count_on_page(after.content.decode()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_support_committed_in_autocommit_shows_at_once(client):
    """As in production (no surrounding transaction): on PostgreSQL the support is one
    WITH statement writing two tables, and it must still bump the generation."""
    from participation.models import Proposal
    from tests.participation.factories import ProposalFactory

    proposal = ProposalFactory()
    supporter = Client()
    supporter.force_login(UserFactory())  # a write of its own: before the page is kept
    page = f"/participa/propuestas/{proposal.pk}/"
    client.get(page)
    assert _get(client, page)[1] == 0  # cached
    response = supporter.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.json()["support_count"] == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1
    after, queries = _get(client, page)
    assert queries > 0  # rendered again
    assert _count_on_page(after.content.decode()) == 1


def _count_on_page(html: str) -> int:
    import re

    match = re.search(r'data-testid="support-count">(\d+)<', html)
    assert match, "support count not found on the page"
    return int(match.group(1))


def test_an_edit_shows_at_once_on_the_cached_list(
    client, django_capture_on_commit_callbacks
):
    from participation import services
    from tests.participation.factories import ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        proposal = ProposalFactory(title="Título antes")
    assert "Título antes" in client.get(LIST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_update(
            user=proposal.author,
            proposal_id=proposal.pk,
            title="Título después",
            summary="s",
            body="cuerpo largo de texto",
            topic="otros",
        )
    html = client.get(LIST).content.decode()
    assert "Título después" in html and "Título antes" not in html


def test_a_publication_shows_at_once_on_the_cached_catalogue(
    client, django_capture_on_commit_callbacks
):
    from opendata import services
    from opendata.models import Dataset
    from tests.opendata.factories import DatasetFactory

    with django_capture_on_commit_callbacks(execute=True):
        draft = DatasetFactory(
            title="Paraderos de Lima", state=Dataset.State.DRAFT, published_at=None
        )
    assert "Paraderos de Lima" not in client.get("/datos/").content.decode()
    assert _get(client, "/datos/")[1] == 0  # cached, draft not shown
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_publish(dataset=draft)
    assert "Paraderos de Lima" in client.get("/datos/").content.decode()


def test_a_support_storm_elsewhere_leaves_the_catalogue_cached(
    client, django_capture_on_commit_callbacks
):
    from tests.participation.factories import ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        author = UserFactory()
    client.get("/datos/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ProposalFactory(author=author)  # a participation write only
    assert callbacks  # the participation generation was bumped
    assert _get(client, "/datos/")[1] == 0


def test_signed_in_visitors_are_never_served_the_anonymous_copy(client):
    from tests.participation.factories import ProposalFactory

    ProposalFactory()
    anonymous = client.get(LIST)
    user = UserFactory(display_name="Vecina Rosa")
    signed_in = Client()
    signed_in.force_login(user)
    response, queries = _get(signed_in, LIST)
    assert queries > 0
    assert response.content != anonymous.content
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_pages_that_set_a_cookie_are_not_stored(client):
    # The login page uses the CSRF token: it sets the cookie, so it is never shared.
    client.get("/cuenta/login/")
    assert _get(client, "/cuenta/login/")[1] >= 0
    response = Client().get("/participa/propuestas/nueva/")
    assert response.status_code in (200, 302)
    assert "public" not in response.get("Cache-Control", "")


def test_a_page_that_stopped_setting_a_cookie_is_stored_at_once(client):
    """The "sets a cookie" mark outlived the reason: a page an older release rendered
    with a CSRF token (the commitment page's follow form) stayed uncached for
    PAGE_CACHE_SECONDS after the release that removed the token."""
    from django.core.cache import cache

    from openlima.pagecache import NOSTORE_KEY, _apps_for, _keys
    from tests.participation.factories import ProposalFactory

    ProposalFactory(title="Parque en Comas")
    request = RequestFactory().get(LIST)
    _key, page = _keys(request, _apps_for(LIST))
    cache.set(NOSTORE_KEY.format(page), 1, 300)  # left by the older release
    first, queries = _get(client, LIST)
    assert first.status_code == 200 and queries > 0
    assert cache.get(NOSTORE_KEY.format(page)) is None
    second, queries = _get(client, LIST)
    assert queries == 0 and second.content == first.content


def test_off_without_a_shared_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(LIST)
    assert _get(client, LIST)[1] > 0


def test_a_write_in_autocommit_mode_bumps_at_once(client):
    """Outside a transaction the write is already committed: bumped immediately."""
    from django.core.cache import cache

    from openlima.pagecache import GENERATION_KEY, generation_bump

    before = cache.get(GENERATION_KEY.format("participation"), 0)
    generation_bump("participation")
    assert cache.get(GENERATION_KEY.format("participation")) == before + 1


# --- cold pages: one rebuilder, the others get the previous copy or wait ----------------


def _concurrent(middleware, n, path="/participa/"):
    import threading

    from django.test import RequestFactory

    results = []
    barrier = threading.Barrier(n)

    def visit():
        barrier.wait()
        results.append(middleware(RequestFactory().get(path)))

    threads = [threading.Thread(target=visit) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _slow_view(calls, body=b"pagina", cookie=False, delay=0.4):
    import threading
    import time

    from django.http import HttpResponse

    lock = threading.Lock()

    def view(request):
        with lock:
            calls.append(1)
        time.sleep(delay)
        response = HttpResponse(body + str(len(calls)).encode())
        if cookie:
            response.set_cookie("csrftoken", "x")
        return response

    return view


def test_a_cold_page_is_built_once_by_many_simultaneous_visitors():
    """Stampede: 8 visitors at once on a cold page (no previous copy): one request
    renders it, the other seven wait for it and get the same bytes."""
    from django.core.cache import cache

    from openlima.pagecache import AnonymousPageCacheMiddleware

    cache.clear()
    calls = []
    middleware = AnonymousPageCacheMiddleware(_slow_view(calls))
    responses = _concurrent(middleware, 8)
    assert len(calls) == 1
    assert {r.content for r in responses} == {b"pagina1"}
    assert all(r.status_code == 200 for r in responses)


def test_during_a_rebuild_the_others_get_the_previous_copy_at_once():
    """After a write the page is cold again: one request rebuilds it while the others
    are served the previous copy (marked stale) without rendering or waiting."""
    import time

    from django.core.cache import cache

    from openlima.pagecache import AnonymousPageCacheMiddleware, generation_bump

    cache.clear()
    calls = []
    middleware = AnonymousPageCacheMiddleware(_slow_view(calls, delay=0.5))
    first = _concurrent(middleware, 1)[0]
    assert first.content == b"pagina1"
    generation_bump("participation")
    started = time.monotonic()
    responses = _concurrent(middleware, 6)
    assert len(calls) == 2  # one rebuild for six visitors
    fresh = [r for r in responses if r.content == b"pagina2"]
    stale = [r for r in responses if r.content == b"pagina1"]
    assert len(fresh) == 1 and len(stale) == 5
    assert all(r["X-Page-Cache"] == "stale" for r in stale)
    assert time.monotonic() - started < 1.5
    # The next visitor gets the rebuilt page.
    assert _concurrent(middleware, 1)[0].content == b"pagina2" and len(calls) == 2


def test_a_page_that_cannot_be_stored_does_not_make_anyone_wait():
    """A page that sets a cookie is never shared: once seen, requests neither lock nor
    wait for it (each renders its own)."""
    from django.core.cache import cache

    from openlima.pagecache import AnonymousPageCacheMiddleware

    cache.clear()
    calls = []
    middleware = AnonymousPageCacheMiddleware(_slow_view(calls, cookie=True, delay=0.1))
    _concurrent(middleware, 1)
    responses = _concurrent(middleware, 4)
    assert len(calls) == 5 and all(r.cookies for r in responses)


# --- signed-in pages: the shared parts cached as fragments -------------------------------


def test_signed_in_list_caches_cards_and_filters_and_shows_writes_at_once(
    django_capture_on_commit_callbacks,
):
    """A signed-in visitor's proposal list reuses the cached filter form and cards (the
    districts query and the card rendering are skipped on the second visit), yet the
    visitor's own support and an author's edit show at the very next request."""
    from participation import services
    from tests.participation.factories import ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        proposal = ProposalFactory(title="Bancas en el parque")
    visitor = Client()
    visitor.force_login(UserFactory())
    first, cold = _get(visitor, LIST)
    second, warm = _get(visitor, LIST)
    assert first.status_code == second.status_code == 200
    assert warm < cold  # the CSRF token differs per response, the rest is the same
    assert "Bancas en el parque" in second.content.decode()
    assert "Usted la apoya" not in second.content.decode()
    assert second["Cache-Control"] == "private"
    # An edit shows at once for signed-in visitors too.
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_update(
            user=proposal.author,
            proposal_id=proposal.pk,
            title="Bancas nuevas en el parque",
            summary="s",
            body="cuerpo largo de texto",
            topic="otros",
        )
    assert "Bancas nuevas en el parque" in visitor.get(LIST).content.decode()

    # The visitor supports: their mark and the new count show at once.
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"/api/v1/proposals/{proposal.pk}/support/")
    assert response.status_code in (200, 201)
    html = visitor.get(LIST).content.decode()
    assert "Usted la apoya" in html and "<strong>1</strong> apoyo" in html
    # Another visitor (who has not supported) shares the cards but not the mark.
    other = Client()
    other.force_login(UserFactory())
    assert "Usted la apoya" not in other.get(LIST).content.decode()


def test_signed_in_list_reads_the_proposals_once_per_generation(
    django_capture_on_commit_callbacks,
):
    """The page of proposals is the same for every signed-in visitor: read once, reused
    until participation changes (openlima.pagecache.generation_memo)."""
    from tests.participation.factories import ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        ProposalFactory(title="Bancas en el parque")
    visitors = [Client(), Client()]
    for visitor in visitors:
        visitor.force_login(UserFactory())
    assert visitors[0].get(LIST).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        html = visitors[1].get(LIST).content.decode()
    assert "Bancas en el parque" in html
    reads = [
        q["sql"] for q in ctx.captured_queries if "participation_proposal" in q["sql"]
    ]
    assert reads == []
    others = [q for q in ctx.captured_queries if "django_session" not in q["sql"]]
    assert len(others) <= 3  # user, their supports, their e-mail check
    with django_capture_on_commit_callbacks(execute=True):
        ProposalFactory(title="Veredas nuevas")
    assert "Veredas nuevas" in visitors[1].get(LIST).content.decode()


def test_signed_in_proposal_page_reads_the_proposal_once_per_generation(
    django_capture_on_commit_callbacks,
):
    from participation import services
    from tests.participation.factories import ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        proposal = ProposalFactory(title="Bancas en el parque")
    url = f"/participa/propuestas/{proposal.pk}/"
    visitors = [Client(), Client()]
    for visitor in visitors:
        visitor.force_login(UserFactory())
    assert visitors[0].get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        html = visitors[1].get(url).content.decode()
    assert "Bancas en el parque" in html
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "participation_proposal"' in q["sql"]
        or 'FROM "participation_session"' in q["sql"]
    ]
    assert reads == []
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_update(
            user=proposal.author,
            proposal_id=proposal.pk,
            title="Bancas nuevas en el parque",
            summary="s",
            body="cuerpo largo de texto",
            topic="otros",
        )
    assert "Bancas nuevas en el parque" in visitors[1].get(url).content.decode()


# --- View counters (openlima/viewcounts.py) ---------------------------------------------


def test_a_dataset_view_does_not_empty_the_cached_catalogue(
    client, django_capture_on_commit_callbacks
):
    from opendata.models import DatasetDailyStat
    from openlima import viewcounts
    from tests.opendata.factories import DatasetFactory

    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(slug="paraderos", title="Paraderos de Lima")
    client.get("/datos/")
    assert _get(client, "/datos/")[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().get("/datos/paraderos/").status_code == 200
        viewcounts.flush()
    assert DatasetDailyStat.objects.get(dataset=dataset).views == 1
    assert _get(client, "/datos/")[1] == 0  # still the cached catalogue


def test_cached_hits_of_a_dataset_page_are_counted(
    client, django_capture_on_commit_callbacks
):
    from opendata.models import DatasetDailyStat
    from openlima import viewcounts
    from tests.opendata.factories import DatasetFactory

    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(slug="paraderos", title="Paraderos de Lima")
    first = client.get("/datos/paraderos/")
    second, queries = _get(client, "/datos/paraderos/")
    third = client.get("/datos/paraderos/", headers={"if-none-match": second["ETag"]})
    assert second.content == first.content and third.status_code == 304
    # The hit: no query with Redis (the count is an HINCRBY); the upsert without it.
    assert queries == (0 if viewcounts._redis() else 1)
    viewcounts.flush()
    assert DatasetDailyStat.objects.get(dataset=dataset).views == 3


def test_views_counted_in_redis_are_flushed_once(django_capture_on_commit_callbacks):
    from opendata.models import DatasetDailyStat
    from openlima import viewcounts
    from tests.opendata.factories import DatasetFactory

    if viewcounts._redis() is None:
        pytest.skip("needs Redis as the cache (REDIS_URL)")
    with django_capture_on_commit_callbacks(execute=True):
        dataset = DatasetFactory(slug="paraderos", title="Paraderos de Lima")
    for _ in range(5):
        viewcounts.count("opendata", dataset.pk)
    viewcounts.count("opendata", 10**9)  # a dataset deleted meanwhile: skipped
    assert not DatasetDailyStat.objects.filter(dataset=dataset).exists()
    assert viewcounts.flush() == 6
    assert viewcounts.flush() == 0  # moved once
    assert DatasetDailyStat.objects.get(dataset=dataset).views == 5


def test_signed_in_proposal_page_shares_the_thread_but_shows_each_visitor_their_votes(
    django_capture_on_commit_callbacks,
):
    """The comment thread is read once per content generation for every visitor; each
    visitor's own votes, and whether the comment is theirs, are added per request
    (participation.selectors.comment_thread_for_viewer). A new comment shows at once."""
    from participation import services
    from tests.participation.factories import CommentFactory, ProposalFactory

    with django_capture_on_commit_callbacks(execute=True):
        proposal = ProposalFactory(title="Bancas en el parque")
        root = CommentFactory(target_id=proposal.pk, body_html="<p>Raíz</p>")
    url = f"/participa/propuestas/{proposal.pk}/"
    voter, other = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_vote(user=voter, comment_id=root.pk, value=1)
    visitors = {}
    for user in (voter, other, root.author):
        visitors[user.pk] = Client()
        visitors[user.pk].force_login(user)
    pressed = f'data-focus-key="up-{root.pk}" aria-pressed="true"'
    assert pressed in visitors[voter.pk].get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        html = visitors[other.pk].get(url).content.decode()
    assert "Raíz" in html and pressed not in html
    assert f'data-focus-key="up-{root.pk}"' in html  # the other visitor may vote
    assert not [q for q in ctx.captured_queries if 'participation_comment"' in q["sql"]]
    # The author sees no vote buttons on their own comment.
    assert (
        f'data-focus-key="up-{root.pk}"'
        not in visitors[root.author.pk].get(url).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            author=other,
            target_type="participation.proposal",
            target_id=proposal.pk,
            body="Una respuesta nueva",
        )
    assert "Una respuesta nueva" in visitors[voter.pk].get(url).content.decode()


def test_the_shared_proposal_page_memo_holds_no_password_hash_or_email(client):
    """What the signed-in proposal page keeps in the shared cache for every visitor has
    the comment authors' labels, not their rows (no password hash, no e-mail)."""
    from django.core.cache import cache

    from tests.participation.factories import CommentFactory, ProposalFactory

    proposal = ProposalFactory()
    comment = CommentFactory(target_id=proposal.pk)
    author = comment.author
    client.force_login(UserFactory())
    assert client.get(f"/participa/propuestas/{proposal.pk}/").status_code == 200
    stored = _raw_cached_values(cache, "genmemo:")
    assert stored, "the page kept nothing in the cache"
    blob = b"".join(stored)
    assert author.password.encode() not in blob
    assert author.email.encode() not in blob
    assert proposal.author.password.encode() not in blob


def _raw_cached_values(cache, marker: str) -> list[bytes]:
    """The stored (pickled) bytes of every cache entry whose key contains `marker`, from
    Redis or from the in-process cache."""
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):
        client = backend.get_client()
        return [client.get(key) for key in client.keys(f"*{marker}*")]
    return [value for key, value in cache._cache.items() if marker in key]
