import itertools

import pytest
from django.contrib.auth.models import Permission

from openlima.models import District
from tests.factories import StaffFactory, UserFactory

from .factories import HeadingFactory, ProcessFactory, make_resident

_dni_numbers = itertools.count(20000000)


@pytest.fixture
def districts(db):
    return list(District.objects.order_by("ubigeo")[:2])


@pytest.fixture
def process(db):
    return ProcessFactory()


@pytest.fixture
def city_heading(process):
    return HeadingFactory(process=process, name="Toda la ciudad", slug="ciudad")


@pytest.fixture
def district_heading(process, districts):
    return HeadingFactory(
        process=process, name="Distrito A", slug="distrito-a", district=districts[0]
    )


@pytest.fixture
def other_district_heading(process, districts):
    return HeadingFactory(
        process=process, name="Distrito B", slug="distrito-b", district=districts[1]
    )


@pytest.fixture
def resident_factory(db, districts):
    def make(district=None):
        return make_resident(
            UserFactory(),
            district=district or districts[0],
            dni_number=str(next(_dni_numbers)),
        )

    return make


@pytest.fixture
def resident(resident_factory):
    return resident_factory()


@pytest.fixture
def budget_staff(db):
    """Staff of the participation unit allowed to confirm residents and enter ballots."""
    staff = StaffFactory()
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="budgets",
            codename__in=[
                "view_residentverification",
                "change_residentverification",
                "view_paperballot",
                "add_paperballot",
            ],
        )
    )
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=staff.pk)


@pytest.fixture(autouse=True)
def _spanish():
    """Service messages are asserted in Spanish; a page under /en/ must not leak English
    into the next test through the thread's active language."""
    from django.utils import translation

    with translation.override("es"):
        yield
