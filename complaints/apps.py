from django.apps import AppConfig

from openlima import city


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = city.lazy_text("complaints_name")
    # Provider names this app promises (checked by openlima.checks at start-up).
    provides = (
        "home_card:complaints",
        "restore_check:complaints",
        "stored_files:complaints",
        "indicators:complaints",
        "home_indicators:complaints",
        "home_charts:complaints",
        "dataset:estadisticas-denuncias",
        "personal_data:complaints",
        "erase_personal_data:complaints",
    )

    def ready(self):
        """Register hooks in openlima.registry and the key-unlocking signal receivers."""
        from allauth.account.signals import user_logged_out

        from openlima import registry
        from openlima.signals_defs import password_changed, password_verified

        from . import demo, receivers, selectors, services, tasks  # noqa: F401

        password_verified.connect(receivers.on_password_verified, dispatch_uid="cmp-pv")
        password_changed.connect(receivers.on_password_changed, dispatch_uid="cmp-pc")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="cmp-lo")
        registry.register_provider("home_card:complaints", selectors.home_card)
        registry.register_provider("indicators:complaints", selectors.public_statistics)
        registry.register_provider(
            "home_indicators:complaints", selectors.home_indicator_blocks
        )
        registry.register_provider("home_charts:complaints", selectors.home_charts)
        registry.register_provider(
            "dataset:estadisticas-denuncias", selectors.statistics_dataset
        )
        registry.register_demo_loader("complaints", demo.load, order=40)
        registry.register_provider(
            f"personal_data:{self.name}", selectors.personal_data
        )
        registry.register_provider(
            f"erase_personal_data:{self.name}", services.erase_personal_data
        )
        from . import restore

        registry.register_provider("restore_check:complaints", restore.restore_check)
        registry.register_provider("stored_files:complaints", restore.stored_files)
