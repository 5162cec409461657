"""Backup and restore drill (docs/operations.md, "Back up" and "Restore drill").

A backup is a folder: `database.dump` (pg_dump, custom format), `files/<storage>/...`
(a copy of every object of the `default` and `private` storages that the database names,
whatever their backend) and `manifest.json` (row count per table and the list of objects
referenced, both read in the same snapshot as the dump, and each file's SHA-256).

Consistency: the objects are copied after the snapshot, so the copy is exactly the set of
names the snapshot references (every FileField, plus each app's `stored_files:<app>`
provider), not a listing of the bucket at copy time. Stored objects are never overwritten
(a new upload gets a new name), so each referenced name still holds the bytes the
snapshot meant. A referenced object that is gone when it is copied (deleted between the
snapshot and the copy) fails the backup loudly, naming it. The drill restores it into a fresh database and fresh storages
(a new folder, or a new bucket on S3) and checks them: the same row count per table,
every copied file identical, and each app's own `restore_check:<app>` provider (dataset
files against their recorded SHA-256, complaints opening with the offline recovery key).
"""

import hashlib
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.storage import storages as configured_storages
from django.db import connections, models

from . import registry

STORAGE_NAMES = ("default", "private")


class DrillError(RuntimeError):
    pass


def _pg_url(settings_dict: dict, name: str | None = None) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return (
        f"postgresql://{user}{password}@{host}:{port}/{name or settings_dict['NAME']}"
    )


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}")):
        found = str(candidate)
    if not found:
        raise DrillError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _walk(storage, path: str = "") -> list[str]:
    directories, files = storage.listdir(path)
    names = [f"{path}{f}" for f in files]
    for directory in directories:
        names += _walk(storage, f"{path}{directory}/")
    return names


def _sha256_file(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (catalogue names)
        counts[table] = cursor.fetchone()[0]
    return counts


def _storage_alias(field: models.FileField) -> str | None:
    storage = field.storage
    if storage is default_storage or storage is configured_storages["default"]:
        return "default"
    for name in STORAGE_NAMES:
        if storage is configured_storages[name]:
            return name
    return None


def referenced_files(*, using: str) -> dict[str, set[str]]:
    """Every object name the database `using` refers to, by storage: the values of
    every FileField of every model (base managers: no row is hidden) and what each app's
    `stored_files:<app>` provider names."""
    found: dict[str, set[str]] = {name: set() for name in STORAGE_NAMES}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            alias = _storage_alias(field)
            if alias is None:
                raise DrillError(
                    f"{model._meta.label}.{field.name} uses a storage the backup "
                    "does not copy"
                )
            names = (
                model._base_manager.using(using)
                .exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .values_list(field.attname, flat=True)
            )
            found[alias].update(names)
    for provider in registry.providers("stored_files:").values():
        for alias, name in provider(using=using):
            found[alias].add(name)
    return found


def backup_take(*, dest: Path) -> dict[str, Any]:
    """Write a backup of the database and of the stored objects it names into `dest`."""
    default = connections["default"]
    if default.vendor != "postgresql":
        raise DrillError("backups are made of PostgreSQL (pg_dump); this is not")
    dest.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"files": {}}
    manifest["tables"], referenced = _snapshot_dump(default, dest=dest)
    manifest["referenced"] = {k: sorted(v) for k, v in referenced.items()}
    missing = _copy_referenced(referenced, dest=dest, sha256=manifest["files"])
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    if missing:
        raise DrillError(
            f"{len(missing)} stored objects named by the database snapshot are gone "
            f"from storage (deleted after the snapshot?): {', '.join(missing[:20])}"
        )
    return manifest


