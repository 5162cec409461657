import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from complaints import crypto, services


class Command(BaseCommand):
    help = (
        "Grant an integrity member access to every case sealed to the recovery key. "
        "Reads the recovery private key from standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email=email.lower()).first()
        if user is None:
            raise CommandError("No such user.")
        try:
            private = crypto.unb64(sys.stdin.readline().strip())
            count = services.recovery_grant_access(
                recovery_private=private, grantee=user
            )
        except crypto.DecryptionError as exc:
            raise CommandError("That is not the recovery private key.") from exc
        except Exception as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        self.stdout.write(f"Granted {count} cases to {user.email}.")
