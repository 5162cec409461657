import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from commitments import services
from commitments.models import Evidence, Milestone, ProgressUpdate
from openlima.errors import ApplicationError, Invalid
from openlima.uploads import UploadRefused

from .conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, upload
from .factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def media_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_progress_is_derived_from_weighted_milestones(editor, commitment):
    a = MilestoneFactory(commitment=commitment, code="A", weight=3)
    b = MilestoneFactory(commitment=commitment, code="B", weight=1)
    services.milestone_update(user=editor, milestone=a, data={"progress": 50})
    commitment.refresh_from_db()
    assert commitment.progress == 38  # 150 / 4 = 37.5, rounded half up
    services.milestone_update(user=editor, milestone=b, data={"progress": 100})
    commitment.refresh_from_db()
    assert commitment.progress == 63  # 250 / 4 = 62.5, half up (not banker's 62)
    assert commitment.status == "in_progress"


def test_every_change_writes_a_progress_update_with_the_unit(editor, milestone, sgdi):
    update = services.milestone_update(
        user=editor, milestone=milestone, data={"progress": 40}, note="Avance"
    )
    assert update.changes == {"progress": [0, 40]}
    assert update.unit == sgdi
    assert update.published_at is not None
    assert ProgressUpdate.objects.count() == 1
    # The same value again is no change: nothing is written.
    assert (
        services.milestone_update(
            user=editor, milestone=milestone, data={"progress": 40}
        )
        is None
    )
    assert ProgressUpdate.objects.count() == 1


def test_completed_sets_full_progress(editor, milestone):
    services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"status": "completed", "completed_on": timezone.localdate()},
    )
    milestone.refresh_from_db()
    assert milestone.progress == 100
    assert milestone.commitment.__class__.objects.get().progress == 100


@pytest.mark.parametrize(
    "data,field",
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"due_on": datetime.date(2025, 1, 1)}, "due_on"),  # before start_on 2026-01-01
        ({"status": "completed", "completed_on": None}, "completed_on"),
        (
            {"completed_on": timezone.localdate() + datetime.timedelta(days=3)},
            "completed_on",
        ),
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_bad_milestone_input_is_refused_and_nothing_written(
    editor, milestone, data, field
):
    with pytest.raises(Invalid) as exc:
        services.milestone_update(user=editor, milestone=milestone, data=data)
    assert field in exc.value.field_errors
    assert exc.value.message
    milestone.refresh_from_db()
    assert milestone.progress == 0 and milestone.status == "not_started"
    assert ProgressUpdate.objects.count() == 0


def test_unknown_field_is_refused(editor, milestone):
    with pytest.raises(ApplicationError, match="Campos no editables: commitment_id"):
        services.milestone_update(
            user=editor, milestone=milestone, data={"commitment_id": 9}
        )


@pytest.mark.parametrize(
    "who", ["other_editor", "citizen", "staff_without_role", "anonymous"]
)
def test_denied_users_cannot_change_milestones(request, milestone, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.milestone_update(user=user, milestone=milestone, data={"progress": 10})
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            user=user, milestone=milestone, description="x", url="https://example.org"
        )
    with pytest.raises(PermissionDenied):
        services.progress_update_create(
            user=user, commitment=milestone.commitment, note="Hola"
        )
    milestone.refresh_from_db()
    assert milestone.progress == 0
    assert ProgressUpdate.objects.count() == 0
    assert Evidence.objects.count() == 0


def test_inactive_editor_is_denied(editor, milestone):
    editor.is_active = False
    editor.save()
    with pytest.raises(PermissionDenied):
        services.milestone_update(
            user=editor, milestone=milestone, data={"progress": 10}
        )


def test_coordinator_changes_any_unit(coordinator, other_unit):
    from .factories import CommitmentFactory

    m = MilestoneFactory(commitment=CommitmentFactory(units=[other_unit]))
    assert services.milestone_update(
        user=coordinator, milestone=m, data={"progress": 5}
    )


