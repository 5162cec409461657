"""The restore drill (issue 11, docs/operations.md "Restore drill") on PostgreSQL: the
demo data (complaints sealed to the demo recovery key, datasets with files) is backed up,
restored into a fresh database and a fresh storage folder or S3 bucket, and checked."""

import io
import json
import unittest.mock
import uuid

import pytest
from django.core.management import call_command

from openlima import backup

pytestmark = pytest.mark.postgres


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}
    call_command("load_demo", stdout=io.StringIO())
    from complaints.models import Attachment, Complaint
    from opendata.models import ResourceVersion

    assert (
        Complaint.objects.exists() and ResourceVersion.objects.exclude(file="").exists()
    )
    assert settings.VAR_DIR.joinpath("complaints-recovery-demo.key").exists()
    return {
        "key_file": settings.VAR_DIR / "complaints-recovery-demo.key",
        "attachments": Attachment.objects.count(),
    }


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("restore_drill", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_restore_drill_passes_on_a_faithful_backup(demo, tmp_path):
    status, out = _run(
        "--recovery-key-file",
        str(demo["key_file"]),
        "--backup-dir",
        str(tmp_path / "backup"),
        "--target",
        str(tmp_path / "restored"),
        "--database",
        "drill_faithful_" + uuid.uuid4().hex[:6],
    )
    assert status == 0, out
    assert "OK   row count per table" in out
    assert "OK   object storage copy" in out
    assert "OK   opendata: dataset files SHA-256" in out
    assert "OK   complaints: complaints open with the recovery key" in out
    assert "restore drill passed" in out
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["complaints_complaint"] >= 1
    assert any(name.startswith("default/") for name in manifest["files"])
    # The restored database was dropped (no --keep).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE '%%_drill_%%'"
        )
        assert cursor.fetchone()[0] == 0


def test_restore_drill_fails_without_the_recovery_key_or_with_a_wrong_one(
    demo, tmp_path
):
    status, out = _run("--target", str(tmp_path / "r1"))
    assert status == 1
    assert "FAIL complaints:" in out and "recovery private key was not given" in out

    from complaints import crypto

    wrong = tmp_path / "wrong.key"
    wrong.write_text(crypto.b64(crypto.keypair()[0]))
    status, out = _run(
        "--recovery-key-file", str(wrong), "--target", str(tmp_path / "r2")
    )
    assert status == 1
    assert "FAIL complaints: complaints open with the recovery key: 0 of" in out


def test_restore_drill_sees_a_damaged_dataset_file_and_a_lost_row(demo, tmp_path):
    """The checks can fail: damage the copy between backup and restore."""
    from opendata.models import ResourceVersion

    dest = tmp_path / "backup"
    backup.backup_take(dest=dest)
    version = ResourceVersion.objects.exclude(file="").first()
    damaged = dest / "files" / "default" / version.file.name
    damaged.write_bytes(damaged.read_bytes() + b"\n")
    manifest = json.loads((dest / "manifest.json").read_text())
    manifest["tables"]["opendata_dataset"] += 1  # a row the restore does not have
    (dest / "manifest.json").write_text(json.dumps(manifest))
    database = f"drill_{uuid.uuid4().hex[:8]}"
    restored = backup.restore(
        backup=dest, database=database, target=str(tmp_path / "t")
    )
    try:
        results = {
            r["check"]: r
            for r in backup.drill_check(
                backup=dest,
                alias=restored["alias"],
                storages=restored["storages"],
                keys={},
            )
        }
    finally:
        backup.drop(alias=restored["alias"], database=database)
    assert not results["row count per table"]["ok"]
    assert "opendata_dataset" in results["row count per table"]["detail"]
    assert not results["object storage copy"]["ok"]
    assert not results["opendata: dataset files SHA-256"]["ok"]
    assert str(version.pk) in results["opendata: dataset files SHA-256"]["detail"]


