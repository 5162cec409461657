from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import city


def embedded_dirs_ensure() -> None:
    """The embedded default's folders (SQLite file, filesystem broker), created when Django
    starts rather than when settings are imported (a production import creates nothing)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and db["NAME"] != ":memory:":
        name = str(db["NAME"])
        if not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL == "filesystem://":
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


class OpenLimaConfig(AppConfig):
    name = "openlima"
    # The portal's name from the city profile ("Open Lima (núcleo)" in Lima).
    verbose_name = city.lazy_format(_("%(portal)s (núcleo)"), portal="portal_name")
    # Provider names the core promises (openlima.checks): the "¿Le fue útil?" rating.
    provides = (
        "indicators:feedback",
        "home_indicators:feedback",
        "dataset:valoracion-plataforma",
        "staff_tasks:openlima",
    )

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks, signals  # noqa: F401
        from .pagecache import install_write_watcher

        connection_created.connect(install_write_watcher, dispatch_uid="pagecache")
        from django.core.signals import request_finished

        from .stored_files import sweep_after_request

        request_finished.connect(sweep_after_request, dispatch_uid="stored_files")
        from .demo import demo_load_core
        from .registry import register_demo_loader

        register_demo_loader("core", demo_load_core, order=0)
        from . import feedback
        from .registry import register_provider

        register_provider("indicators:feedback", feedback.rating_summary)
        register_provider("home_indicators:feedback", feedback.home_indicator_blocks)
        register_provider(f"dataset:{feedback.DATASET_KEY}", feedback.rating_dataset)
        register_provider("staff_tasks:openlima", feedback.staff_tasks)
        embedded_dirs_ensure()

        from django.db.models.signals import post_migrate

        post_migrate.connect(_city_profile_sync, sender=self)


def _city_profile_sync(sender, using="default", **kwargs):
    """After `migrate`: when the database holds another city's territorial units (migration
    0002 seeds Lima's), load the configured profile's (docs/city-profile.md)."""
    from . import city
    from .reference_data import city_profile_load, city_profile_mismatch

    if using != "default":
        return
    profile = city.raw()
    if city_profile_mismatch(profile):
        city_profile_load(profile)
