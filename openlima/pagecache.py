"""Anonymous page cache keyed on content generations (docs/performance.md).

A public page requested without a session cookie is served from the cache when one was
stored for the same language, path and query string *and* the same content generations:
every app has a counter in the cache that any write to one of its tables bumps, so a
support, an edit or a publication changes the page at the very next request.

Writes are seen where they happen, at the database: an execute wrapper installed on every
connection looks at each INSERT/UPDATE/DELETE statement, maps its table to the app that
owns the model and bumps that app's generation once per transaction, after commit (one
Redis INCR). The ORM, `.update()`, bulk writes and raw SQL are all caught; a write made
outside Django is caught only by the `PAGE_CACHE_SECONDS` expiry. Counter tables (models
with `page_cache_unwatched = True`: page views, downloads) are not watched, and a page
that counts its views is counted on every hit too (openlima/viewcounts.py).

The middleware sits before the session, CSRF and authentication middleware, so a hit
costs two cache reads and none of their work. It stores only 200 responses to GET
requests that set no cookie (a page that used the CSRF token sets one) and are not marked
private or no-store. Responses it serves or stores say `Cache-Control: public, no-cache`
(a CDN may keep them but must revalidate, with the ETag, every time) and `Vary: Cookie`
(a signed-in visitor never gets them); a matching `If-None-Match` gets 304. Signed-in
responses are marked `private`.

Cold pages and stampedes: when a page is missing (first visit, or every page of an app
right after a write), only one request rebuilds it. It takes a short lock in the cache
(`cache.add`); the others meanwhile get the previous copy of the same page (kept under a
generation-free key, at most one write old, for `PAGE_CACHE_STALE_SECONDS`), or, when
there is none, wait for the rebuilder (polling every 50 ms, at most
`PAGE_CACHE_WAIT_SECONDS`) and get its copy. A page the rebuilder finds it may not store
(it set a cookie) is remembered as such for a while, so nobody waits for it again.
Anonymous visitors only: nobody who writes is served a stale copy of their own write.

The generations must be shared by every process, so the cache is on only with a shared
cache (Redis): `PAGE_CACHE_SECONDS` defaults to 0 (off) without `REDIS_URL`.
"""

import hashlib
import re
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path

from . import conf, viewcounts

GENERATION_KEY = "pagegen:{}"
PAGE_KEY = "page:{}"
STALE_KEY = "pagestale:{}"  # the last stored copy of a page, whatever its generations
LOCK_KEY = "pagelock:{}"  # one rebuilder per page
NOSTORE_KEY = "pagenostore:{}"  # the page sets a cookie: no lock, no waiting
REBUILD_LOCK_SECONDS = 15
POLL_SECONDS = 0.05
# Paths never cached: staff, accounts, reporter (anonymity) paths, health, JSON API v1
# (session-authenticated), static files (WhiteNoise answers those before us).
EXCLUDED_PREFIXES = (
    "/gestion/",
    "/cuenta/",
    "/en/cuenta/",
    "/accounts/",
    "/denuncias/",
    "/en/denuncias/",
    "/healthz",
    "/readyz",
    "/api/v1/",
    "/static/",
    "/media/",
)
# Which apps' content a page under a prefix shows; anything else depends on every app.
PREFIX_APPS = (
    (("/datos/", "/en/datos/", "/api/3/", "/catalog."), ("openlima", "opendata")),
)
_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)
_WRITE_ANYWHERE = re.compile(
    r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)
_table_apps: dict[str, str] | None = None


def page_cache_seconds() -> int:
    return conf.page_cache_seconds()


def project_apps() -> tuple[str, ...]:
    """Labels of the project's own apps (those under the repository, not site-packages)."""
    base = str(settings.BASE_DIR)
    return tuple(
        sorted(
            a.label
            for a in apps.get_app_configs()
            if a.path.startswith(base) and ".venv" not in a.path
        )
    )


