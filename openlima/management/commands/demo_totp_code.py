from django.core.management.base import BaseCommand

from openlima.demo import DEMO_TOTP_SECRET
from openlima.totp import totp_code_now


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo staff accounts (demo data only)."
    )

    def handle(self, *args, **options):
        self.stdout.write(totp_code_now(DEMO_TOTP_SECRET))
