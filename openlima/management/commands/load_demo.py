import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openlima import city, registry
from openlima.demo import demo_load_city
from openlima.reference_data import city_profile_load


class Command(BaseCommand):
    help = "Load demo data of every app (idempotent): accounts, Lima's 2022 plan, proposals, datasets..."

    def handle(self, *args, **options):
        # Demo accounts have a published password and TOTP secret: never in production.
        module = settings.SETTINGS_MODULE or os.environ.get(
            "DJANGO_SETTINGS_MODULE", ""
        )
        if module.endswith(".production"):
            raise CommandError(
                "load_demo refuses to run under config.settings.production "
                "(demo accounts have published passwords)."
            )
        # The city profile first (territorial and municipal units, docs/city-profile.md). A
        # profile with its own demo_content (La Paz) loads that instead of the apps' demo
        # (Lima's plans, districts and datasets), keeping only the loaders it names.
        profile = city.raw()
        with transaction.atomic():
            city_profile_load(profile)
        content = profile.get("demo_content")
        for hook in registry.demo_loaders():
            if content is not None and hook.name not in content.get("app_loaders", []):
                continue
            self.stdout.write(f"demo: {hook.name}")
            with transaction.atomic():
                hook.func(stdout=self.stdout)
        if content is not None:
            self.stdout.write(f"demo: {profile['slug']}")
            with transaction.atomic():
                demo_load_city(profile=profile, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