def _tables() -> dict[str, str]:
    global _table_apps
    if _table_apps is None:
        own = set(project_apps())
        mapping = {}
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.app_label
            # Counters (page views, downloads) are not content: their writes must not
            # empty the cached pages (openlima/viewcounts.py).
            if label in own and not getattr(model, "page_cache_unwatched", False):
                mapping[model._meta.db_table] = label
        # The user table belongs to openlima; allauth's e-mail addresses change what
        # participation allows, not what a public page shows.
        _table_apps = mapping
    return _table_apps


def generation_bump(app_label: str) -> None:
    key = GENERATION_KEY.format(app_label)
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # Django's RedisCache: one INCR (creates at 1)
        backend.get_client(write=True).incr(cache.make_and_validate_key(key))
        return
    try:
        cache.incr(key)
    except ValueError:  # first write since the cache started
        cache.add(key, 0, timeout=None)
        cache.incr(key)


def _written_tables(sql: str) -> list[str]:
    """The tables a statement writes: its own target, or for a WITH statement every
    INSERT, UPDATE or DELETE inside it (the one-statement support writes two)."""
    if sql[:1] in "Ww":
        return _WRITE_ANYWHERE.findall(sql) if sql[:4].upper() == "WITH" else []
    match = _WRITE.match(sql)
    return [match.group(1)] if match else []


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql[:1] not in "IUDWiudw " or not page_cache_seconds():
        return result
    labels = {_tables().get(table) for table in _written_tables(sql)} - {None}
    for label in sorted(labels):
        _bump_after_commit(context["connection"], label)
    return result


def _bump_after_commit(connection, label: str) -> None:
    if not connection.in_atomic_block:  # autocommit: already committed
        generation_bump(label)
    elif not any(
        getattr(func, "page_generation", None) == label and not func.ran
        for _sids, func, _robust in connection.run_on_commit
    ):
        # Once per app and transaction, after commit: a page rendered before the commit
        # was stored under the old generation; one rendered between the commit and the
        # bump is new content under the old generation, replaced at the bump.

        def after_commit():
            after_commit.ran = True
            generation_bump(label)

        after_commit.page_generation = label
        after_commit.ran = False
        transaction.on_commit(after_commit, using=connection.alias)


def install_write_watcher(sender, connection, **kwargs) -> None:
    """connection_created receiver (openlima/apps.py)."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def fragment_stamp(labels) -> str:
    """The content generations of these apps, for the key of a cached template fragment
    of a signed-in page (docs/performance.md): any write to one of them changes it.
    Empty when the page cache (and so the generations) is off."""
    if page_cache_seconds() <= 0:
        return ""
    keys = [GENERATION_KEY.format(label) for label in labels]
    gens = cache.get_many(keys)
    return ",".join(f"{k}={gens.get(k, 0)}" for k in keys)


def generation_memo(labels, name: str, compute):
    """`compute()`, kept in the cache under the content generations of these apps
    (docs/performance.md): a signed-in page reuses what it read for anyone until one of
    those apps is written to. Returns (value, fragment stamp), the stamp read once for
    the page's fragments too. Without the page cache it just computes."""
    stamp = fragment_stamp(labels)
    if not stamp:
        return compute(), stamp
    key = "genmemo:" + hashlib.sha256(f"{name}|{stamp}".encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, page_cache_seconds())
    return value, stamp


def _apps_for(path: str) -> tuple[str, ...]:
    for prefixes, labels in PREFIX_APPS:
        if path.startswith(prefixes):
            return labels
    return project_apps()


def _keys(request, labels) -> tuple[str, str]:
    """(the key of this page at the current generations, the page's key without them)."""
    gens = cache.get_many([GENERATION_KEY.format(label) for label in labels])
    stamp = ",".join(
        f"{label}={gens.get(GENERATION_KEY.format(label), 0)}" for label in labels
    )
    raw = "\n".join(
        (
            get_language_from_path(request.path_info) or settings.LANGUAGE_CODE,
            request.path,
            request.META.get("QUERY_STRING", ""),
            request.headers.get("HX-Request", ""),
        )
    )
    page = hashlib.sha256(raw.encode()).hexdigest()
    return hashlib.sha256(f"{raw}\n{stamp}".encode()).hexdigest(), page


