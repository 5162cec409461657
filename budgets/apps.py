from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Presupuesto participativo")
    # Provider names this app promises (checked by openlima.checks at start-up).
    provides = (
        "dataset:presupuesto-participativo",
        "indicators:budgets",
        "personal_data:budgets",
        "erase_personal_data:budgets",
        "role_permissions:budgets",
    )

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
        from openlima import registry

        from . import demo, roles, selectors, services

        registry.register_publisher("budgets", services.budgets_publish_due)
        registry.register_demo_loader("budgets", demo.demo_load, order=50)
        registry.register_provider(
            "dataset:presupuesto-participativo", selectors.dataset_budgets
        )
        registry.register_provider("search:budgets", selectors.site_search)
        registry.register_provider("indicators:budgets", selectors.indicators_budgets)
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
        registry.register_provider("staff_tasks:budgets", selectors.staff_tasks)
        registry.register_provider("role_permissions:budgets", roles.role_permissions)
