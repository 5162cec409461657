"""Issue 12: one way to update a milestone's progress — the milestone's own admin form,
with evidence and a public note, through `services.milestone_update` — not three. The
commitment page lists the milestones read-only with a link to that form; the notes admin
takes commitment-level notes only; the bulk actions call the same service."""

from unittest import mock

import pytest

from commitments import services
from commitments.admin.milestones import MilestoneAdminForm
from commitments.models import Milestone, ProgressUpdate
from commitments.services import milestones as milestone_services

from .factories import CommitmentFactory, MilestoneFactory
from .test_admin import change_url, milestone_form

pytestmark = pytest.mark.django_db


def _inline_post(m, **changes):
    data = {
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-id": str(m.pk),
        "milestones-0-commitment": str(m.commitment_id),
        "milestones-0-code": m.code,
        "milestones-0-title": m.title,
        "milestones-0-start_on": m.start_on.isoformat(),
        "milestones-0-due_on": m.due_on.isoformat(),
        "milestones-0-status": "in_progress",
        "milestones-0-progress": "25",
        "milestones-0-completed_on": "",
        "milestones-0-weight": "1",
        "milestones-0-update_note": "Desde la ficha",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["editor", "coordinator"])
def test_commitment_page_lists_milestones_read_only_with_a_link_to_update(
    request, staff_client_factory, milestone, who
):
    client = staff_client_factory(request.getfixturevalue(who))
    url = f"/gestion/commitments/commitment/{milestone.commitment_id}/change/"
    page = client.get(url).content.decode()
    assert 'name="milestones-0-progress"' not in page
    assert 'name="milestones-0-status"' not in page
    assert f'href="{change_url(milestone)}"' in page
    client.post(url, _inline_post(milestone))
    milestone.refresh_from_db()
    assert milestone.progress == 0 and milestone.status == "not_started"
    assert not ProgressUpdate.objects.filter(milestone=milestone).exists()


def test_notes_admin_takes_commitment_notes_only(staff_client_factory, coordinator):
    client = staff_client_factory(coordinator)
    page = client.get("/gestion/commitments/progressupdate/add/").content.decode()
    assert 'name="note"' in page and 'name="milestone"' not in page


def test_the_milestone_form_edits_exactly_the_service_list():
    assert (
        services.MILESTONE_EDITABLE_FIELDS
        == milestone_services.MILESTONE_EDITABLE_FIELDS
    )
    assert MilestoneAdminForm._meta.fields == [
        "commitment",
        *services.MILESTONE_EDITABLE_FIELDS,
    ]


def test_the_one_path_writes_history_and_recomputes(
    staff_client_factory, editor, milestone, sgdi
):
    client = staff_client_factory(editor)
    other = CommitmentFactory(units=[sgdi])
    response = client.post(
        change_url(milestone),
        milestone_form(
            milestone,
            progress="40",
            status="in_progress",
            update_note="Pruebas con vecinos",
            commitment=str(other.pk),  # read-only on change: ignored
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    milestone.refresh_from_db()
    assert milestone.progress == 40 and milestone.commitment_id != other.pk
    update = ProgressUpdate.objects.get(milestone=milestone)
    assert update.changes["progress"] == [0, 40]
    assert update.note == "Pruebas con vecinos"
    assert update.author == editor and update.unit == sgdi
    assert update.published_at is not None
    milestone.commitment.refresh_from_db()
    assert milestone.commitment.progress == 40
    # Saving again with nothing changed and no note writes no history entry.
    client.post(change_url(milestone), milestone_form(milestone))
    assert ProgressUpdate.objects.filter(milestone=milestone).count() == 1


def test_bulk_actions_call_the_same_service(staff_client_factory, editor, commitment):
    ms = [MilestoneFactory(commitment=commitment) for _ in range(2)]
    client = staff_client_factory(editor)
    with mock.patch.object(
        milestone_services,
        "milestone_update",
        wraps=milestone_services.milestone_update,
    ) as spy:
        client.post(
            "/gestion/commitments/milestone/",
            {
                "action": "mark_delayed",
                "_selected_action": [str(m.pk) for m in ms],
                "apply": "1",
                "reason": "Lluvias",
            },
        )
    assert spy.call_count == 2
    assert Milestone.objects.filter(status="delayed").count() == 2
    assert ProgressUpdate.objects.filter(note="Lluvias").count() == 2


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_admin_pages_cost_the_same_with_more_milestones_and_evidence(
    staff_client_factory, editor, commitment
):
    """Query counts of the two pages changed for issue 12 do not grow with their rows."""
    from .conftest import PDF_BYTES, upload

    client = staff_client_factory(editor)
    url = f"/gestion/commitments/commitment/{commitment.pk}/change/"
    first = MilestoneFactory(commitment=commitment)
    MilestoneFactory(commitment=commitment)
    _queries(client, url)  # warm the per-process caches (content types, session)
    few = _queries(client, url)
    for _ in range(10):
        MilestoneFactory(commitment=commitment)
    assert _queries(client, url) == few

    def add_evidence(n):
        for i in range(n):
            services.evidence_add(
                user=editor,
                milestone=first,
                description=f"Acta {i}",
                url="",
                uploaded=upload(f"acta-{i}.pdf", PDF_BYTES),
            )

    add_evidence(2)
    _queries(client, change_url(first))
    few = _queries(client, change_url(first))
    add_evidence(6)
    many = _queries(client, change_url(first))
    assert many == few, (few, many)
    assert few <= 46, few  # measured 44 (SQLite), whatever the number of files
