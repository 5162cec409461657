from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from openlima.selectors import heartbeat_last_run


class Command(BaseCommand):
    help = "Exit non-zero when a scheduled job has not run recently (container health check)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="job name, e.g. publish_scheduled")
        parser.add_argument("--max-age", type=int, default=300, help="seconds")

    def handle(self, *args, name, max_age, **options):
        last_run = heartbeat_last_run(name=name)
        if last_run is None:
            raise CommandError(f"{name}: never ran")
        age = timezone.now() - last_run
        if age > timedelta(seconds=max_age):
            raise CommandError(f"{name}: last ran {int(age.total_seconds())} s ago")
        self.stdout.write(f"{name}: last ran {int(age.total_seconds())} s ago")
