from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Datos abiertos")

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
