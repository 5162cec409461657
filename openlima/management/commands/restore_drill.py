"""`manage.py restore_drill`: take a backup, restore it into a fresh database and fresh
storage, check it, and say what passed (docs/operations.md, "Restore drill").

    manage.py restore_drill --recovery-key-file /media/usb/recovery.key
    manage.py restore_drill --backup-dir /srv/backups/2026-11-30 --keep

Exit status 0 when every check passes, 1 otherwise. The restored database is dropped
at the end unless --keep is given; the backup folder is kept when --backup-dir is given.
"""

import base64
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openlima import backup


class Command(BaseCommand):
    help = "Back up the database and object storage, restore into fresh ones and check."

    def add_arguments(self, parser):
        parser.add_argument("--backup-dir", help="where to write the backup (kept)")
        parser.add_argument(
            "--database",
            help="name of the fresh database (default: <name>_drill_<time>)",
        )
        parser.add_argument(
            "--target",
            help="fresh bucket name (S3) or folder (file system) for the restored files",
        )
        parser.add_argument(
            "--recovery-key-file",
            help="the complaints recovery private key (kept offline; '-' reads stdin)",
        )
        parser.add_argument("--keep", action="store_true", help="keep the restored DB")

    def handle(self, *args, **options):
        from django.db import connections

        stamp = time.strftime("%Y%m%d%H%M%S")
        source_name = connections["default"].settings_dict["NAME"]
        database = options["database"] or f"{source_name}_drill_{stamp}"
        keys = {}
        if options["recovery_key_file"]:
            # The key as complaints_recovery_keygen prints it (URL-safe base64).
            source = options["recovery_key_file"]
            text = (
                sys.stdin.read() if source == "-" else Path(source).read_text()
            ).strip()
            try:
                keys["complaints_recovery"] = base64.urlsafe_b64decode(text)
            except ValueError as exc:
                raise CommandError("the recovery key file is not base64") from exc
        work = Path(
            options["backup_dir"] or tempfile.mkdtemp(prefix="openlima-backup-")
        )
        target = options["target"] or str(
            Path(tempfile.mkdtemp(prefix="openlima-restore-"))
        )
        restored = None
        try:
            manifest = backup.backup_take(dest=work)
            self.stdout.write(
                f"backup: {work} ({len(manifest['tables'])} tables, "
                f"{len(manifest['files'])} files)"
            )
            restored = backup.restore(backup=work, database=database, target=target)
            self.stdout.write(f"restored into database {database} and {target}")
            results = backup.drill_check(
                backup=work,
                alias=restored["alias"],
                storages=restored["storages"],
                keys=keys,
            )
        except (backup.DrillError, OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise CommandError(
                f"restore drill failed: {exc} {detail.decode(errors='replace')[-500:]}"
            ) from exc
        finally:
            if restored is not None and not options["keep"]:
                backup.drop(alias=restored["alias"], database=database)
        failed = 0
        for result in results:
            mark = "OK  " if result["ok"] else "FAIL"
            failed += not result["ok"]
            self.stdout.write(f"{mark} {result['check']}: {result['detail']}")
        self.stdout.write(
            "restore drill passed" if not failed else f"restore drill: {failed} failed"
        )
        if failed:
            sys.exit(1)
