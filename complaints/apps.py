from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Lima Honesta")

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