def test_bulk_completed_is_all_or_nothing(editor, commitment, other_unit):
    from .factories import CommitmentFactory

    own = MilestoneFactory(commitment=commitment)
    foreign = MilestoneFactory(commitment=CommitmentFactory(units=[other_unit]))
    with pytest.raises(PermissionDenied):
        services.milestones_mark_completed(
            user=editor,
            milestones=Milestone.objects.filter(pk__in=[own.pk, foreign.pk]),
            completed_on=timezone.localdate(),
        )
    assert not Milestone.objects.filter(status="completed").exists()
    assert ProgressUpdate.objects.count() == 0
    n = services.milestones_mark_completed(
        user=editor,
        milestones=Milestone.objects.filter(pk=own.pk),
        completed_on=timezone.localdate(),
    )
    assert n == 1
    own.refresh_from_db()
    assert own.status == "completed" and own.completed_on == timezone.localdate()


def test_bulk_delayed_needs_a_reason(editor, milestone):
    with pytest.raises(ApplicationError, match="Indique el motivo del retraso"):
        services.milestones_mark_delayed(
            user=editor, milestones=Milestone.objects.all(), reason="  "
        )
    services.milestones_mark_delayed(
        user=editor, milestones=Milestone.objects.all(), reason="Falta presupuesto"
    )
    milestone.refresh_from_db()
    assert milestone.status == "delayed"
    assert milestone.delay_reason == "Falta presupuesto"
    assert ProgressUpdate.objects.get().note == "Falta presupuesto"


@pytest.mark.parametrize(
    "name,content,mime",
    [("acta.pdf", PDF_BYTES, "application/pdf"), ("foto.png", PNG_BYTES, "image/png")],
)
def test_evidence_upload_accepted_and_stored_under_media_root(
    editor, milestone, name, content, mime
):
    evidence = services.evidence_add(
        user=editor,
        milestone=milestone,
        description="Acta",
        uploaded=upload(name, content),
    )
    assert evidence.content_type == mime
    assert evidence.original_name == name
    files = media_files()
    assert len(files) == 1
    if mime == "application/pdf":  # documents are kept as sent
        assert files[0].read_bytes() == content
    else:  # images are re-encoded from their pixels (no metadata)
        assert files[0].read_bytes().startswith(b"\x89PNG")
        assert evidence.size == len(files[0].read_bytes())
    assert ProgressUpdate.objects.get().changes == {"evidence": [None, "Acta"]}


