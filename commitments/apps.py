from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Seguimiento de compromisos")

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
