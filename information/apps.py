from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InformationConfig(AppConfig):
    name = "information"
    verbose_name = _("Acceso a la información pública")

    def ready(self):
        """Register this app's hooks (search, dataset, demo, ARCO) in openlima.registry."""
        from openlima import registry

        from . import demo, selectors, services, tasks  # noqa: F401

        registry.register_provider("search:information", selectors.site_search)
        registry.register_provider(
            f"dataset:{selectors.DATASET_KEY}", selectors.statistics_dataset
        )
        registry.register_demo_loader("information", demo.load, order=60)
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
