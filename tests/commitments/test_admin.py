import pytest
from django.utils import timezone

from commitments.models import Evidence, Milestone, ProgressUpdate

from .conftest import EXE_BYTES, PDF_BYTES, upload
from .factories import CommitmentFactory, MilestoneFactory
from .test_services import media_files

pytestmark = pytest.mark.django_db


def milestone_form(m, **changes):
    data = {
        "code": m.code,
        "title": m.title,
        "description": m.description,
        "start_on": m.start_on.isoformat(),
        "due_on": m.due_on.isoformat(),
        "status": m.status,
        "progress": str(m.progress),
        "completed_on": m.completed_on.isoformat() if m.completed_on else "",
        "weight": str(m.weight),
        "delay_reason": m.delay_reason,
        "update_note": "",
        "publish_at": "",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-description": "",
        "evidence-0-url": "",
        "evidence-0-milestone": str(m.pk),
        "evidence-0-id": "",
    }
    data.update(changes)
    return data


def change_url(m):
    return f"/gestion/commitments/milestone/{m.pk}/change/"


def test_editor_updates_milestone_and_attaches_evidence_in_admin(
    staff_client_factory, editor, milestone, sgdi
):
    client = staff_client_factory(editor)
    assert client.get(change_url(milestone)).status_code == 200
    data = milestone_form(
        milestone,
        progress="60",
        status="in_progress",
        update_note="Avance del desarrollo",
        **{
            "evidence-0-description": "Acta de reunión",
            "evidence-0-file": upload("acta.pdf", PDF_BYTES),
        },
    )
    response = client.post(change_url(milestone), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    milestone.refresh_from_db()
    assert milestone.progress == 60
    assert milestone.commitment.__class__.objects.get().progress == 60
    updates = list(ProgressUpdate.objects.order_by("id"))
    assert updates[0].changes == {
        "progress": [0, 60],
        "status": ["not_started", "in_progress"],
    }
    assert updates[0].note == "Avance del desarrollo" and updates[0].unit == sgdi
    assert updates[1].changes == {"evidence": [None, "Acta de reunión"]}
    assert Evidence.objects.get().content_type == "application/pdf"


def test_admin_refuses_disguised_upload_and_writes_nothing(
    staff_client_factory, editor, milestone
):
    client = staff_client_factory(editor)
    data = milestone_form(
        milestone,
        progress="70",
        **{
            "evidence-0-description": "x",
            "evidence-0-file": upload("informe.pdf", EXE_BYTES),
        },
    )
    response = client.post(change_url(milestone), data)
    assert response.status_code == 200
    assert "Tipo de archivo no permitido" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.progress == 0
    assert ProgressUpdate.objects.count() == 0 and Evidence.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"progress": "150"}, "100"),
        ({"due_on": "2020-01-01"}, "anterior"),
        ({"status": "completed", "completed_on": ""}, "fecha de cumplimiento"),
    ],
)
def test_admin_bad_milestone_input(
    staff_client_factory, editor, milestone, changes, message
):
    client = staff_client_factory(editor)
    response = client.post(change_url(milestone), milestone_form(milestone, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ProgressUpdate.objects.count() == 0


def test_other_unit_editor_cannot_edit_via_admin(
    staff_client_factory, other_editor, milestone
):
    client = staff_client_factory(other_editor)
    response = client.post(
        change_url(milestone), milestone_form(milestone, progress="90")
    )
    assert response.status_code == 403
    c = milestone.commitment
    response = client.post(f"/gestion/commitments/commitment/{c.pk}/change/", {})
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.progress == 0 and ProgressUpdate.objects.count() == 0
    # They may look, but the page has no save button for them.
    page = client.get(change_url(milestone)).content.decode()
    assert 'name="_save"' not in page


def test_anonymous_and_non_staff_are_kept_out(
    client, citizen, staff_without_role, staff_client_factory, milestone
):
    response = client.post(
        change_url(milestone), milestone_form(milestone, progress="90")
    )
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(citizen)
    response = client.post(
        change_url(milestone), milestone_form(milestone, progress="90")
    )
    assert response.status_code in (302, 403)
    staff_client = staff_client_factory(staff_without_role)
    response = staff_client.post(
        change_url(milestone), milestone_form(milestone, progress="90")
    )
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.progress == 0 and ProgressUpdate.objects.count() == 0


def test_staff_without_2fa_session_is_kept_out(client, editor, milestone):
    client.force_login(editor)
    response = client.post(
        change_url(milestone), milestone_form(milestone, progress="90")
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 0


def bulk(client, action, ids, **extra):
    return client.post(
        "/gestion/commitments/milestone/",
        {"action": action, "_selected_action": [str(i) for i in ids], **extra},
    )


def test_bulk_mark_completed_with_intermediate_form(
    staff_client_factory, editor, commitment
):
    ms = [MilestoneFactory(commitment=commitment) for _ in range(2)]
    client = staff_client_factory(editor)
    page = bulk(client, "mark_completed", [m.pk for m in ms])
    assert page.status_code == 200 and 'name="completed_on"' in page.content.decode()
    assert not Milestone.objects.filter(status="completed").exists()
    # Missing date: the form again, nothing written.
    page = bulk(
        client, "mark_completed", [m.pk for m in ms], apply="1", completed_on=""
    )
    assert page.status_code == 200
    assert ProgressUpdate.objects.count() == 0
    today = timezone.localdate().isoformat()
    response = bulk(
        client, "mark_completed", [m.pk for m in ms], apply="1", completed_on=today
    )
    assert response.status_code == 302
    assert Milestone.objects.filter(status="completed", completed_on=today).count() == 2
    assert ProgressUpdate.objects.count() == 2


def test_bulk_mark_delayed_refuses_foreign_milestones(
    staff_client_factory, editor, commitment, other_unit
):
    own = MilestoneFactory(commitment=commitment)
    foreign = MilestoneFactory(commitment=CommitmentFactory(units=[other_unit]))
    client = staff_client_factory(editor)
    response = bulk(
        client,
        "mark_delayed",
        [own.pk, foreign.pk],
        apply="1",
        reason="Sin presupuesto",
    )
    assert response.status_code == 302
    assert not Milestone.objects.filter(status="delayed").exists()
    assert ProgressUpdate.objects.count() == 0
    response = bulk(
        client, "mark_delayed", [own.pk], apply="1", reason="Sin presupuesto"
    )
    own.refresh_from_db()
    assert own.status == "delayed" and own.delay_reason == "Sin presupuesto"


def test_progress_update_admin_is_append_only(
    staff_client_factory, coordinator, milestone
):
    client = staff_client_factory(coordinator)
    response = client.post(
        "/gestion/commitments/progressupdate/add/",
        {
            "commitment": milestone.commitment_id,
            "milestone": milestone.pk,
            "note": "Aviso",
            "publish_at": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = ProgressUpdate.objects.get()
    assert update.milestone is None  # milestone notes go on the milestone's form
    assert (
        client.post(
            f"/gestion/commitments/progressupdate/{update.pk}/change/",
            {"note": "cambiado"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/gestion/commitments/progressupdate/{update.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    update.refresh_from_db()
    assert update.note == "Aviso"


def test_editor_cannot_add_notes_to_other_units(
    staff_client_factory, other_editor, milestone
):
    client = staff_client_factory(other_editor)
    response = client.post(
        "/gestion/commitments/progressupdate/add/",
        {"commitment": milestone.commitment_id, "note": "Intruso", "publish_at": ""},
    )
    assert response.status_code == 200  # the commitment is not among their choices
    assert ProgressUpdate.objects.count() == 0


def test_coordinator_opens_any_units_card_for_editing(
    staff_client_factory, coordinator, commitment, sgdi
):
    client = staff_client_factory(coordinator)
    url = f"/gestion/commitments/commitment/{commitment.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="title"' in page.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "editor"])
def test_admin_pages_open_for_staff_roles(
    request, staff_client_factory, who, milestone
):
    from commitments import demo

    demo.load()
    client = staff_client_factory(request.getfixturevalue(who))
    c = milestone.commitment
    for model in [
        "actionplan",
        "commitment",
        "milestone",
        "progressupdate",
        "indicator",
    ]:
        assert client.get(f"/gestion/commitments/{model}/").status_code == 200, model
    assert (
        client.get(f"/gestion/commitments/commitment/{c.pk}/change/").status_code == 200
    )
    assert client.get("/gestion/commitments/milestone/add/").status_code == 200
    assert client.get("/gestion/commitments/progressupdate/add/").status_code == 200
    expected = 200 if who == "coordinator" else 403
    assert client.get("/gestion/commitments/subscription/").status_code == expected
    assert client.get("/gestion/commitments/actionplan/add/").status_code == expected


def test_editor_cannot_create_milestone_on_other_units_commitment(
    staff_client_factory, other_editor, commitment
):
    client = staff_client_factory(other_editor)
    response = client.post(
        "/gestion/commitments/milestone/add/",
        {
            "commitment": commitment.pk,
            "code": "Z",
            "title": "Intruso",
            "start_on": "2026-01-01",
            "due_on": "2026-02-01",
            "status": "not_started",
            "progress": "0",
            "weight": "1",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # form error: not one of the choices
    assert not Milestone.objects.filter(title="Intruso").exists()
