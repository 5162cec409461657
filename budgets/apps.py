from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Presupuesto participativo")

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
