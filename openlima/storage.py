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

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404


class PrivateFileSystemStorage(FileSystemStorage):
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
