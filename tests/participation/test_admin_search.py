"""Issue 12: staff can search and filter the lists where they look things up: sessions,
consultations (participation) and budget projects."""

import pytest
from django.urls import reverse

from openlima import roles
from tests.factories import StaffFactory
from tests.participation.factories import (
    ConsultationFactory,
    OptionFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(staff_client_factory):
    return staff_client_factory(StaffFactory(roles=[roles.OGP_COORDINATOR]))


def test_sessions_are_searchable_by_place_and_filterable(coordinator):
    SessionFactory(title="Cabildo abierto", address="Plaza de Comas")
    SessionFactory(title="Otra sesión", address="Parque Kennedy")
    url = reverse("admin:participation_session_changelist")
    body = coordinator.get(url, {"q": "Comas"}).content.decode()
    assert "Cabildo abierto" in body and "Otra sesión" not in body
    assert coordinator.get(url, {"mode__exact": "in_person"}).status_code == 200
    assert coordinator.get(url, {"starts_at__gte": "2000-01-01"}).status_code == 200


def test_consultations_are_searchable_by_option(coordinator):
    c = ConsultationFactory(title="Prioridades del distrito")
    OptionFactory(consultation=c, title="Biblioteca municipal")
    ConsultationFactory(title="Otra consulta")
    url = reverse("admin:participation_consultation_changelist")
    body = coordinator.get(url, {"q": "biblioteca"}).content.decode()
    assert "Prioridades del distrito" in body and "Otra consulta" not in body


def test_budget_projects_are_searchable_by_description_and_heading(coordinator):
    from tests.budgets.factories import ProjectFactory

    ProjectFactory(title="Rampas", description="Rampas en el malecón")
    ProjectFactory(title="Biblioteca", description="Libros")
    url = reverse("admin:budgets_project_changelist")
    body = coordinator.get(url, {"q": "malecón"}).content.decode()
    assert "Rampas" in body and "Biblioteca" not in body
