import datetime
import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import services
from commitments.models import ProgressUpdate, Subscription

from .conftest import PDF_BYTES, upload
from .factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory
from .seed import seed_plan

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_for",
    [
        lambda plan, c: f"/compromisos/{plan.slug}/",
        lambda plan, c: f"/compromisos/{plan.slug}/{c.slug}/",
        lambda plan, c: f"/compromisos/{plan.slug}/informe/",
        lambda plan, c: "/compromisos/",
        lambda plan, c: f"/compromisos/{plan.slug}/compromisos.csv",
        lambda plan, c: f"/compromisos/{plan.slug}/hitos.json",
    ],
    ids=["plan", "commitment", "report", "plan_list", "export_csv", "export_json"],
)
def test_public_pages_run_bounded_queries(
    client, url_for, django_assert_max_num_queries
):
    small_plan, small = seed_plan(commitments=2, milestones=2, slug="pequeno")
    small_count = count_queries(client, url_for(small_plan, small[0]))
    big_plan, big = seed_plan(commitments=40, milestones=12, slug="grande")
    with django_assert_max_num_queries(small_count):
        client.get(url_for(big_plan, big[0]))
    assert small_count <= 15


def test_plan_page_shows_progress_summary_timeline_and_overdue(client, sgdi):
    plan = ActionPlanFactory(slug="lima-x")
    c = CommitmentFactory(plan=plan, units=[sgdi], completion_level="substantial")
    today = timezone.localdate()
    MilestoneFactory(
        commitment=c,
        code="A",
        title="Hito vencido",
        start_on=today - datetime.timedelta(days=20),
        due_on=today - datetime.timedelta(days=1),
    )
    MilestoneFactory(
        commitment=c,
        code="B",
        title="Hito futuro",
        start_on=today,
        due_on=today + datetime.timedelta(days=30),
    )
    html = client.get("/compromisos/lima-x/").content.decode()
    assert '<progress class="cm-progress" max="100" value="0"' in html
    assert "<caption>Resumen del cumplimiento</caption>" in html
    assert 'class="bar bar-substantial"' in html
    assert "Cronograma de hitos" in html and "<caption>Hitos del plan</caption>" in html
    overdue_section = html[
        html.index('id="overdue-heading"') : html.index('id="timeline-heading"')
    ]
    assert "Hito vencido" in overdue_section and "Hito futuro" not in overdue_section
    assert "gantt-overdue" in html


def test_plan_filters(client, sgdi, other_unit):
    plan = ActionPlanFactory(slug="filtros")
    CommitmentFactory(
        plan=plan, title="Uno transparente", ogp_values="transparency", units=[sgdi]
    )
    CommitmentFactory(
        plan=plan,
        title="Dos participativo",
        ogp_values="participation",
        units=[other_unit],
    )
    html = client.get("/compromisos/filtros/?ogp_value=transparency").content.decode()
    assert "Uno transparente" in html and "Dos participativo" not in html
    html = client.get(f"/compromisos/filtros/?unit={other_unit.slug}").content.decode()
    assert "Uno transparente" not in html and "Dos participativo" in html
    html = client.get("/compromisos/filtros/?status=completed").content.decode()
    assert "Ningún compromiso coincide" in html
    # Bad filter values are ignored, not a 500.
    assert client.get("/compromisos/filtros/?status=<script>&unit=x").status_code == 200


def test_unpublished_plan_is_not_public(client):
    plan = ActionPlanFactory(slug="borrador", is_published=False)
    c = CommitmentFactory(plan=plan)
    assert client.get("/compromisos/borrador/").status_code == 404
    assert client.get(f"/compromisos/borrador/{c.slug}/").status_code == 404
    assert "borrador" not in client.get("/compromisos/").content.decode()


def test_commitment_page_shows_card_milestones_history_and_only_published(
    client, editor, milestone
):
    services.milestone_update(
        user=editor, milestone=milestone, data={"progress": 35}, note="Publicado ya"
    )
    services.progress_update_create(
        user=editor,
        commitment=milestone.commitment,
        note="Nota programada",
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )
    c = milestone.commitment
    html = client.get(c.get_absolute_url()).content.decode()
    assert "Ficha del compromiso" in html
    assert 'value="35"' in html
    assert "Publicado ya" in html and "Nota programada" not in html
    assert "Subgerencia de Gobierno Digital" in html  # the unit, never the person
    assert editor.email not in html and editor.display_name not in html


