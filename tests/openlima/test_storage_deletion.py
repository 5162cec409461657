"""Deferred deletion in both storages (openlima/storage.py; docs/operations.md "Restore
drill"): a deleted object stays, marked, for STORAGE_DELETE_GRACE_SECONDS, then the
storage_purge_deleted job removes it; never overwritten meanwhile."""

import time


def test_deleted_objects_stay_for_the_grace_period_then_are_purged(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from openlima.storage import storage_purge_deleted

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.STORAGE_DELETE_GRACE_SECONDS = 3600
    storages._storages = {}
    public, private = storages["default"], storages["private"]
    kept = public.save("datasets/a.csv", ContentFile(b"a,b\n"))
    blob = private.save("complaints/x.bin", ContentFile(b"sealed"))
    public.delete(kept)
    private.delete(blob)
    public.delete(kept)  # twice: still one mark, the first time counts
    assert public.exists(kept) and private.exists(blob)
    # A new upload under the same name never overwrites the kept object.
    again = public.save("datasets/a.csv", ContentFile(b"other"))
    assert again != kept and public.open(kept).read() == b"a,b\n"
    now = time.time()
    assert storage_purge_deleted(now=now + 60) == {"default": 0, "private": 0}
    assert storage_purge_deleted(now=now + 3601) == {"default": 1, "private": 1}
    assert not public.exists(kept) and not private.exists(blob)
    assert public.exists(again)
    assert public.listdir("_deleted/datasets")[1] == []
    settings.STORAGE_DELETE_GRACE_SECONDS = 0
    public.delete(again)
    assert not public.exists(again)
    storages._storages = {}


def test_deferred_deletion_on_s3(s3_storage, settings):
    """The production class (openlima.storage_s3.S3Storage) on a real S3 API server."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from openlima.storage import storage_purge_deleted

    settings.STORAGE_DELETE_GRACE_SECONDS = 3600
    storages._storages = {}
    try:
        public = storages["default"]
        name = public.save("datasets/b.csv", ContentFile(b"x,y\n"))
        public.delete(name)
        assert public.exists(name) and public.exists(f"_deleted/{name}")
        assert storage_purge_deleted(now=time.time() + 3601)["default"] == 1
        assert not public.exists(name) and not public.exists(f"_deleted/{name}")
    finally:
        storages._storages = {}
