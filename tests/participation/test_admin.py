import pytest

from openlima import roles
from openlima.models import OrgUnit
from tests.factories import StaffFactory

from .factories import (
    CommentFactory,
    ConsultationFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_unit_editor_sees_only_proposals_of_their_unit(staff_client_factory):
    mine = OrgUnit.objects.get(slug="participacion-vecinal")
    ours = ProposalFactory(
        title="De mi unidad", assigned_unit=mine, status="evaluation"
    )
    ProposalFactory(
        title="De otra unidad",
        assigned_unit=OrgUnit.objects.get(slug="sgdi"),
        status="evaluation",
    )
    client = staff_client_factory(
        StaffFactory(roles=[roles.UNIT_EDITOR], org_unit=mine)
    )
    r = client.get("/gestion/participation/proposal/")
    assert r.status_code == 200
    assert b"De mi unidad" in r.content and b"De otra unidad" not in r.content
    assert (
        client.get(f"/gestion/participation/proposal/{ours.pk}/change/").status_code
        == 200
    )
    assert client.get("/gestion/participation/comment/").status_code == 403


def test_coordinator_and_moderator_screens(staff_client_factory):
    ConsultationFactory()
    SessionFactory()
    CommentFactory()
    coordinator = StaffFactory(roles=[roles.OGP_COORDINATOR])
    client = staff_client_factory(coordinator)
    for url in [
        "/gestion/participation/proposal/",
        "/gestion/participation/consultation/",
        "/gestion/participation/consultation/add/",
        "/gestion/participation/session/",
        "/gestion/participation/moderationaction/",
    ]:
        assert client.get(url).status_code == 200, url
    client = staff_client_factory(StaffFactory(roles=[roles.MODERATOR]))
    assert client.get("/gestion/participation/comment/").status_code == 200
    assert client.get("/gestion/participation/consultation/").status_code == 403
