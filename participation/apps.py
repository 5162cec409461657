from django.apps import AppConfig

from openlima import city


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = city.lazy_text("participation_name")
    # Provider names this app promises (checked by openlima.checks at start-up).
    provides = (
        "home_card:participation",
        "participation.demo_proposal",
        "participation.demo_session",
        "participation.proposal_summary",
        "search:participation",
        "dataset:propuestas",
        "dataset:resultados-consultas",
        "indicators:participation",
        "home_indicators:participation",
        "home_charts:participation",
        "personal_data:participation",
        "erase_personal_data:participation",
    )

    def ready(self):
        """Register this app's hooks (publishers, demo loaders, providers) in the registry."""
        from openlima import registry

        from . import demo, links, selectors, services

        registry.register_publisher("participation", services.publish_due, order=30)
        registry.register_demo_loader("participation", demo.load, order=30)
        registry.register_provider(
            "participation.demo_proposal", demo.city_demo_proposal
        )
        registry.register_provider("participation.demo_session", demo.city_demo_session)
        registry.register_provider(
            "participation.proposal_summary", links.proposal_summary
        )
        registry.register_provider("search:participation", selectors.site_search)
        registry.register_provider("dataset:propuestas", selectors.dataset_proposals)
        registry.register_provider(
            "dataset:resultados-consultas", selectors.dataset_consultation_results
        )
        registry.register_provider("home_card:participation", selectors.home_card)
        registry.register_provider("indicators:participation", selectors.indicators)
        registry.register_provider(
            "home_indicators:participation", selectors.home_indicator_blocks
        )
        registry.register_provider("home_charts:participation", selectors.home_charts)
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
        registry.register_provider("staff_tasks:participation", selectors.staff_tasks)
