from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Lima Activa")

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
