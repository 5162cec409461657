"""PostgreSQL restarted under a running portal (issue 11, docs/operations.md "Faults").

The test starts a PostgreSQL cluster of its own (initdb + pg_ctl, in a temporary folder
on a free port), copies the migrated test database into it, serves the portal from it
with gunicorn under the production settings, then stops the database: every page answers
a 503 HTML page and every API a 503 JSON body, both with `Retry-After`, never a 500. When
the database comes back the same processes answer 200 again: no restart."""

import json
import uuid

import pytest
from django.conf import settings

from tests.servers import (
    PostgresCluster,
    WebNode,
    migrated_database_url,
    pg_binaries_or_skip,
    portal_env,
)

PAGES = [
    "/",
    "/en/",
    "/participa/propuestas/",
    "/datos/",
    "/compromisos/",
    "/denuncias/",
]
APIS = [
    "/api/v1/proposals/",
    "/api/v1/action-plans/",
    "/api/3/action/package_search",
]


@pytest.fixture
def own_postgres(db):
    pg_binaries_or_skip()
    cluster = PostgresCluster().init().start()
    try:
        cluster.copy_database(migrated_database_url(), "portal")
        yield cluster
    finally:
        cluster.destroy()


def _forget_cached_copies(prefix: str) -> None:
    """Drop what the warm-up cached (home indicators, facets), so that every page below
    really asks the stopped database instead of answering from Redis."""
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def web_on_own_postgres(own_postgres, tmp_path):
    prefix = f"pgfault-{uuid.uuid4().hex[:8]}"
    env = portal_env(
        DATABASE_URL=own_postgres.url("portal"),
        # A closed port when the test run has no Redis: the cache degrades to misses.
        REDIS_URL=settings.REDIS_URL or "redis://127.0.0.1:1/0",
        CACHE_KEY_PREFIX=prefix,
        PAGE_CACHE_SECONDS=0,  # every page goes to the database
    )
    node = WebNode(env, tmp_path / "web.log", workers=2)
    node.cache_prefix = prefix
    yield node
    node.stop()


@pytest.mark.postgres
def test_postgres_restart_under_load_answers_503_then_recovers(
    own_postgres, web_on_own_postgres
):
    web = web_on_own_postgres
    for path in PAGES + APIS:  # warm: every worker keeps a persistent connection
        for _ in range(2):
            response = web.get(path)
            assert response.status == 200, (path, response.status, web.log())

    own_postgres.stop("fast")
    _forget_cached_copies(web.cache_prefix)
    statuses = {path: web.get(path).status for path in PAGES + APIS}
    assert set(statuses.values()) == {503}, statuses

    for path in PAGES:
        response = web.get(path, headers={"Accept": "text/html"})
        assert response.status == 503, (path, response.status, web.log())
        assert int(response.headers["Retry-After"]) > 0
        assert response.headers["Content-Type"].startswith("text/html")
        assert "<html" in response.text and "Traceback" not in response.text
    for path in APIS:
        response = web.get(path)
        assert response.status == 503, (path, response.status, web.log())
        assert int(response.headers["Retry-After"]) > 0
        assert response.headers["Content-Type"].startswith("application/json")
        json.loads(response.body)
    readyz = web.get("/readyz")
    assert readyz.status == 503
    assert "database unreachable" in readyz.text

    own_postgres.start()  # same port; gunicorn keeps running

    for path in PAGES + APIS:
        for _ in range(2):  # both workers, each had a dead connection
            response = web.get(path)
            assert response.status == 200, (path, response.status, web.log())
    assert web.get("/readyz").status in (200, 503)  # 503 only for Redis/broker here
    assert web.proc.poll() is None


@pytest.mark.postgres
def test_a_restart_between_requests_costs_no_request(own_postgres, web_on_own_postgres):
    """A restart while the workers sit idle on their kept connections: the health check
    (openlima/db/postgresql/base.py polls the socket, then sends `SELECT 1` only when
    the server has said something) finds each dead connection before the request's first
    query and opens a new one, so not one request fails."""
    web = web_on_own_postgres
    for path in PAGES + APIS:  # warm: every worker keeps a persistent connection
        for _ in range(2):
            assert web.get(path).status == 200, (path, web.log())

    own_postgres.stop("fast")
    own_postgres.start()  # no request in between

    statuses = [(path, web.get(path).status) for path in (PAGES + APIS) * 2]
    assert {status for _path, status in statuses} == {200}, (statuses, web.log())


# --- The same answers in process, without a cluster of its own -----------------------


@pytest.fixture
def outage_urls(settings):
    settings.ROOT_URLCONF = "tests.openlima.outage_urls"
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "tests.openlima.outage_urls.DownMiddleware",
    ]


def test_a_page_whose_database_is_down_answers_an_html_503(outage_urls, client):
    response = client.get("/pagina/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Servicio no disponible por un momento" in body
    assert "10.0.0.5" not in body and "secret-host" not in body


@pytest.mark.parametrize(
    "path,envelope",
    [("/api/v1/algo/", "detail"), ("/api/3/action/package_search", "error")],
)
def test_an_api_whose_database_is_down_answers_json_503(
    outage_urls, client, path, envelope
):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.json()
    assert envelope in body
    assert "secret-host" not in response.content.decode()


def test_an_outage_raised_by_a_middleware_is_a_503_too(outage_urls):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/mw/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


def test_other_errors_stay_500(outage_urls):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/bug/")
    assert response.status_code == 500
