"""Issue 12: each staff role lands where its work is after login, and /gestion/ shows a
dashboard of what is due."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from openlima import roles
from openlima.adapters import AccountAdapter
from openlima.models import OrgUnit
from openlima.selectors import staff_landing_url
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def unit(slug):
    return OrgUnit.objects.get(slug=slug)


@pytest.mark.parametrize(
    "role,unit_slug,expected",
    [
        (roles.INTEGRITY_MEMBER, "integridad", "/denuncias/unidad/"),
        (
            roles.UNIT_EDITOR,
            "sgdi",
            "/gestion/commitments/commitment/?responsible_units__id__exact=",
        ),
        (
            roles.DATA_PUBLISHER,
            "sgdi",
            "/gestion/opendata/dataset/?publisher__id__exact=",
        ),
        (
            roles.RESIDENT_REGISTRAR,
            "participacion-vecinal",
            "/gestion/budgets/residentverification/?status__exact=pending",
        ),
        (roles.MODERATOR, "sgdi", "/gestion/participation/comment/?senalados=1"),
        (roles.OGP_COORDINATOR, "sgdi", "/gestion/"),
    ],
)
def test_each_role_lands_where_its_work_is(role, unit_slug, expected):
    user = StaffFactory(roles=[role], org_unit=unit(unit_slug))
    assert staff_landing_url(user=user).startswith(expected)
    request = RequestFactory().get("/")
    request.user = user
    assert AccountAdapter(request).get_login_redirect_url(request).startswith(expected)


def test_citizens_land_on_the_home_page():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    assert AccountAdapter(request).get_login_redirect_url(request) == "/"


def test_landing_pages_open_for_their_role(staff_client_factory):
    for role, unit_slug in [
        (roles.UNIT_EDITOR, "sgdi"),
        (roles.DATA_PUBLISHER, "sgdi"),
        (roles.RESIDENT_REGISTRAR, "participacion-vecinal"),
        (roles.MODERATOR, "sgdi"),
        (roles.OGP_COORDINATOR, "sgdi"),
    ]:
        user = StaffFactory(roles=[role], org_unit=unit(unit_slug))
        client = staff_client_factory(user)
        url = staff_landing_url(user=user)
        assert client.get(url).status_code == 200, (role, url)
        client.logout()


def test_dashboard_shows_what_is_due(staff_client_factory):
    from budgets import services as budget_services
    from tests.budgets.factories import valid_dni
    from tests.participation.factories import CommentFactory

    budget_services.resident_verification_request(
        user=UserFactory(),
        dni=valid_dni("40000001"),
        birth_date=timezone.localdate() - timedelta(days=30 * 365),
        district=UserFactory().district,
    )
    comment = CommentFactory()
    type(comment).objects.filter(pk=comment.pk).update(flag_count=2)
    registrar = StaffFactory(
        roles=[roles.RESIDENT_REGISTRAR, roles.MODERATOR],
        org_unit=unit("participacion-vecinal"),
    )
    html = staff_client_factory(registrar).get("/gestion/").content.decode()
    assert "Su trabajo pendiente" in html
    assert "Verificaciones de residencia pendientes" in html
    assert "Comentarios señalados por revisar" in html
    assert "/gestion/participation/comment/?senalados=1" in html


def test_flagged_filter_lists_only_flagged_visible_comments(staff_client_factory):
    from tests.participation.factories import CommentFactory

    flagged = CommentFactory(body="Texto señalado por vecinos")
    type(flagged).objects.filter(pk=flagged.pk).update(flag_count=1)
    CommentFactory(body="Texto tranquilo")
    client = staff_client_factory(StaffFactory(roles=[roles.MODERATOR]))
    html = client.get("/gestion/participation/comment/?senalados=1").content.decode()
    assert "Texto señalado" in html and "Texto tranquilo" not in html
