"""Roles' defaults in the city profile, applied by load_city_profile (issue 15 j)."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from openlima import city, roles
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lima(settings):
    settings.CITY_PROFILE = "lima"
    city.clear_cache()
    yield
    city.clear_cache()


def test_lima_role_units_are_todays(lima):
    assert roles.role_unit_slug(roles.TRANSPARENCY_OFFICER) == "secretaria-general"
    assert roles.role_unit_slug(roles.INTEGRITY_MEMBER) == "integridad"
    from information import selectors

    assert selectors.statistics_dataset()["publisher_slug"] == "secretaria-general"


def test_load_city_profile_gives_unitless_staff_their_roles_unit(lima):
    officer = StaffFactory(roles=[roles.TRANSPARENCY_OFFICER], org_unit=None)
    placed = StaffFactory(roles=[roles.INTEGRITY_MEMBER])
    placed_unit = placed.org_unit_id
    out = StringIO()
    call_command("load_city_profile", "lima", stdout=out)
    officer.refresh_from_db()
    placed.refresh_from_db()
    assert officer.org_unit.slug == "secretaria-general"
    assert placed.org_unit_id == placed_unit  # a member with a unit keeps it
    assert "roles: 1 staff member(s)" in out.getvalue()
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    # idempotent
    out = StringIO()
    call_command("load_city_profile", "lima", stdout=out)
    assert "roles: 0 staff member(s)" in out.getvalue()


@pytest.mark.city_lapaz
def test_la_paz_roles_defaults(lapaz):
    assert roles.role_unit_slug(roles.TRANSPARENCY_OFFICER) == "integridad"
    officer = StaffFactory(roles=[roles.TRANSPARENCY_OFFICER], org_unit=None)
    call_command("load_city_profile", "la-paz", stdout=StringIO())
    officer.refresh_from_db()
    assert (
        officer.org_unit.name == "Unidad de Transparencia y Lucha contra la Corrupción"
    )
    from information import selectors

    assert selectors.statistics_dataset()["publisher_slug"] == "integridad"
