import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services
from budgets.models import BudgetProcess, Project, Support
from openlima.errors import ApplicationError
from tests.factories import UserFactory

from .factories import ProjectFactory

BASE = "/participa/presupuestos"


def set_phase(heading, phase):
    BudgetProcess.objects.filter(pk=heading.process_id).update(phase=phase)
    heading.process.refresh_from_db()


@pytest.mark.django_db
def test_supports_once_per_resident_in_selecting_phase(resident, district_heading):
    project = ProjectFactory(heading=district_heading, is_selected=False)
    with pytest.raises(ApplicationError, match="apoyos no está abierta"):
        services.support_add(user=resident, project_id=project.pk)
    set_phase(district_heading, "selecting")
    services.support_add(user=resident, project_id=project.pk)
    with pytest.raises(ApplicationError, match="Ya apoyó"):
        services.support_add(user=resident, project_id=project.pk)
    project.refresh_from_db()
    assert project.support_count == 1 and Support.objects.count() == 1


@pytest.mark.django_db
def test_supports_refused_to_unverified_other_district_and_unfeasible(
    resident_factory, districts, district_heading
):
    set_phase(district_heading, "selecting")
    project = ProjectFactory(heading=district_heading, is_selected=False)
    with pytest.raises(ApplicationError, match="verificados"):
        services.support_add(user=UserFactory(), project_id=project.pk)
    with pytest.raises(ApplicationError, match="propio distrito"):
        services.support_add(
            user=resident_factory(district=districts[1]), project_id=project.pk
        )
    unfeasible = ProjectFactory(
        heading=district_heading,
        is_selected=False,
        feasibility="unfeasible",
        unfeasibility_reason="Terreno privado.",
    )
    with pytest.raises(ApplicationError, match="no es viable"):
        services.support_add(user=resident_factory(), project_id=unfeasible.pk)
    assert not Support.objects.exists()


def test_support_button_on_heading_page(client, resident, district_heading):
    set_phase(district_heading, "selecting")
    project = ProjectFactory(heading=district_heading, is_selected=False)
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/"
    client.force_login(resident)
    assert "Apoyar" in client.get(url).content.decode()
    response = client.post(f"{url}proyectos/{project.pk}/apoyar/", follow=True)
    assert "Gracias por su apoyo" in response.content.decode()
    assert "1 apoyo" in response.content.decode()


@pytest.mark.django_db
def test_resident_proposes_in_accepting_phase_only(
    resident, district_heading, districts, resident_factory
):
    kwargs = {
        "heading": district_heading,
        "title": "Huerto vecinal",
        "description": "En el parque.",
    }
    with pytest.raises(ApplicationError, match="no está recibiendo"):
        services.project_propose(user=resident, **kwargs)
    set_phase(district_heading, "accepting")
    with pytest.raises(ApplicationError, match="verificados"):
        services.project_propose(user=UserFactory(), **kwargs)
    with pytest.raises(ApplicationError, match="propio distrito"):
        services.project_propose(user=resident_factory(district=districts[1]), **kwargs)
    with pytest.raises(ValidationError):
        services.project_propose(
            user=resident, heading=district_heading, title="", description="x"
        )
    with pytest.raises(ValidationError):
        services.project_propose(
            user=resident, heading=district_heading, title="x" * 201, description="x"
        )
    project = services.project_propose(user=resident, **kwargs)
    assert project.feasibility == "pending" and not project.is_selected
    assert Project.objects.count() == 1


def test_propose_page_with_image_and_bad_upload(client, resident, district_heading):
    set_phase(district_heading, "accepting")
    client.force_login(resident)
    url = f"{BASE}/{district_heading.process.slug}/{district_heading.slug}/proponer/"
    assert client.get(url).status_code == 200
    bad = io.BytesIO(b"%PDF-1.4 not an image")
    bad.name = "foto.jpg"
    response = client.post(url, {"title": "Mural", "description": "Arte", "image": bad})
    assert (
        response.status_code == 200 and "no es una imagen" in response.content.decode()
    )
    assert not Project.objects.exists()  # no half write
    from PIL import Image

    good = io.BytesIO()
    Image.new("RGB", (8, 8)).save(good, format="JPEG")
    good.seek(0)
    good.name = "foto.jpg"
    response = client.post(
        url,
        {
            "title": "<script>x</script>Mural",
            "description": "Arte",
            "image": good,
            "image_alt": "mural",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Proyecto recibido" in html and "<script>x</script>" not in html
    assert Project.objects.get().images.count() == 1


@pytest.mark.django_db
def test_unfeasible_needs_public_reason_and_only_feasible_go_to_ballot(
    district_heading,
):
    project = ProjectFactory.build(
        heading=district_heading,
        feasibility="unfeasible",
        unfeasibility_reason="",
        is_selected=False,
    )
    with pytest.raises(ValidationError, match="motivo"):
        project.full_clean()
    project = ProjectFactory.build(
        heading=district_heading, feasibility="pending", is_selected=True
    )
    with pytest.raises(ValidationError):
        project.full_clean()
    ok = ProjectFactory.build(heading=district_heading, estimated_cost=Decimal("5"))
    ok.full_clean()


@pytest.mark.django_db
def test_demo_loader_is_idempotent_and_registered():
    from openlima import registry

    loader = next(h for h in registry.demo_loaders() if h.name == "budgets")
    assert loader.order == 50
    loader.func(stdout=None)
    loader.func(stdout=None)
    process = BudgetProcess.objects.get()
    assert process.phase == "balloting"
    headings = list(process.headings.all())
    assert len(headings) == 3
    assert sum(h.district_id is None for h in headings) == 1
    assert Project.objects.filter(is_selected=True).count() == 10


@pytest.mark.django_db
def test_demo_residents_can_vote_after_the_core_demo():
    from budgets.demo import demo_load
    from budgets.models import Ballot, Heading
    from openlima.demo import demo_load_core
    from openlima.models import User

    demo_load_core()
    demo_load()
    demo_load()
    vecino1 = User.objects.get(email="vecino1@demo.openlima.pe")
    assert vecino1.is_verified_resident
    heading = Heading.objects.get(district=vecino1.district)
    project = heading.projects.first()
    services.ballot_submit(
        user=vecino1, heading_id=heading.pk, project_ids=[project.pk]
    )
    assert Ballot.objects.filter(user=vecino1).count() == 1
    vecino3 = User.objects.get(email="vecino3@demo.openlima.pe")
    assert not vecino3.is_verified_resident
    assert vecino3.resident_verification.status == "pending"


def test_admin_publish_results_action(
    client, staff_client_factory, district_heading, resident
):
    from tests.factories import StaffFactory

    project = ProjectFactory(heading=district_heading)
    services.ballot_submit(
        user=resident, heading_id=district_heading.pk, project_ids=[project.pk]
    )
    set_phase(district_heading, "results")
    client = staff_client_factory(StaffFactory(is_superuser=True))
    response = client.post(
        "/gestion/budgets/budgetprocess/",
        {
            "action": "publish_results",
            "_selected_action": [district_heading.process_id],
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_winner and project.ballot_count == 1
