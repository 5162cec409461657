import sys

from django.core.management.base import BaseCommand, CommandError

from complaints import crypto, services
from complaints.models import RecoveryKey


class Command(BaseCommand):
    help = (
        "Generate the Lima Honesta recovery key pair: stores the public half, prints the "
        "private half ONCE for offline safekeeping (it is never stored). With --replace, "
        "reads the CURRENT recovery private key from standard input and re-seals every "
        "existing recovery grant to the new key (complaints/README.md, key section)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Rotate: the old private key is read from standard input.",
        )
        parser.add_argument(
            "--old-key-lost",
            action="store_true",
            help="With --replace: the old private key is lost; the new key serves only "
            "new cases and old cases stay sealed to the lost key.",
        )

    def handle(self, *args, **options):
        exists = RecoveryKey.objects.exists()
        if exists and not options["replace"]:
            raise CommandError(
                "A recovery key already exists. Use --replace to rotate it."
            )
        if exists:
            old = None
            if not options["old_key_lost"]:
                try:
                    old = crypto.unb64(sys.stdin.readline().strip())
                except crypto.DecryptionError as exc:
                    raise CommandError("That is not a recovery private key.") from exc
            try:
                private = services.recovery_key_rotate(old_private=old)
            except (crypto.DecryptionError, ValueError, TypeError) as exc:
                raise CommandError(
                    "That is not the current recovery private key; nothing changed."
                ) from exc
        else:
            private = services.recovery_key_create()
        public = services.recovery_public_key()
        self.stdout.write(
            "Recovery PRIVATE key (write it down / print it and keep it offline; it is "
            "shown only now):"
        )
        self.stdout.write(crypto.b64(private))
        self.stdout.write(f"Recovery public key (stored): {crypto.b64(public)}")
