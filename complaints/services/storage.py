"""Encrypted blobs of complaint bodies and attachments in storage."""

import json

from django.utils import timezone

from .. import crypto
from ..models import (
    Attachment,
)
from ..uploads import CleanFile


def blob_name(attachment: Attachment) -> str:
    """Name of the encrypted blob in the private storage (openlima/storage.py)."""
    return f"complaints/{attachment.blob}.bin"


def blob_write(name: str, sealed: bytes) -> str:
    """Store an already encrypted blob: the storage (disk or S3) never sees clear text."""
    from django.core.files.base import ContentFile

    from openlima.storage import private_storage

    return private_storage().save(name, ContentFile(sealed))


def blob_read(attachment: Attachment) -> bytes:
    from openlima.storage import private_storage

    with private_storage().open(blob_name(attachment), "rb") as handle:
        return handle.read()


def blob_delete(name: str) -> None:
    from openlima.storage import private_storage

    private_storage().delete(name)


def _attachments_write(
    *, complaint, key: bytes, files: list[CleanFile], entry=None, from_reporter=True
) -> list[str]:
    written = []
    try:
        for f in files:
            attachment = Attachment(
                complaint=complaint,
                entry=entry,
                from_reporter=from_reporter,
                created_at=timezone.now(),
                sealed_meta=crypto.encrypt(
                    key,
                    json.dumps(
                        {"name": f.name, "mime": f.mime, "size": len(f.data)}
                    ).encode(),
                ),
            )
            written.append(
                blob_write(blob_name(attachment), crypto.encrypt(key, f.data))
            )
            attachment.save()
    except Exception:
        for name in written:
            blob_delete(name)
        raise

    return written
