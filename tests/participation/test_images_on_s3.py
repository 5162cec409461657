"""Proposal images on S3-compatible object storage (a real S3 API server, see
tests/conftest.py s3_server): stored under public/, served by the portal's view."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participation import services
from tests.conftest import s3_objects
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_proposal_image_goes_to_s3_and_is_served(
    client, s3_storage, tmp_path, settings
):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(buf, format="PNG")
    proposal = services.proposal_create(
        author=UserFactory(),
        title="Parque",
        summary="Árboles",
        body="Sembrar árboles.",
        topic="ambiente",
        image=SimpleUploadedFile("p.png", buf.getvalue(), "image/png"),
        image_alt="Parque",
    )
    [key] = s3_objects(s3_storage)
    assert key.startswith("public/participation/proposals/")
    assert not any((tmp_path / "media").rglob("*.*"))  # nothing on local disk
    page = client.get(f"/participa/propuestas/{proposal.pk}/").content.decode()
    url = f"/participa/propuestas/{proposal.pk}/imagen/{proposal.image_filename}"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (30, 20)
    assert "max-age=31536000" in response["Cache-Control"]