def test_commitment_page_escapes_html(client, editor, milestone):
    services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"progress": 5},
        note="<script>alert(1)</script>",
    )
    html = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_english_version(client, milestone):
    html = client.get("/en" + milestone.commitment.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html
    assert "Milestones" in html


def test_exports(client, milestone):
    plan = milestone.commitment.plan
    data = json.loads(client.get(f"/compromisos/{plan.slug}/compromisos.json").content)
    assert data[0]["title"] == milestone.commitment.title
    response = client.get(f"/compromisos/{plan.slug}/hitos.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("plan,commitment_number,commitment,code")
    assert milestone.title in body
    assert client.get(f"/compromisos/{plan.slug}/hitos.xml").status_code == 404


def test_evidence_file_served_by_view(client, editor, milestone):
    evidence = services.evidence_add(
        user=editor,
        milestone=milestone,
        description="Acta",
        uploaded=upload("acta.pdf", PDF_BYTES),
    )
    response = client.get(f"/compromisos/evidencias/{evidence.pk}/archivo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get("/compromisos/evidencias/999999/archivo/").status_code == 404


def test_registered_user_follows_with_one_click(client, user, commitment):
    client.force_login(user)
    url = commitment.get_absolute_url()
    response = client.post(url + "seguir/")
    assert response.status_code == 302
    assert Subscription.objects.get(user=user).is_active
    assert "Dejar de seguir" in client.get(url).content.decode()
    client.post(url + "dejar-de-seguir/")
    assert not Subscription.objects.get(user=user).is_active


def test_email_follow_double_opt_in_and_unsubscribe(
    client, commitment, django_capture_on_commit_callbacks
):
    url = commitment.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "seguir/", {"email": "Vecina@Example.pe"})
    assert response.status_code == 302
    sub = Subscription.objects.get()
    assert sub.email == "vecina@example.pe" and not sub.is_active
    assert len(mail.outbox) == 1
    confirm = f"/compromisos/suscripcion/{sub.token}/confirmar/"
    assert confirm in mail.outbox[0].body
    assert f"/compromisos/suscripcion/{sub.token}/baja/" in mail.outbox[0].body
    # GET shows a button only; POST confirms.
    assert client.get(confirm).status_code == 200
    sub.refresh_from_db()
    assert not sub.is_active
    client.post(confirm)
    sub.refresh_from_db()
    assert sub.is_active
    # Asking again when already subscribed sends nothing and reveals nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "seguir/", {"email": "vecina@example.pe"})
    assert len(mail.outbox) == 1 and Subscription.objects.count() == 1
    client.post(f"/compromisos/suscripcion/{sub.token}/baja/")
    sub.refresh_from_db()
    assert not sub.is_active


def test_email_follow_bad_input(client, commitment):
    url = commitment.get_absolute_url() + "seguir/"
    for bad in ["", "no-es-correo", "a" * 300 + "@x.pe", "<script>@x"]:
        response = client.post(url, {"email": bad})
        assert response.status_code == 400
        assert 'class="error"' in response.content.decode()
    assert Subscription.objects.count() == 0
    assert mail.outbox == []
    assert client.get(url).status_code == 405
    assert client.post("/compromisos/suscripcion/nope/confirmar/").status_code == 404


def test_progress_updates_count_unchanged_by_page_views(client, milestone):
    client.get(milestone.commitment.get_absolute_url())
    assert ProgressUpdate.objects.count() == 0


def test_large_plan_timeline_groups_by_commitment(client):
    plan, cs = seed_plan(commitments=30, milestones=5, slug="grande")
    html = client.get("/compromisos/grande/").content.decode()
    table = html[html.index("Periodo de los hitos de cada compromiso") :]
    assert table.count('<tr><th scope="row">') == 30
    assert "hitos vencidos más" in html  # 100 overdue milestones, 30 listed
    small = client.get("/compromisos/grande/?status=completed").status_code
    assert small == 200


def test_plan_page_cache_follows_changes(
    client, editor, milestone, django_assert_max_num_queries
):
    url = milestone.commitment.plan.get_absolute_url()
    assert 'value="0"' in client.get(url).content.decode()
    with django_assert_max_num_queries(4):  # cached body: plan, version, session-free
        client.get(url)
    services.milestone_update(user=editor, milestone=milestone, data={"progress": 80})
    html = client.get(url).content.decode()
    assert 'value="80"' in html
    # Filters and languages are cached separately.
    assert (
        "Ningún compromiso coincide"
        in client.get(url + "?status=completed").content.decode()
    )
    assert '<html lang="en">' in client.get("/en" + url).content.decode()


def test_svg_coordinates_are_not_localised(client, commitment):
    """Spanish formats 12.5 as "12,5": SVG attributes must keep the dot."""
    import re

    today = timezone.localdate()
    for i in range(3):
        MilestoneFactory(
            commitment=commitment,
            start_on=today - datetime.timedelta(days=97 + i),
            due_on=today + datetime.timedelta(days=13 + i),
        )
    html = client.get(commitment.plan.get_absolute_url()).content.decode()
    svg = html[html.index('<svg role="img" aria-labelledby="timeline-title"') :]
    svg = svg[: svg.index("</svg>")]
    assert not re.search(r'(x|width|x1)="\d+,\d', svg)
    assert re.search(r'x="\d+\.\d"', svg)
    assert 'class="today"' in svg
