from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Lima Activa")

    def ready(self):
        """Register this app's hooks (publishers, demo loaders, providers) in the registry."""
        from openlima import registry

        from . import demo, selectors, services

        registry.register_publisher("participation", services.publish_due, order=30)
        registry.register_demo_loader("participation", demo.load, order=30)
        registry.register_provider("search:participation", selectors.site_search)
        registry.register_provider("dataset:propuestas", selectors.dataset_proposals)
        registry.register_provider(
            "dataset:resultados-consultas", selectors.dataset_consultation_results
        )
        registry.register_provider("indicators:participation", selectors.indicators)
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
        registry.register_provider("staff_tasks:participation", selectors.staff_tasks)