def test_restore_drill_into_a_fresh_s3_bucket(demo, s3_storage, tmp_path):
    """Production layout: both storages in one S3 bucket; the drill restores into a new
    bucket on the same S3 API server (moto, started by the test session)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from opendata.models import ResourceVersion

    storages._storages = {}  # the s3_storage fixture switched STORAGES
    for version in ResourceVersion.objects.exclude(file=""):
        # Put the demo's dataset files where production keeps them (the bucket).
        data = (tmp_path / "media" / version.file.name).read_bytes()
        storages["default"].save(version.file.name, ContentFile(data))
    bucket = f"drill-{uuid.uuid4().hex[:10]}"
    status, out = _run("--recovery-key-file", str(demo["key_file"]), "--target", bucket)
    storages._storages = {}
    assert status == 0, out
    assert "OK   opendata: dataset files SHA-256" in out
    names = s3_storage.list_objects_v2(Bucket=bucket)["KeyCount"]
    assert names >= ResourceVersion.objects.exclude(file="").count()


def test_backup_copies_the_objects_its_snapshot_names_and_nothing_else(demo, tmp_path):
    """The copy follows the snapshot, not the bucket at copy time: an object uploaded
    after the snapshot (or never referenced) is not in the backup; every referenced one
    is, complaint blobs included (`stored_files:complaints`)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    real = backup.referenced_files
    late = {}

    def then_upload(*, using):
        found = real(using=using)
        late["name"] = storages["default"].save(
            "late/after-snapshot.txt", ContentFile(b"x")
        )
        return found

    dest = tmp_path / "backup"
    with unittest.mock.patch.object(backup, "referenced_files", then_upload):
        manifest = backup.backup_take(dest=dest)
    assert f"default/{late['name']}" not in manifest["files"]
    copied = set(manifest["files"])
    referenced = {
        f"{storage}/{name}"
        for storage, names in manifest["referenced"].items()
        for name in names
    }
    assert copied == referenced
    assert (
        sum(k.startswith("private/complaints/") for k in copied) == demo["attachments"]
    )


def test_backup_fails_naming_an_object_deleted_between_snapshot_and_copy(
    demo, tmp_path, settings
):
    """A dataset file (and its row) deleted after the snapshot was taken, with deletion
    at once (no grace period): the dump still has the row, so the backup must have the
    file, or say loudly which one it lacks."""
    from django.core.files.storage import storages

    settings.STORAGE_DELETE_GRACE_SECONDS = 0

    from opendata.models import ResourceVersion

    version = ResourceVersion.objects.exclude(file="").first()
    name = version.file.name
    real = backup.referenced_files

    def then_delete(*, using):
        found = real(using=using)
        ResourceVersion.objects.filter(pk=version.pk).delete()
        storages["default"].delete(name)
        return found

    with (
        unittest.mock.patch.object(backup, "referenced_files", then_delete),
        pytest.raises(backup.DrillError) as refused,
    ):
        backup.backup_take(dest=tmp_path / "backup")
    assert f"default/{name}" in str(refused.value)
    assert "1 stored objects" in str(refused.value)


def test_an_object_deleted_between_snapshot_and_copy_is_still_restored(
    demo, tmp_path, settings
):
    """With the grace period (the default outside tests) a deletion only marks the
    object: the backup still copies it and the drill restores it, every check OK."""
    from django.core.files.storage import storages

    from opendata.models import ResourceVersion

    settings.STORAGE_DELETE_GRACE_SECONDS = 3600
    version = ResourceVersion.objects.exclude(file="").first()
    name = version.file.name
    original = storages["default"].open(name, "rb").read()
    real = backup.referenced_files

    def then_delete(*, using):
        found = real(using=using)
        ResourceVersion.objects.filter(pk=version.pk).delete()
        storages["default"].delete(name)
        return found

    dest = tmp_path / "backup"
    with unittest.mock.patch.object(backup, "referenced_files", then_delete):
        manifest = backup.backup_take(dest=dest)
    assert f"default/{name}" in manifest["files"]
    database = f"drill_{uuid.uuid4().hex[:8]}"
    restored = backup.restore(
        backup=dest, database=database, target=str(tmp_path / "t")
    )
    try:
        results = backup.drill_check(
            backup=dest,
            alias=restored["alias"],
            storages=restored["storages"],
            keys={"complaints_recovery": _recovery_key(demo)},
        )
        with restored["storages"]["default"].open(name, "rb") as handle:
            assert handle.read() == original
    finally:
        backup.drop(alias=restored["alias"], database=database)
    assert all(r["ok"] for r in results), results


def _recovery_key(demo) -> bytes:
    import base64

    return base64.urlsafe_b64decode(demo["key_file"].read_text().strip())
