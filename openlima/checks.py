"""System checks for deployments (docs/operations.md, "Configure"): with DEBUG off the
portal refuses the embedded default's backends, which are for one machine only."""

from django.conf import settings
from django.core.checks import Error, register


@register("backends", deploy=True)
def production_backends_check(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(
            Error(
                "SQLite is the embedded default, not a production database.",
                hint="Set DATABASE_URL=postgres://...",
                id="openlima.E001",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        errors.append(
            Error(
                "The local-memory cache is per process: limits and job locks would not "
                "hold across web and worker processes.",
                hint="Set REDIS_URL=redis://...",
                id="openlima.E002",
            )
        )
    if str(settings.CELERY_BROKER_URL).startswith(("filesystem://", "memory://")):
        errors.append(
            Error(
                "The filesystem Celery broker is the embedded default, for one machine only.",
                hint="Set REDIS_URL=redis://...",
                id="openlima.E003",
            )
        )
    return errors