def _snapshot_dump(
    default, *, dest: Path
) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Dump the database into `dest` and return the row counts and referenced objects,
    all three from one exported snapshot: they describe the same moment."""
    # A connection of its own, under an alias only this function uses, so the ORM reads
    # the referenced names inside the snapshot's transaction.
    alias = f"backup_snapshot_{uuid.uuid4().hex[:8]}"
    connections[alias] = type(default)({**default.settings_dict}, alias)
    snapshot_conn = connections[alias]
    try:
        with snapshot_conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor)
            referenced = referenced_files(using=alias)
            subprocess.run(  # noqa: S603 (our own arguments, no shell)
                [
                    _pg_tool("pg_dump"),
                    "-Fc",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(dest / "database.dump"),
                    "-d",
                    _pg_url(default.settings_dict),
                ],
                check=True,
                capture_output=True,
                timeout=3600,
            )
            cursor.execute("COMMIT")
    finally:
        snapshot_conn.close()
        del connections[alias]
    return counts, referenced


def _copy_referenced(
    referenced: dict[str, set[str]], *, dest: Path, sha256: dict[str, str]
) -> list[str]:
    """Copy each referenced object to `dest/files/<storage>/`, recording its SHA-256 in
    `sha256`; the objects that are gone, as `<storage>/<name>`."""
    missing = []
    for storage_name in STORAGE_NAMES:
        storage = configured_storages[storage_name]
        target = dest / "files" / storage_name
        for name in sorted(referenced[storage_name]):
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with storage.open(name, "rb") as source, path.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
            except Exception:  # gone (FileNotFoundError, S3's NoSuchKey…): named below
                path.unlink(missing_ok=True)
                missing.append(f"{storage_name}/{name}")
                continue
            with path.open("rb") as copied:
                sha256[f"{storage_name}/{name}"] = _sha256_file(copied)
    return missing


def _fresh_storages(target: str) -> dict[str, Any]:
    """Storages like the configured ones, pointing somewhere new: a new folder under
    `target` for file-system storages, a new bucket named `target` for S3."""
    result = {}
    for storage_name in STORAGE_NAMES:
        config = dict(settings.STORAGES[storage_name])
        options = dict(config.get("OPTIONS") or {})
        if "s3" in config["BACKEND"].lower():
            options["bucket_name"] = target
        else:
            options["location"] = str(Path(target) / storage_name)
        storage = configured_storages.create_storage({**config, "OPTIONS": options})
        if "s3" in config["BACKEND"].lower():
            client = storage.connection.meta.client
            try:
                client.head_bucket(Bucket=target)
            except Exception:
                client.create_bucket(Bucket=target)
        result[storage_name] = storage
    return result


def restore(*, backup: Path, database: str, target: str) -> dict[str, Any]:
    """Restore `backup` into the new database `database` and the fresh storages of
    `target`; returns the alias of the restored database and its storages."""
    if not re.fullmatch(r"[a-z0-9_]{1,60}", database):
        raise DrillError("the database name may hold a-z, 0-9 and _ only")
    default = connections["default"]
    with default.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone():
            raise DrillError(
                f"database {database} exists: a drill restores into a new one"
            )
        cursor.execute(f'CREATE DATABASE "{database}"')
    subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "-d",
            _pg_url(default.settings_dict, database),
            str(backup / "database.dump"),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    alias = f"restore_drill_{uuid.uuid4().hex[:8]}"
    # A connection of its own, not a configured alias: nothing else can route there.
    connections[alias] = type(default)(
        {**default.settings_dict, "NAME": database}, alias
    )
    restored = _fresh_storages(target)
    for storage_name, storage in restored.items():
        source = backup / "files" / storage_name
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            name = path.relative_to(source).as_posix()
            with path.open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise DrillError(f"{storage_name}/{name} restored as {saved}")
    return {"alias": alias, "storages": restored}


def drill_check(
    *, backup: Path, alias: str, storages: dict, keys: dict[str, bytes]
) -> list[dict[str, Any]]:
    manifest = json.loads((backup / "manifest.json").read_text())
    results = []
    with connections[alias].cursor() as cursor:
        restored_counts = _counts(cursor)
    different = {
        table: (count, restored_counts.get(table))
        for table, count in manifest["tables"].items()
        if restored_counts.get(table) != count
    }
    results.append(
        {
            "check": "row count per table",
            "ok": not different and set(restored_counts) == set(manifest["tables"]),
            "detail": f"{len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows"
            + (f"; different: {different}" if different else ""),
        }
    )
    bad = []
    for key, digest in manifest["files"].items():
        storage_name, name = key.split("/", 1)
        try:
            with storages[storage_name].open(name, "rb") as handle:
                ok = _sha256_file(handle) == digest
        except OSError:
            ok = False
        if not ok:
            bad.append(key)
    results.append(
        {
            "check": "object storage copy",
            "ok": not bad,
            "detail": f"{len(manifest['files'])} files, {len(bad)} missing or different"
            + (f": {bad[:10]}" if bad else ""),
        }
    )
    for app, check in registry.providers("restore_check:").items():
        for result in check(using=alias, storages=storages, keys=keys):
            results.append({**result, "check": f"{app}: {result['check']}"})
    return results


def drop(*, alias: str, database: str) -> None:
    connections[alias].close()
    del connections[alias]
    with connections["default"].cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
