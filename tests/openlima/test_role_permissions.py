"""Each app declares the Django permissions its roles need (`role_permissions:<app>`);
the core only assembles them, and a system check refuses a role or a permission that
does not exist (docs/architecture.md, "The registry")."""

import pytest

from openlima import registry, roles
from openlima.checks import role_permissions_exist
from openlima.reference_data import role_groups_sync
from tests.factories import StaffFactory


def check_messages():
    return [(m.id, m.msg) for m in role_permissions_exist()]


def test_the_real_declarations_pass_the_check():
    assert check_messages() == []


def test_the_core_assembles_every_app_declaration():
    merged = roles.role_permissions()
    assert "budgets.*" in merged[roles.OGP_COORDINATOR]
    assert "openlima.view_orgunit" in merged[roles.OGP_COORDINATOR]
    assert merged[roles.DATA_PUBLISHER] == roles.REFERENCE_LOOKUP
    # The same permission declared by two apps for one role is granted once.
    with registry.override(
        "role_permissions:contracting",
        lambda: {roles.DATA_PUBLISHER: ["openlima.view_district"]},
    ):
        granted = roles.role_permissions()[roles.DATA_PUBLISHER]
    assert sorted(granted) == sorted(roles.REFERENCE_LOOKUP)


def test_the_check_refuses_a_permission_that_no_model_defines():
    def declared():
        return {roles.RESIDENT_REGISTRAR: ["budgets.add_paperbalot"]}  # a typo

    with registry.override("role_permissions:budgets", declared):
        problems = check_messages()
    assert [p[0] for p in problems] == ["openlima.E024"]
    assert "budgets.add_paperbalot" in problems[0][1]


def test_the_check_refuses_an_unknown_role_and_an_unknown_app():
    def declared():
        return {"auditor": ["nowhere.view_thing"]}

    with registry.override("role_permissions:opendata", declared):
        problems = check_messages()
    assert len(problems) == 2 and {p[0] for p in problems} == {"openlima.E024"}
    assert "'auditor' is not a role" in problems[0][1]
    assert "no installed app 'nowhere'" in problems[1][1]


@pytest.mark.django_db
def test_a_data_publisher_may_look_units_and_districts_up():
    """The catalogue's declaration reaches the group: its admin autocompletes work."""
    publisher = StaffFactory(roles=[roles.DATA_PUBLISHER])
    assert publisher.has_perm("openlima.view_orgunit")
    assert publisher.has_perm("openlima.view_district")
    assert not publisher.has_perm("budgets.add_paperballot")


@pytest.mark.django_db
def test_a_role_no_app_declares_any_more_keeps_nothing_new():
    """Without budgets' declaration a fresh registrar group is granted nothing."""
    from django.contrib.auth.models import Group

    Group.objects.filter(name=roles.RESIDENT_REGISTRAR).delete()
    with registry.override("role_permissions:budgets", None):
        role_groups_sync()
    group = Group.objects.get(name=roles.RESIDENT_REGISTRAR)
    assert not group.permissions.exists()
