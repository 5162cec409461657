"""Settings for Open Lima, read from the environment (see `.env.example`).

With no environment at all the portal runs on the *embedded default*: SQLite, a
local-memory cache and a Celery broker on the filesystem, so a fresh clone needs no
server. `DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Development fallback only; production.py refuses to start without a real one.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="insecure-development-key-change-me-0123456789abcdef"
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "openlima.admin_apps.OpenLimaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "openlima",
    "commitments",
    "complaints",
    "participation",
    "opendata",
    "budgets",
    "contracting",
    "information",
]

MIDDLEWARE = [
    "openlima.middleware.RequestIdMiddleware",
    "openlima.middleware.HealthzMiddleware",
    "openlima.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openlima.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, with the API's language picked once (openlima/middleware.py).
    "openlima.middleware.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "openlima.api_errors.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "openlima.middleware.NullOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "openlima.middleware.StaffSessionTimeoutMiddleware",
    # Lima Honesta: wrap-key cookie set by the login's password step (docs/threat-model.md).
    "complaints.middleware.WrapKeyCookieMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openlima.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'openlima.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # var/ is created by openlima.apps (ready), never by importing settings.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that polls the socket before it sends
    # `SELECT 1` (openlima/db/postgresql/base.py, docs/performance.md).
    DATABASES["default"]["ENGINE"] = "openlima.db.postgresql"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery broker --------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "openlima.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="openlima"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "openlima",
        }
    }
    # Embedded default: a broker that needs no server (kombu's filesystem transport).
    # Its folders are created by openlima.apps (ready), never by importing settings.
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_TIMEZONE = "America/Lima"
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a web request must never hang when the broker is down: the outbox
# (openlima.services.outbox_enqueue) keeps the work and `outbox_flush` retries it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The scheduled jobs (docs/architecture.md, "Jobs"). Each app implements the task named here in its tasks.py.
CELERY_BEAT_SCHEDULE = {
    "publish_scheduled": {
        "task": "openlima.tasks.publish_scheduled",
        "schedule": 60.0,
    },
    "outbox_flush": {
        "task": "openlima.tasks.outbox_flush",
        "schedule": 60.0,
    },
    "storage_purge_deleted": {
        "task": "openlima.tasks.storage_purge_deleted",
        "schedule": crontab(hour=4, minute=40),
    },
    "milestone_reminders": {
        "task": "commitments.tasks.milestone_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "commitments_follower_digests": {
        "task": "commitments.tasks.follower_digests",
        "schedule": crontab(hour=19, minute=0),
    },
    "participation_follower_digests": {
        "task": "participation.tasks.follower_digests",
        "schedule": crontab(hour=19, minute=30),
    },
    "complaint_deadlines": {
        "task": "complaints.tasks.complaint_deadlines",
        "schedule": crontab(minute=5),
    },
    "retention_purge": {
        "task": "complaints.tasks.retention_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    "information_deadlines": {
        "task": "information.tasks.information_deadlines",
        "schedule": crontab(minute=20),
    },
    "contracting_bulk_export": {  # before opendata_refresh, which picks the files up
        "task": "contracting.tasks.bulk_export",
        "schedule": crontab(hour=1, minute=15),
    },
    "opendata_refresh": {
        "task": "opendata.tasks.opendata_refresh",
        "schedule": crontab(hour=2, minute=0),
    },
    "indicators_refresh": {
        "task": "openlima.tasks.indicators_refresh",
        "schedule": 300.0,
    },
    "view_counts_flush": {  # page views counted in Redis -> daily counters
        "task": "openlima.tasks.view_counts_flush",
        "schedule": 300.0,
    },
}

# --- Authentication (django-allauth with e-mail verification and TOTP) ----------------
AUTH_USER_MODEL = "openlima.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "openlima.forms.SignupForm"
ACCOUNT_FORMS = {
    "login": "openlima.account_forms.LoginForm",
    "change_password": "openlima.account_forms.ChangePasswordForm",
}
ACCOUNT_ADAPTER = "openlima.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Those limits count per client address. allauth (65.14.2+) reads X-Forwarded-For only
# when told how many proxies stand in front: 0 (the default) uses the direct peer, which
# behind a reverse proxy is the proxy itself, so every visitor would share one counter.
# docker-compose sets 1 (Caddy); see docs/operations.md.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Open Lima] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Open Lima"
# TOTP secrets and recovery-code seeds are encrypted at rest (openlima/mfa_adapter.py);
# the key is MFA_ENCRYPTION_KEY, else derived from SECRET_KEY (docs/threat-model.md).
MFA_ADAPTER = "openlima.mfa_adapter.MFAAdapter"
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY", default="")
# Staff sessions end after this many seconds without a request (docs/threat-model.md).
STAFF_SESSION_IDLE_TIMEOUT = env.int("STAFF_SESSION_IDLE_TIMEOUT", default=30 * 60)

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first (dd/mm/yyyy), as in Peru (issue 12).
FORMAT_MODULE_PATH = ["openlima.formats"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "openlima.storage.PublicFileSystemStorage"},
    # Complaint blobs and other files only permission-checked views serve (openlima/storage.py).
    "private": {"BACKEND": "openlima.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Deleted objects stay this long before the storage_purge_deleted job removes them, so a
# backup taken meanwhile still finds every object its snapshot names (openlima/storage.py).
STORAGE_DELETE_GRACE_SECONDS = env.int(
    "STORAGE_DELETE_GRACE_SECONDS", default=2 * 24 * 3600
)
# Uploaded files live outside the web root; views serve them after a permission check.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
PRIVATE_STORAGE_ROOT = Path(
    env.str("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- E-mail -------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Open Lima <no-responder@openlima.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "openlima.api.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "openlima.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "openlima.jsonfast.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Lima API",
    "DESCRIPTION": "Open-government portal of the Metropolitan Municipality of Lima.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Choice sets that share a field name across apps get explicit component names.
    "ENUM_NAME_OVERRIDES": {
        "PlanLevelEnum": "commitments.models.PlanLevel",
        "PlanStatusEnum": "commitments.models.PlanStatus",
        "MilestoneStatusEnum": "commitments.models.MilestoneStatus",
        "ProposalStatusEnum": "participation.models.Proposal.Status",
        "RatingLevelEnum": "participation.models.Level",
    },
}

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging: no client addresses anywhere (docs/threat-model.md) ---------------
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")  # "plain" or "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_client_data": {"()": "openlima.logging.StripClientDataFilter"},
        "request_id": {"()": "openlima.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {"()": "openlima.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["no_client_data", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
        },
    },
}
# Workers log through the same handlers and filters (Celery would otherwise replace the
# root logger's handlers with its own, without the address masking).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Error reporting (optional) and metrics (docs/operations.md, "Logs and errors") -----
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from openlima.logging import sentry_init

    sentry_init(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# /metrics (Prometheus): staff, or `Authorization: Bearer <METRICS_TOKEN>` when set.
# With several gunicorn workers, PROMETHEUS_MULTIPROC_DIR (read by prometheus-client
# from the environment) names an empty folder the workers share (openlima/metrics.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Domain configuration (each app reads these through django.conf.settings) ----------
OPENLIMA = {
    "CITY_NAME": env.str("OPENLIMA_CITY_NAME", default="Lima"),
    "MUNICIPALITY_NAME": env.str(
        "OPENLIMA_MUNICIPALITY_NAME", default="Municipalidad Metropolitana de Lima"
    ),
}
# Complaints: number of attachments and their size; see complaints/ for the key settings.
COMPLAINT_MAX_ATTACHMENTS = env.int("COMPLAINT_MAX_ATTACHMENTS", default=5)
COMPLAINT_MAX_ATTACHMENT_BYTES = env.int(
    "COMPLAINT_MAX_ATTACHMENT_BYTES", default=30 * 1024 * 1024
)
COMPLAINT_RETENTION_DAYS = env.int("COMPLAINT_RETENTION_DAYS", default=5 * 365)
COMPLAINT_RECOVERY_PUBLIC_KEY = env.str("COMPLAINT_RECOVERY_PUBLIC_KEY", default="")
# Participation and budgets: keyed hash of resident DNIs.
RESIDENT_ID_HMAC_KEY = env.str("RESIDENT_ID_HMAC_KEY", default=SECRET_KEY)

# Every other domain setting: set here only when the environment gives it, so that each
# app's default (read with getattr in that app) stays in one place. See .env.example.
_DOMAIN_SETTINGS = {
    # core: "¿Le fue útil?" ratings per client and hour (docs/feedback.md)
    "FEEDBACK_RATE_LIMIT": int,
    # commitments
    "MILESTONE_REMINDER_DAYS": [int],
    "COMMITMENTS_EVIDENCE_MAX_BYTES": int,
    # complaints
    "COMPLAINT_CODE_INDEX_KEY": str,
    "COMPLAINT_ALTCHA_HMAC_KEY": str,
    "COMPLAINT_ALTCHA_MAX_NUMBER": int,
    "COMPLAINT_LOAD_STEP": int,
    "COMPLAINT_NOJS_BASE_WAIT_SECONDS": int,
    "COMPLAINT_UNLOCK_MAX_FAILURES": int,
    "COMPLAINT_PARTNER_SECRET_KEY": str,
    "COMPLAINT_PARTNER_MAX_SKEW_SECONDS": int,
    "COMPLAINT_LOOKUP_MAX_FAILURES": int,
    "COMPLAINT_LOOKUP_WINDOW_SECONDS": int,
    "COMPLAINT_ACK_DAYS": int,
    "COMPLAINT_RESPONSE_BUSINESS_DAYS": int,
    "COMPLAINT_HOLIDAYS": list,
    # participation
    "PROPOSAL_SUPPORT_THRESHOLD": int,
    "PROPOSAL_SUPPORT_MONTHS": int,
    "PROPOSAL_DEFAULT_UNIT_SLUG": str,
    "PROPOSAL_RATE_LIMIT_PER_HOUR": int,
    "PROPOSAL_IMAGE_MAX_BYTES": int,
    "COMMENT_FLAG_HIDE_THRESHOLD": int,
    "COMMENT_RATE_LIMIT_PER_10_MIN": int,
    # opendata
    "OPENDATA_MAX_UPLOAD_BYTES": int,
    "OPENDATA_DCAT_PAGE_SIZE": int,
    "OPENDATA_BASE_URL": str,
    "OPENDATA_FACET_CACHE_SECONDS": int,
    # budgets
    "RESIDENT_VERIFICATION_BACKEND": str,
    "RESIDENT_CENSUS_CSV": str,
    "RESIDENT_MIN_AGE": int,
    "RESIDENT_VERIFICATION_MAX_ATTEMPTS": int,
    "BUDGETS_MAX_IMAGE_BYTES": int,
    # information (access-to-information requests) and the shared calendar
    "BUSINESS_HOLIDAYS": list,
    "INFORMATION_RESPONSE_BUSINESS_DAYS": int,
    "INFORMATION_EXTENSION_MAX_BUSINESS_DAYS": int,
    "INFORMATION_EXTENSION_NOTICE_BUSINESS_DAYS": int,
    "INFORMATION_REMINDER_BUSINESS_DAYS": int,
    "INFORMATION_COPY_COST_PER_PAGE": str,
    "INFORMATION_DOCUMENT_MAX_BYTES": int,
    # shared uploads (openlima/uploads.py, images.py): largest image accepted, in pixels
    "UPLOAD_MAX_IMAGE_PIXELS": int,
    # ... and ZIP-based files (OOXML/ODF): largest member and total, uncompressed, in bytes
    "UPLOAD_ZIP_MAX_MEMBER_BYTES": int,
    "UPLOAD_ZIP_MAX_TOTAL_BYTES": int,
    # outbox (openlima/services.py): sends tried before the dead letter; days sent rows stay
    "OUTBOX_MAX_ATTEMPTS": int,
    "OUTBOX_KEEP_SENT_DAYS": int,
}
for _name, _cast in _DOMAIN_SETTINGS.items():
    if _name in env.ENVIRON:
        globals()[_name] = env.get_value(_name, cast=_cast)

# --- City profile (docs/city-profile.md): the city this portal serves -------------------
# CITY_PROFILE names a folder of profiles/ ("lima", "la-paz") or a path to a profile.json.
CITY_PROFILE = env.str("CITY_PROFILE", default="lima")
from openlima.city import localize as _city_localize  # noqa: E402
from openlima.city import read_profile as _read_city_profile  # noqa: E402

_CITY = _read_city_profile(CITY_PROFILE)
TIME_ZONE = CELERY_TIMEZONE = _CITY["timezone"]
LANGUAGES = [lang for lang in LANGUAGES if lang[0] in _CITY["languages"]] or LANGUAGES
if "OPENLIMA_CITY_NAME" not in env.ENVIRON:
    OPENLIMA["CITY_NAME"] = _city_localize(_CITY["name"], "es")
if "OPENLIMA_MUNICIPALITY_NAME" not in env.ENVIRON:
    OPENLIMA["MUNICIPALITY_NAME"] = _city_localize(_CITY["municipality_name"], "es")
SPECTACULAR_SETTINGS["DESCRIPTION"] = (
    f"Open-government portal: {_city_localize(_CITY['municipality_name'], 'en')}."
)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{_city_localize(_CITY['portal_name'], 'es')}] "
MFA_TOTP_ISSUER = _city_localize(_CITY["portal_name"], "es")

# contracting (docs/contracting.md): the OCDS ocid prefix registered with the Open
# Contracting Partnership (the default "ocds-xxxxxx-" is a placeholder, not a registered
# prefix), the publisher named in every package and the data licence.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-xxxxxx-")
OCDS_PUBLISHER_NAME = env.str(
    "OCDS_PUBLISHER_NAME", default=OPENLIMA["MUNICIPALITY_NAME"]
)
# The municipality's identifier as OCDS publisher: the profile's legal.ocds_publisher.
_OCDS_PUBLISHER = _CITY.get("legal", {}).get(
    "ocds_publisher", {"scheme": "PE-RUC", "id": "20131380951"}
)
OCDS_PUBLISHER_SCHEME = env.str(
    "OCDS_PUBLISHER_SCHEME", default=_OCDS_PUBLISHER["scheme"]
)
OCDS_PUBLISHER_RUC = env.str("OCDS_PUBLISHER_RUC", default=_OCDS_PUBLISHER["id"])
OCDS_LICENSE_URL = env.str(
    "OCDS_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/"
)

# --- Performance (docs/performance.md) --------------------------------------------------
# Sessions read from the shared cache, written through to the database; only with a cache
# every process shares (per-process memory would keep a logged-out session alive).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Anonymous page cache (openlima/pagecache.py): needs the shared cache for its generations.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# A cold page is rebuilt by one request; the others get the last copy (at most this old)
# or wait this long for the rebuilder's copy (openlima/pagecache.py).
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=3600)
PAGE_CACHE_WAIT_SECONDS = env.float("PAGE_CACHE_WAIT_SECONDS", default=5.0)
INSTALLED_APPS += ["corsheaders"]

# CORS (docs/opendata-api.md): the public read APIs answer any origin, without
# credentials, so no session cookie is ever used cross-origin.
CORS_URLS_REGEX = r"^/(api/3/|api/action/|api/v1/|api/?$|api/3$|catalog)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS", "POST")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Link", "Content-Disposition")
CORS_PREFLIGHT_MAX_AGE = 86400

# REST API tokens for apps (docs/api-tokens.md) and error answers in the OpenAPI schema.
INSTALLED_APPS += ["rest_framework.authtoken"]
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "openlima.authentication.TokenAuthentication",
]
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "openlima.api_schema.add_error_responses",
]
