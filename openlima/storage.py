"""Where uploaded files live (docs/architecture.md, "Files").

Everything goes through Django's storage API, so the same code writes to the local file
system (embedded default) or to S3-compatible object storage (production, see
config/settings/production.py). Two storages:

- ``default``: public uploads (proposal and budget project images, published evidence and
  dataset files). Served by the portal's own views with long cache headers.
- ``private``: complaint blobs (already encrypted before they get here) and anything else
  that only a permission-checked view may read.
"""

import os
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404

from .conf import setting_int

# --- Deferred deletion (docs/operations.md, "Restore drill") -----------------------------
# A backup copies the objects its database snapshot names a little after the snapshot; an
# object deleted in between would be missing from it. So `delete()` only marks the object
# (a tombstone `_deleted/<name>` holding the time) and `storage_purge_deleted` removes it
# once STORAGE_DELETE_GRACE_SECONDS (2 days by default: longer than any backup run) have
# passed. Objects are never overwritten either (a new upload gets a new name), so a name
# the snapshot holds keeps its bytes for at least the grace period.

TOMBSTONES = "_deleted/"


def delete_grace_seconds() -> int:
    """STORAGE_DELETE_GRACE_SECONDS; 0 deletes at once."""
    return setting_int("STORAGE_DELETE_GRACE_SECONDS", 2 * 24 * 3600)


def _walk(storage, path: str) -> list[str]:
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}{f}" for f in files]
    for directory in directories:
        names += _walk(storage, f"{path}{directory}/")
    return names


class DeferredDeleteMixin:
    """`delete()` leaves the object in place for the grace period (see above)."""

    def delete(self, name):
        if delete_grace_seconds() <= 0 or name.startswith(TOMBSTONES):
            return super().delete(name)
        if super().exists(name) and not super().exists(TOMBSTONES + name):
            stamp = ContentFile(str(time.time()).encode())
            super().save(TOMBSTONES + name, stamp)
        return None

    def purge_deleted(self, *, now: float | None = None) -> list[str]:
        """Delete the objects marked longer than the grace period ago; their names."""
        now = time.time() if now is None else now
        grace = delete_grace_seconds()
        purged = []
        for marker in _walk(self, TOMBSTONES):
            try:
                with self.open(marker, "rb") as handle:
                    deleted_at = float(handle.read().decode())
            except (OSError, ValueError, UnicodeDecodeError):
                continue
            if now - deleted_at >= grace:
                name = marker[len(TOMBSTONES) :]
                super().delete(name)
                super().delete(marker)
                purged.append(name)
        return purged


class PublicFileSystemStorage(DeferredDeleteMixin, FileSystemStorage):
    """The embedded public storage (MEDIA_ROOT), with deferred deletion."""


class PrivateFileSystemStorage(DeferredDeleteMixin, FileSystemStorage):
    """The embedded private storage: PRIVATE_STORAGE_ROOT, read when used (tests change it),
    folders 0700 and files 0600, and no URL: nothing private is ever linked directly."""

    def __init__(self, **kwargs):
        kwargs.setdefault("directory_permissions_mode", 0o700)
        kwargs.setdefault("file_permissions_mode", 0o600)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a view")


def private_storage():
    return storages["private"]


def public_storage():
    return storages["default"]


def public_file_response(
    field_file, *, content_type: str | None = None
) -> FileResponse:
    """Stream a public upload from whichever storage holds it (disk or S3).

    URLs that serve it carry the file's own name, which changes when the file is replaced,
    so the response can be cached for a year (docs/architecture.md, "Files")."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def storage_purge_deleted(*, now: float | None = None) -> dict[str, int]:
    """Remove, in every storage with deferred deletion, what was deleted longer than the
    grace period ago (the `storage_purge_deleted` job)."""
    result = {}
    for alias in ("default", "private"):
        storage = storages[alias]
        if isinstance(storage, DeferredDeleteMixin):
            result[alias] = len(storage.purge_deleted(now=now))
    return result
