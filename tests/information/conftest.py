import datetime

import pytest
from django.utils import timezone

from openlima import roles
from openlima.models import OrgUnit
from tests.factories import StaffFactory, UserFactory

MARKER = "ZZMARKER7731"
# Monday 2 March 2026, 10:00 Lima (no holiday in the next weeks except those set below).
MONDAY = datetime.datetime(
    2026, 3, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
)


@pytest.fixture(autouse=True)
def _spanish_and_calendar(settings):
    from django.utils import translation

    settings.BUSINESS_HOLIDAYS = ["01-01", "05-01", "07-28", "07-29", "12-25"]
    settings.COMPLAINT_HOLIDAYS = []
    translation.activate("es")
    yield
    translation.deactivate()


@pytest.fixture
def citizen(db):
    return UserFactory()


@pytest.fixture
def other_citizen(db):
    return UserFactory()


@pytest.fixture
def unit(db):
    return OrgUnit.objects.get(slug="planificacion")


@pytest.fixture
def officer(db):
    return StaffFactory(
        roles=[roles.TRANSPARENCY_OFFICER],
        org_unit=OrgUnit.objects.get(slug="secretaria-general"),
    )


@pytest.fixture
def unit_editor(db, unit):
    return StaffFactory(roles=[roles.UNIT_EDITOR], org_unit=unit)


@pytest.fixture
def other_unit_editor(db):
    return StaffFactory(
        roles=[roles.UNIT_EDITOR], org_unit=OrgUnit.objects.get(slug="sgdi")
    )


@pytest.fixture
def file_request(db, citizen):
    from information import services

    def make(user=None, now=None, **kwargs):
        data = {
            "title": "Contratos de limpieza pública 2025",
            "text": "Copia de los contratos de limpieza pública firmados en 2025.",
            "requester_name": f"Juana {MARKER} Pérez",
            "document_type": "dni",
            "document_number": "40771234",
            "address": f"Jr. {MARKER} 123, Cercado de Lima",
            "contact_email": f"{MARKER.lower()}@correo.pe",
            "delivery_form": "email",
            "unit": None,
            "show_anonymous": True,
        }
        data.update(kwargs)
        return services.request_file(
            user=user or citizen, now=now or timezone.now(), **data
        )

    return make


def pdf_bytes(text: str = "documento") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
