from django.core.management.base import BaseCommand
from django.db import transaction

from openlima import registry


class Command(BaseCommand):
    help = "Load demo data of every app (idempotent): accounts, Lima's 2022 plan, proposals, datasets..."

    def handle(self, *args, **options):
        for hook in registry.demo_loaders():
            self.stdout.write(f"demo: {hook.name}")
            with transaction.atomic():
                hook.func(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
