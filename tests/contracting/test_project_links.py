"""A work's links to the plan milestone it delivers and to the Lima Activa proposal it
answers, shown on its page through the registry contracts `commitments.milestone_summary`
and `participation.proposal_summary` (docs/contracting.md, "Links")."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from contracting.models import InfrastructureProject
from openlima import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(logistics, comas):
    return InfrastructureProject.objects.create(
        slug="losa-comas",
        title="Losa deportiva en Comas",
        description="Obra de prueba",
        district=comas,
        unit=logistics,
        status="implementation",
        progress=40,
        commitment_milestone_id=7,
        proposal_id=11,
        is_published=True,
    )


def _milestone(*, milestone_id):
    if milestone_id != 7:
        return None
    return {
        "id": 7,
        "title": "Desarrollo de la plataforma",
        "url": "/compromisos/plan/open-lima/",
        "commitment_title": "Open Lima",
        "plan_title": "Plan 2022",
        "due_on": datetime.date(2026, 12, 31),
        "progress": 60,
        "status": "ongoing",
        "status_label": "En curso",
    }


def _proposal(*, proposal_id):
    if proposal_id != 11:
        return None
    return {
        "id": 11,
        "title": "Publicar las licitaciones en su primera etapa",
        "url": "/propuestas/11/",
        "status": "published",
        "status_label": "Recogiendo apoyos",
        "support_count": 42,
    }


def test_the_project_page_shows_both_links(
    client, project, django_assert_max_num_queries
):
    with (
        translation.override("es"),
        registry.override("commitments.milestone_summary", _milestone),
        registry.override("participation.proposal_summary", _proposal),
        django_assert_max_num_queries(10),
    ):
        html = client.get(project.get_absolute_url()).content.decode()
    assert (
        '<a href="/compromisos/plan/open-lima/">Desarrollo de la plataforma</a>' in html
    )
    assert "Open Lima" in html and "60 %" in html
    assert (
        '<a href="/propuestas/11/">Publicar las licitaciones en su primera etapa</a>'
        in html
    )
    assert "42 apoyos" in html


def test_absent_apps_or_hidden_targets_show_nothing(client, project):
    with (
        translation.override("es"),
        registry.override("commitments.milestone_summary", None),
        registry.override(
            "participation.proposal_summary", lambda *, proposal_id: None
        ),
    ):
        response = client.get(project.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hito del plan" not in html and "Propuesta ciudadana" not in html


def test_demo_links_the_comas_work_to_the_real_proposal_and_a_milestone(client):
    call_command("load_demo", stdout=io.StringIO())
    work = InfrastructureProject.objects.get(slug="losa-deportiva-comas")
    proposal = registry.provider("participation.proposal_summary")(
        proposal_id=work.proposal_id
    )
    assert proposal["title"] == "Publicar las licitaciones en su primera etapa"
    milestone = registry.provider("commitments.milestone_summary")(
        milestone_id=work.commitment_milestone_id
    )
    assert milestone is not None and "Open Lima" in milestone["commitment_title"]
    html = client.get(work.get_absolute_url()).content.decode()
    assert f'href="{proposal["url"]}"' in html
    assert f'href="{milestone["url"]}"' in html
