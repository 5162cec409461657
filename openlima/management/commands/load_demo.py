from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openlima import registry


class Command(BaseCommand):
    help = "Load demo data of every app (idempotent): accounts, Lima's 2022 plan, proposals, datasets..."

    def handle(self, *args, **options):
        # Demo accounts have a published password and TOTP secret: never in production.
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError(
                "load_demo refuses to run under openlima.settings.production "
                "(demo accounts have published passwords)."
            )
        for hook in registry.demo_loaders():
            self.stdout.write(f"demo: {hook.name}")
            with transaction.atomic():
                hook.func(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
