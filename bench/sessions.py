"""Pre-made signed-in sessions for wrk (bench/wrk/request.lua reads the pool file).

Logging in through the login form costs a password hash per user (seconds for thousands of
users); the harness instead writes the sessions Django's login() would write, directly into
the session table, which every session engine the portal uses (`db`, `cached_db`) reads,
and, with `cached_db`, into the cache as login does.
"""

import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL_DIR = ROOT / "var" / "bench"


def session_pool(users, name: str, directory: Path | None = None) -> Path:
    """Writes one session per user and the pool file `var/bench/<name>.sessions`, one
    "sessionid csrftoken" line per user, in the order given."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + timedelta(days=1)
    store = SessionStore()
    rows, lines = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            Session(
                session_key=key, session_data=store.encode(data), expire_date=expires
            )
        )
        lines.append(f"{key} {secrets.token_hex(16)}")
    Session.objects.bulk_create(rows, batch_size=2000)
    _cache_sessions(rows, store, expires)
    directory = directory or POOL_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.sessions"
    path.write_text("\n".join(lines) + "\n")
    return path


def _cache_sessions(rows, store, expires) -> None:
    """With `cached_db` sessions a login writes the session to the cache as well as the
    database, so the signed-in requests after it read it from the cache: do the same, or
    every request of a unique-user storm would measure a cache miss and a database read
    that no real supporter's request pays (docs/performance.md)."""
    from django.conf import settings
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import caches
    from django.utils import timezone

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db":
        return
    timeout = max(1, int((expires - timezone.now()).total_seconds()))
    entries = {
        KEY_PREFIX + row.session_key: store.decode(row.session_data) for row in rows
    }
    cache = caches[settings.SESSION_CACHE_ALIAS]
    items = list(entries.items())
    for start in range(0, len(items), 1000):
        cache.set_many(dict(items[start : start + 1000]), timeout)