def test_evidence_photo_loses_its_gps_and_camera_metadata(editor, milestone):
    """Evidence is public: a photo's EXIF (GPS position, camera) must not be published."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "CamaraDelInspector"  # Make
    exif[0x8825] = {1: "S", 2: (12.0, 2.0, 46.0), 3: "W", 4: (77.0, 1.0, 42.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    sent = buffer.getvalue()
    assert b"CamaraDelInspector" in sent

    evidence = services.evidence_add(
        user=editor,
        milestone=milestone,
        description="Foto de obra",
        uploaded=upload("obra.jpg", sent),
    )
    stored = media_files()[0].read_bytes()
    assert evidence.content_type == "image/jpeg"
    assert b"CamaraDelInspector" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("informe.pdf", EXE_BYTES, "no permitido"),  # disguised executable
        ("pagina.pdf", b"<html><script>alert(1)</script></html>", "no permitido"),
        ("vacio.pdf", b"", "vacío"),
    ],
)
def test_bad_evidence_upload_is_refused_and_nothing_written(
    editor, milestone, name, content, message
):
    with pytest.raises(UploadRefused) as exc:
        services.evidence_add(
            user=editor,
            milestone=milestone,
            description="x",
            uploaded=upload(name, content),
        )
    assert message in exc.value.message
    assert Evidence.objects.count() == 0
    assert ProgressUpdate.objects.count() == 0
    assert media_files() == []


def test_oversized_evidence_is_refused(editor, milestone, settings):
    settings.COMMITMENTS_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="El archivo pesa más de 0 MB") as exc:
        services.evidence_add(
            user=editor,
            milestone=milestone,
            description="x",
            uploaded=upload("grande.pdf", PDF_BYTES + b"0" * 2000),
        )
    assert "MB" in exc.value.message
    assert Evidence.objects.count() == 0 and media_files() == []


def test_evidence_needs_exactly_one_of_link_or_file(editor, milestone):
    with pytest.raises(
        ApplicationError, match=r"Adjunte un documento o indique un enlace \(uno"
    ):
        services.evidence_add(user=editor, milestone=milestone, description="x")
    with pytest.raises(
        ApplicationError, match=r"Adjunte un documento o indique un enlace \(uno"
    ):
        services.evidence_add(
            user=editor,
            milestone=milestone,
            description="x",
            url="https://example.org",
            uploaded=upload("a.pdf", PDF_BYTES),
        )
    with pytest.raises(ApplicationError, match="Introduzca una URL válida"):
        services.evidence_add(
            user=editor, milestone=milestone, description="x", url="javascript:alert(1)"
        )
    assert Evidence.objects.count() == 0 and media_files() == []


def test_scheduled_update_changes_the_milestone_only_when_published(editor, milestone):
    later = timezone.now() + datetime.timedelta(hours=2)
    update = services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"progress": 30, "status": "in_progress"},
        note="Programado",
        publish_at=later,
    )
    assert update.published_at is None and update.applied_at is None
    milestone.refresh_from_db()
    assert milestone.progress == 0 and milestone.status == "not_started"
    assert milestone.commitment.__class__.objects.get().progress == 0
    assert services.progress_update_publish_due(now=timezone.now()) == 0
    assert services.progress_update_publish_due(now=later) == 1
    update.refresh_from_db()
    assert update.published_at is not None and update.applied_at is not None
    milestone.refresh_from_db()
    assert milestone.progress == 30 and milestone.status == "in_progress"
    assert milestone.commitment.__class__.objects.get().progress == 30
    assert services.progress_update_publish_due(now=later) == 0


def test_scheduled_change_that_became_invalid_is_published_as_note(editor, milestone):
    later = timezone.now() + datetime.timedelta(hours=2)
    update = services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"due_on": datetime.date(2026, 2, 1)},
        publish_at=later,
    )
    # Meanwhile the start moves after that due date.
    services.milestone_update(
        user=editor, milestone=milestone, data={"start_on": datetime.date(2026, 3, 1)}
    )
    assert services.progress_update_publish_due(now=later) == 1
    update.refresh_from_db()
    milestone.refresh_from_db()
    assert update.published_at is not None and update.applied_at is None
    assert milestone.due_on == datetime.date(2027, 6, 30)


def test_scheduled_evidence_is_hidden_until_its_date(client, editor, milestone):
    later = timezone.now() + datetime.timedelta(hours=2)
    evidence = services.evidence_add(
        user=editor,
        milestone=milestone,
        description="Acta futura",
        uploaded=upload("acta.pdf", PDF_BYTES),
        publish_at=later,
    )
    assert (
        "Acta futura"
        not in client.get(milestone.commitment.get_absolute_url()).content.decode()
    )
    assert (
        client.get(f"/compromisos/evidencias/{evidence.pk}/archivo/").status_code == 404
    )
    Evidence.objects.filter(pk=evidence.pk).update(publish_at=timezone.now())
    assert (
        "Acta futura"
        in client.get(milestone.commitment.get_absolute_url()).content.decode()
    )


def test_publisher_registered_for_publish_scheduled(editor, milestone):
    from openlima.tasks import publish_scheduled

    update = services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"progress": 30},
        publish_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(
        published_at=None, applied_at=None
    )
    result = publish_scheduled()
    assert result["commitments"] == 1
    update.refresh_from_db()
    assert update.published_at is not None


def test_progress_update_note_validation(editor, commitment):
    with pytest.raises(ApplicationError, match="Escriba la nota"):
        services.progress_update_create(user=editor, commitment=commitment, note="")
    with pytest.raises(
        ApplicationError, match=r"La nota es demasiado larga \(máximo 4000\)"
    ):
        services.progress_update_create(
            user=editor, commitment=commitment, note="x" * 4001
        )
    assert ProgressUpdate.objects.count() == 0
