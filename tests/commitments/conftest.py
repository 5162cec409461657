import io

import pytest

from openlima import roles
from openlima.models import OrgUnit
from tests.factories import StaffFactory, UserFactory

from .factories import CommitmentFactory, MilestoneFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png_bytes() -> bytes:
    """A real 1x1 PNG (evidence images are decoded and re-encoded, so it must be valid)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (1, 1), (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = _png_bytes()
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def sgdi(db):
    return OrgUnit.objects.get(slug="sgdi")


@pytest.fixture
def other_unit(db):
    return OrgUnit.objects.get(slug="participacion-vecinal")


@pytest.fixture
def commitment(sgdi):
    return CommitmentFactory(units=[sgdi])


@pytest.fixture
def milestone(commitment):
    return MilestoneFactory(commitment=commitment, code="A", weight=1)


@pytest.fixture
def editor(sgdi):
    return StaffFactory(org_unit=sgdi, roles=[roles.UNIT_EDITOR])


@pytest.fixture
def other_editor(other_unit):
    return StaffFactory(org_unit=other_unit, roles=[roles.UNIT_EDITOR])


@pytest.fixture
def coordinator(sgdi):
    return StaffFactory(org_unit=sgdi, roles=[roles.OGP_COORDINATOR])


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def staff_without_role(sgdi):
    return StaffFactory(org_unit=sgdi)


@pytest.fixture
def pdf_bytes():
    return io.BytesIO(PDF_BYTES)
