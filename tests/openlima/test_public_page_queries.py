"""Every public page within 10 queries (docs/performance.md): the demo data loaded, the
site crawled from the home page in both languages (at most three pages of each URL
shape), each page counted as an anonymous visitor sees it on a second visit: the page
cache is off (the rendering is counted), the data caches the pages rely on by design
(the home's indicators, the catalogue's facet counts) are warm."""

import io
import re
from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

PUBLIC_PAGE_QUERY_BOUND = 10
SKIP = (
    "/cuenta/",
    "/gestion/",
    "/api/",
    "/static/",
    "/media/",
    "/healthz",
    "/readyz",
    "/i18n/",
)
HREF = re.compile(r'href="(/[^"]*)"')


def _shape(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] == "en":
        parts = parts[1:]
    return "/".join(parts[:-1] + ["*"]) if len(parts) >= 2 else "/".join(parts)


def _crawl(client, starts, limit=150):
    seen, queue, pages = set(), list(starts), []
    shapes = Counter()
    while queue and len(pages) < limit:
        path = urldefrag(queue.pop(0))[0].replace("&amp;", "&")
        key = urlsplit(path).path
        bare = key[3:] if key.startswith("/en/") else key
        if key in seen or bare.startswith(SKIP) or shapes[_shape(key)] >= 3:
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get(
            "Content-Type", ""
        ):
            continue
        shapes[_shape(key)] += 1
        pages.append(path)
        queue += HREF.findall(response.content.decode())
    return pages


@pytest.mark.django_db
def test_every_public_page_within_the_query_bound(client):
    call_command("load_demo", stdout=io.StringIO())
    pages = _crawl(client, ["/", "/en/"])
    assert len(pages) >= 40, pages
    counts = {}
    for path in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts[path] = len(ctx.captured_queries)
    over = {p: n for p, n in counts.items() if n > PUBLIC_PAGE_QUERY_BOUND}
    assert not over, over


@pytest.mark.django_db
def test_cold_home_page_reads_the_jobs_snapshot_within_the_bound(client):
    """An empty cache (restart, eviction, a flushed Redis) does not make the home page
    run every app's indicator queries: it reads the snapshot the `indicators_refresh`
    job keeps in the database, in one query (docs/performance.md)."""
    from django.core.cache import cache

    from openlima.models import IndicatorSnapshot
    from openlima.tasks import indicators_refresh

    call_command("load_demo", stdout=io.StringIO())
    indicators_refresh.apply().get()
    assert IndicatorSnapshot.objects.filter(language="es").exists()
    warm = client.get("/").content.decode()
    for path in ("/", "/en/"):
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200
        assert len(ctx.captured_queries) <= PUBLIC_PAGE_QUERY_BOUND, "\n".join(
            q["sql"][:120] for q in ctx.captured_queries
        )
    cache.clear()
    assert client.get("/").content.decode() == warm  # the same figures


@pytest.mark.django_db
def test_an_old_snapshot_is_recomputed_not_shown(client):
    """A snapshot older than the cache's lifetime (the job stopped) is not served from
    the database: the figures are computed again."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from openlima import selectors
    from openlima.models import IndicatorSnapshot
    from openlima.tasks import indicators_refresh

    indicators_refresh.apply().get()
    old = (timezone.now() - timedelta(hours=2)).isoformat()
    snapshot = IndicatorSnapshot.objects.get(language="es")
    snapshot.data = {**snapshot.data, "computed_at": old}
    snapshot.save()
    cache.clear()
    assert selectors.home_indicators()["computed_at"] != old
