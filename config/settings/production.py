"""Production settings: base plus the deployment checklist.

Fail fast, never fall back (docs/operations.md, "Configure"): every backend and key a
production portal needs must be given by the environment. A missing one stops the process
with one line naming the variable, instead of a portal that silently runs on SQLite, a
local-memory cache or a key derived from another key.
"""

from .base import *  # noqa: F403
from .base import env


def _refuse(name: str, why: str) -> None:
    """Stop the process with one clear line (no traceback) naming the variable."""
    raise SystemExit(f"config.settings.production: {name} {why}")


def _required(name: str, why: str = "must be set") -> str:
    value = env.str(name, default="").strip()
    if not value:
        _refuse(name, why)
    return value


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith(("insecure-", "change-me")):
    _refuse("DJANGO_SECRET_KEY", "must be set to a long random value in production.")
# Rotation: earlier keys stay valid for existing sessions (docs/operations.md).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    _refuse("DJANGO_ALLOWED_HOSTS", "must list the portal's host names.")

# --- Backends: PostgreSQL, Redis (cache + broker), S3-compatible object storage ----------
_database_url = _required("DATABASE_URL", "must be set (postgres://...).")
if not _database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
    _refuse("DATABASE_URL", "must point to PostgreSQL (postgres://...).")
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ENGINE"] = "openlima.db.postgresql"  # see settings/base.py
IS_POSTGRES = True

REDIS_URL = _required("REDIS_URL", "must be set (redis://...).")
CACHES = {
    "default": {
        "BACKEND": "openlima.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="openlima"),
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# One bucket; public uploads under public/, complaint blobs and drafts under private/.
# The portal serves both through its own views (public ones with long cache headers,
# private ones after a permission check), so the bucket itself stays private.
_s3 = {
    "bucket_name": _required("S3_BUCKET"),
    "access_key": _required("S3_ACCESS_KEY_ID"),
    "secret_key": _required("S3_SECRET_ACCESS_KEY"),
    "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
    "region_name": env.str("S3_REGION", default="") or None,
    "default_acl": None,
    "querystring_auth": True,
    "querystring_expire": 300,
    "file_overwrite": False,
}
STORAGES = {
    "default": {
        "BACKEND": "openlima.storage_s3.S3Storage",
        "OPTIONS": {**_s3, "location": "public"},
    },
    "private": {
        "BACKEND": "openlima.storage_s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Keys: each its own, none derived from SECRET_KEY ------------------------------------
RESIDENT_ID_HMAC_KEY = _required("RESIDENT_ID_HMAC_KEY")
COMPLAINT_CODE_INDEX_KEY = _required("COMPLAINT_CODE_INDEX_KEY")
COMPLAINT_ALTCHA_HMAC_KEY = _required("COMPLAINT_ALTCHA_HMAC_KEY")
OPENDATA_BASE_URL = _required("OPENDATA_BASE_URL", "must be set (https://...).")

# --- HTTPS: on by default; behind the reverse proxy set DJANGO_SECURE_PROXY_SSL_HEADER ---
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
