"""A complete (dummy) environment for config.settings.production, for tests that start
it in a subprocess. Nothing here is contacted: settings only read these values."""

import os

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "t" + os.urandom(32).hex() + "-Zq!",
    "DJANGO_ALLOWED_HOSTS": "openlima.example",
    "DATABASE_URL": "postgres://openlima@127.0.0.1:5432/openlima",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "RESIDENT_ID_HMAC_KEY": "r" + os.urandom(16).hex(),
    "COMPLAINT_CODE_INDEX_KEY": "c" + os.urandom(16).hex(),
    "COMPLAINT_ALTCHA_HMAC_KEY": "a" + os.urandom(16).hex(),
    "OPENDATA_BASE_URL": "https://openlima.example",
    "S3_BUCKET": "openlima",
    "S3_ACCESS_KEY_ID": "key",
    "S3_SECRET_ACCESS_KEY": "secret",
    "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
}

# What each required variable's absence must say (one line, naming it).
REQUIRED = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "RESIDENT_ID_HMAC_KEY",
    "COMPLAINT_CODE_INDEX_KEY",
    "COMPLAINT_ALTCHA_HMAC_KEY",
    "OPENDATA_BASE_URL",
]


def clean_environ() -> dict:
    """The test process's environment without anything that configures the portal."""
    names = set(PRODUCTION_ENV) | {"DJANGO_DEBUG"}
    return {
        k: v
        for k, v in os.environ.items()
        if k not in names and not k.startswith(("DJANGO_", "S3_", "COMPLAINT_"))
    }
