import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.importer import ImportFileError, import_plan


class Command(BaseCommand):
    help = (
        "Import an action plan in the action-plan/1 JSON format. Validates the whole file "
        "first and writes nothing if any part is wrong; importing twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the JSON file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: file not found") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
        try:
            result = import_plan(data)
        except ImportFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{path}: {len(exc.problems)} problem(s); nothing was imported"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result['plan'].slug}: {result['created']} created, "
                f"{result['updated']} updated, {result['unchanged']} unchanged"
            )
        )
