from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenLimaConfig(AppConfig):
    name = "openlima"
    verbose_name = _("Open Lima (núcleo)")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import signals  # noqa: F401
        from .pagecache import install_write_watcher

        connection_created.connect(install_write_watcher, dispatch_uid="pagecache")
        from .demo import demo_load_core
        from .registry import register_demo_loader

        register_demo_loader("core", demo_load_core, order=0)
