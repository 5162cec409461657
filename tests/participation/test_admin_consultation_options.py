"""Issue 12: consultation options are visible and editable in /gestion/ for the OGP
coordinator and the participation unit's editor; a consultation is never scheduled or
opened with fewer than two options."""

from datetime import timedelta

import pytest
from django.utils import timezone

from openlima import roles
from openlima.models import OrgUnit
from participation import services
from participation.models import Consultation, ConsultationOption
from tests.factories import StaffFactory

from .factories import ConsultationFactory, OptionFactory

pytestmark = pytest.mark.django_db


def coordinator():
    return StaffFactory(roles=[roles.OGP_COORDINATOR])


def participation_editor():
    return StaffFactory(
        roles=[roles.UNIT_EDITOR],
        org_unit=OrgUnit.objects.get(slug="participacion-vecinal"),
    )


def consultation_form(consultation=None, *, status="open", options=()):
    now = timezone.now()
    data = {
        "title": "Prioridades 2027",
        "slug": "prioridades-2027",
        "question": "¿Qué es prioritario?",
        "contribution_question": "",
        "description": "",
        "status": status,
        "opens_at_0": (now - timedelta(days=1)).strftime("%d/%m/%Y"),
        "opens_at_1": "09:00:00",
        "closes_at_0": (now + timedelta(days=10)).strftime("%d/%m/%Y"),
        "closes_at_1": "18:00:00",
        "weight_high": "3",
        "weight_medium": "2",
        "weight_low": "1",
        "cut_kind": "top_share",
        "cut_fraction": "0.1",
        "created_at_0": now.strftime("%d/%m/%Y"),
        "created_at_1": "08:00:00",
        "options-TOTAL_FORMS": str(max(len(options), 2)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    for i in range(max(len(options), 2)):
        title = options[i] if i < len(options) else ""
        data.update(
            {
                f"options-{i}-title": title,
                f"options-{i}-description": "",
                f"options-{i}-commitment_id": "",
                f"options-{i}-position": str(i) if title else "0",
            }
        )
    return data


@pytest.mark.parametrize("make_staff", [coordinator, participation_editor])
def test_options_visible_and_editable(staff_client_factory, make_staff):
    consultation = ConsultationFactory()
    for title in ("Parques", "Ciclovías", "Alumbrado", "Mercados", "Bibliotecas"):
        OptionFactory(consultation=consultation, title=title)
    client = staff_client_factory(make_staff())
    html = client.get(
        f"/gestion/participation/consultation/{consultation.pk}/change/"
    ).content.decode()
    for title in ("Parques", "Ciclovías", "Alumbrado", "Mercados", "Bibliotecas"):
        assert f'value="{title}"' in html
    response = client.post(
        "/gestion/participation/consultation/add/",
        consultation_form(options=["Opción A", "Opción B"]),
    )
    assert response.status_code == 302
    created = Consultation.objects.get(slug="prioridades-2027")
    assert list(created.options.values_list("title", flat=True)) == [
        "Opción A",
        "Opción B",
    ]


def test_other_unit_editor_cannot_manage_consultations(staff_client_factory):
    client = staff_client_factory(
        StaffFactory(
            roles=[roles.UNIT_EDITOR], org_unit=OrgUnit.objects.get(slug="sgdi")
        )
    )
    assert client.get("/gestion/participation/consultation/").status_code == 403


@pytest.mark.parametrize("options", [[], ["Sola"]])
@pytest.mark.parametrize("status", ["open", "scheduled"])
def test_refuses_to_open_with_fewer_than_two_options(
    staff_client_factory, options, status
):
    client = staff_client_factory(coordinator())
    response = client.post(
        "/gestion/participation/consultation/add/",
        consultation_form(status=status, options=options),
    )
    assert response.status_code == 200
    assert "al menos 2 opciones" in response.content.decode()
    assert not Consultation.objects.filter(slug="prioridades-2027").exists()


def test_a_draft_may_have_no_options_yet(staff_client_factory):
    client = staff_client_factory(coordinator())
    response = client.post(
        "/gestion/participation/consultation/add/",
        consultation_form(status="draft", options=[]),
    )
    assert response.status_code == 302


def test_scheduler_does_not_open_a_consultation_with_one_option():
    now = timezone.now()
    lonely = ConsultationFactory(status="scheduled")
    OptionFactory(consultation=lonely)
    ready = ConsultationFactory(status="scheduled")
    OptionFactory(consultation=ready)
    OptionFactory(consultation=ready)
    services.consultations_publish_due(now=now)
    lonely.refresh_from_db()
    ready.refresh_from_db()
    assert lonely.status == "scheduled"
    assert ready.status == "open"
    assert ConsultationOption.objects.count() == 3
