"""Complaint blobs on S3-compatible object storage (a real S3 API server, see
tests/conftest.py s3_server): encrypted before they reach storage, readable only through
the integrity unit's permission-checked view, deleted by the retention purge."""

import datetime

import pytest
from django.utils import timezone

from complaints import services
from complaints.uploads import CleanFile
from tests.conftest import s3_objects

from .conftest import pdf_bytes, unlocked_client

pytestmark = pytest.mark.django_db

SECRET = "SOBORNO-EN-S3-9031"


def test_blob_stored_encrypted_and_served_only_through_the_view(s3_storage, member):
    complaint, _code = services.complaint_submit(
        body={"what": SECRET},
        files=[
            CleanFile(name="prueba.pdf", mime="application/pdf", data=pdf_bytes(SECRET))
        ],
    )
    objects = s3_objects(s3_storage)
    [key] = objects
    assert key.startswith("private/complaints/") and key.endswith(".bin")
    assert SECRET.encode() not in objects[key] and b"%PDF" not in objects[key]
    assert b"prueba.pdf" not in objects[key]

    attachment = complaint.attachments.get()
    url = f"/denuncias/unidad/casos/{complaint.pk}/adjuntos/{attachment.pk}/"
    from django.test import Client

    assert Client().get(url).status_code in (302, 403, 404)  # no session: no file
    download = unlocked_client(*member).get(url)
    assert download.status_code == 200
    assert download.content == pdf_bytes(SECRET)


def test_private_storage_has_no_public_url(settings):
    from openlima.storage import private_storage

    with pytest.raises(ValueError):
        private_storage().url("complaints/x.bin")


def test_retention_purge_deletes_the_object(s3_storage, member, settings):
    complaint, _code = services.complaint_submit(
        body={"what": SECRET},
        files=[CleanFile(name="a.pdf", mime="application/pdf", data=pdf_bytes())],
    )
    assert len(s3_objects(s3_storage)) == 1
    complaint.closed_at = timezone.now() - datetime.timedelta(days=4000)
    complaint.save(update_fields=["closed_at"])
    settings.COMPLAINT_RETENTION_DAYS = 30
    assert services.retention_purge(now=timezone.now()) == 1
    assert s3_objects(s3_storage) == {}
