from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractingConfig(AppConfig):
    name = "contracting"
    verbose_name = _("Contrataciones y obras")
    provides = ("stored_files:contracting", "home_indicators:contracting")

    def ready(self):
        """Register this app's hooks in openlima.registry (the app imports no other app)."""
        from openlima import registry

        from . import (
            demo,
            selectors,
            services,
            tasks,  # noqa: F401  (registers the nightly bulk export task)
        )

        registry.register_publisher("contracting", services.publish_and_notify)
        registry.register_demo_loader("contracting", demo.load, order=80)
        registry.register_provider("search:contracting", selectors.site_search)
        registry.register_provider("stored_files:contracting", selectors.stored_files)
        registry.register_provider("indicators:contracting", selectors.indicators)
        registry.register_provider(
            "home_indicators:contracting", selectors.home_indicator_blocks
        )
        registry.register_provider(
            "dataset:contrataciones-ocds", selectors.dataset_processes
        )
        registry.register_provider("dataset:obras-oc4ids", selectors.dataset_projects)
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
