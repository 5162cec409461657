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
