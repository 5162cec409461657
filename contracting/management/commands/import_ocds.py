"""`manage.py import_ocds FILE|URL`: import OCDS releases (docs/contracting.md, "Import")."""

from django.core.management.base import BaseCommand, CommandError

from openlima.errors import ApplicationError

from ... import importer, services


class Command(BaseCommand):
    help = (
        "Importa releases OCDS 1.1 (paquete de releases, paquete de registros o JSON "
        "lines) desde un archivo o una dirección http(s). Valida todo antes de escribir; "
        "si hay un problema no importa nada. Importar dos veces no cambia nada."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="archivo o URL")

    def handle(self, *args, source, **options):
        try:
            raw = importer.read_source(source)
        except (OSError, ValueError) as exc:
            raise CommandError(f"No se pudo leer {source}: {exc}") from exc
        parsed = importer.parse(raw)
        if parsed.problems:
            for problem in parsed.problems[:200]:
                self.stderr.write(problem)
            if len(parsed.problems) > 200:
                self.stderr.write(f"... y {len(parsed.problems) - 200} problemas más")
            raise CommandError(
                f"{len(parsed.problems)} problema(s): no se importó nada."
            )
        try:
            result = services.releases_import(releases=parsed.releases)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} No se importó nada.") from exc
        self.stdout.write(
            f"{result['created']} releases nuevos, {result['skipped']} ya importados, "
            f"{result['processes']} procesos actualizados."
        )
