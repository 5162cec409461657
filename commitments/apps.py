from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Seguimiento de compromisos")
    # Provider names this app promises (checked by openlima.checks at start-up).
    provides = (
        "home_card:commitments",
        "commitments.import_plan",
        "search:commitments",
        "dataset:planes-de-accion",
        "dataset:compromisos",
        "dataset:hitos",
        "dataset:historial-de-avances",
        "indicators:commitments",
        "home_indicators:commitments",
        "home_charts:commitments",
        "commitments.summary",
        "commitments.choices",
        "commitments.milestone_summary",
        "commitments.milestone_choices",
        "commitments.track_project",
        "personal_data:commitments",
        "erase_personal_data:commitments",
    )

    def ready(self):
        """Register this app's hooks (publishers, demo loaders, providers) in the registry."""
        from openlima import registry

        from . import (
            demo,
            importer,
            links,
            selectors,
            services,
            tasks,  # noqa: F401  (registers the Celery tasks for the outbox)
        )

        registry.register_publisher("commitments", services.progress_update_publish_due)
        registry.register_demo_loader("commitments", demo.load, order=10)
        registry.register_provider("commitments.import_plan", importer.import_plan)
        registry.register_provider("search:commitments", selectors.site_search)
        registry.register_provider("dataset:planes-de-accion", selectors.dataset_plans)
        registry.register_provider("dataset:compromisos", selectors.dataset_commitments)
        registry.register_provider("dataset:hitos", selectors.dataset_milestones)
        registry.register_provider(
            "dataset:historial-de-avances", selectors.dataset_history
        )
        registry.register_provider("home_card:commitments", selectors.home_card)
        registry.register_provider("indicators:commitments", selectors.indicators)
        registry.register_provider(
            "home_indicators:commitments", selectors.home_indicator_blocks
        )
        registry.register_provider("home_charts:commitments", selectors.home_charts)
        registry.register_provider("commitments.summary", selectors.commitment_summary)
        registry.register_provider("commitments.choices", selectors.commitment_choices)
        registry.register_provider(
            "commitments.milestone_summary", links.milestone_summary
        )
        registry.register_provider(
            "commitments.milestone_choices", links.milestone_choices
        )
        registry.register_provider(
            "commitments.track_project", services.commitment_track_project
        )
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
        registry.register_provider("staff_tasks:commitments", selectors.staff_tasks)
