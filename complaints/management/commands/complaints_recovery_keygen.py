from django.core.management.base import BaseCommand, CommandError

from complaints import crypto, services
from complaints.models import RecoveryKey


class Command(BaseCommand):
    help = (
        "Generate the Lima Honesta recovery key pair: stores the public half, prints the "
        "private half ONCE for offline safekeeping (it is never stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an existing recovery key (new cases only use the new one).",
        )

    def handle(self, *args, **options):
        if RecoveryKey.objects.exists() and not options["replace"]:
            raise CommandError(
                "A recovery key already exists. Use --replace to generate a new one."
            )
        private = services.recovery_key_create()
        public = services.recovery_public_key()
        self.stdout.write(
            "Recovery PRIVATE key (write it down / print it and keep it offline; it is "
            "shown only now):"
        )
        self.stdout.write(crypto.b64(private))
        self.stdout.write(f"Recovery public key (stored): {crypto.b64(public)}")
