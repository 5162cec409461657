"""Settings of the calibration app: the smallest Django project that does what the portal's
hot paths do (docs/performance.md). No middleware, one app, the portal's database
(DATABASE_URL, same PostgreSQL server and database, its own `calib_*` tables)."""

from pathlib import Path

import environ

env = environ.Env()
# The repository: gunicorn's warm-up (openlima/warmup.py) compiles the templates of apps
# under it before forking, for the calibration as for the portal.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="calibration-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bench.calibration"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.calibration.urls"
WSGI_APPLICATION = "bench.calibration.wsgi.application"
DATABASES = {"default": env.db_url("DATABASE_URL")}
# The portal keeps connections (settings/base.py, CONN_MAX_AGE=60): so does the calibration.
DATABASES["default"]["CONN_MAX_AGE"] = 60
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {},
    }
]
USE_TZ = True
TIME_ZONE = "America/Lima"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
