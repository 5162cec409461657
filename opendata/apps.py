from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Datos abiertos")
    # Provider names this app promises (checked by openlima.checks at start-up).
    provides = (
        "home_card:opendata",
        "restore_check:opendata",
        "dataset_create_from_document",
        "search:opendata",
        "indicators:opendata",
        "home_indicators:opendata",
        "role_permissions:opendata",
        "personal_data:opendata",
        "erase_personal_data:opendata",
        "view_counts:opendata",
    )

    def ready(self):
        """Register this app's hooks (publishers, demo loaders) in openlima.registry."""
        from openlima import registry

        from . import demo, roles, selectors, services

        registry.register_publisher("opendata", services.datasets_publish_due)
        registry.register_demo_loader("opendata", demo.load, order=40)
        registry.register_provider("search:opendata", selectors.site_search)
        registry.register_provider("view_counts:opendata", services.dataset_views_add)
        registry.register_provider("home_card:opendata", selectors.home_card)
        registry.register_provider("indicators:opendata", selectors.indicators)
        registry.register_provider(
            "home_indicators:opendata", selectors.home_indicator_blocks
        )
        registry.register_provider("role_permissions:opendata", roles.role_permissions)
        registry.register_provider(
            "dataset_create_from_document", services.dataset_create_from_document
        )
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
        registry.register_provider("staff_tasks:opendata", selectors.staff_tasks)
        from . import restore

        registry.register_provider("restore_check:opendata", restore.restore_check)