def _key(request, labels) -> str:
    return _keys(request, labels)[0]


def stale_seconds() -> int:
    return conf.page_cache_stale_seconds()


def wait_seconds() -> float:
    return conf.page_cache_wait_seconds()


def _public(response, etag: str) -> None:
    response["Cache-Control"] = "public, no-cache"
    response["ETag"] = f'"{etag[:32]}"'
    patch_vary_headers(response, ("Cookie",))


class AnonymousPageCacheMiddleware:
    """See the module docstring. Placed after WhiteNoise, before SessionMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _eligible(self, request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and page_cache_seconds() > 0
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and not request.path.startswith(EXCLUDED_PREFIXES)
        )

    def __call__(self, request):
        if not self._eligible(request):
            response = self.get_response(request)
            if (
                settings.SESSION_COOKIE_NAME in request.COOKIES
                and "Cache-Control" not in response
            ):
                response["Cache-Control"] = "private"
            return response
        key, page = _keys(request, _apps_for(request.path))
        found = cache.get_many([PAGE_KEY.format(key), NOSTORE_KEY.format(page)])
        stored = found.get(PAGE_KEY.format(key))
        if stored is not None:
            return self._serve(request, stored, key)
        if found.get(NOSTORE_KEY.format(page)):
            # Built without the lock (nobody waits for a page that sets a cookie); if it
            # no longer does (a release moved its form's token away, say), it is stored
            # and the mark dropped at once rather than when it expires.
            return self._build(request, key, page, marked_nostore=True)
        lock = LOCK_KEY.format(page)
        if not cache.add(lock, key, timeout=REBUILD_LOCK_SECONDS):
            # Someone is rebuilding this page: the previous copy now, else wait for it.
            stale = cache.get(STALE_KEY.format(page))
            if stale is not None:
                stale_key, entry = stale
                response = self._serve(request, entry, stale_key)
                response["X-Page-Cache"] = "stale"
                return response
            deadline = time.monotonic() + wait_seconds()
            while time.monotonic() < deadline:
                time.sleep(POLL_SECONDS)
                stored = cache.get(PAGE_KEY.format(key))
                if stored is not None:
                    return self._serve(request, stored, key)
                if cache.get(lock) is None:  # done (stored just now?) or gave up
                    stored = cache.get(PAGE_KEY.format(key))
                    if stored is not None:
                        return self._serve(request, stored, key)
                    break
            return self._build(request, key, page)
        try:
            return self._build(request, key, page)
        finally:
            cache.delete(lock)

    def _serve(self, request, stored, key):
        status, headers, content, *rest = stored
        if rest and rest[0]:  # the page counts its views: a hit is a view too
            viewcounts.count(*rest[0])
        if request.headers.get("If-None-Match") == f'"{key[:32]}"':
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        _public(response, key)
        return response

    def _build(self, request, key, page, marked_nostore=False):
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and not response.has_header("Set-Cookie")
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("set-cookie", "content-length", "date")
            ]
            entry = (
                response.status_code,
                headers,
                response.content,
                getattr(response, "view_count", None),
            )
            cache.set(PAGE_KEY.format(key), entry, page_cache_seconds())
            cache.set(STALE_KEY.format(page), (key, entry), stale_seconds())
            if marked_nostore:
                cache.delete(NOSTORE_KEY.format(page))
            _public(response, key)
        elif response.status_code == 200 and (
            response.cookies or response.has_header("Set-Cookie")
        ):
            cache.set(NOSTORE_KEY.format(page), 1, page_cache_seconds())
        return response
