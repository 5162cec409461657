import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openlima import roles
from openlima.errors import ApplicationError, Forbidden, Invalid, Throttled
from openlima.models import OrgUnit
from participation import services
from participation.models import (
    Comment,
    Follow,
    ModerationAction,
    Notification,
    NotificationSettings,
    Proposal,
    Session,
    SessionRegistration,
    Support,
)
from participation.tasks import follower_digests
from tests.factories import StaffFactory, UserFactory

from .factories import (
    CommentFactory,
    ConsultationFactory,
    OptionFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _create(author, **kw):
    data = {
        "title": "Más árboles en mi parque",
        "summary": "Sembrar árboles nativos",
        "body": "Propongo sembrar **árboles** nativos en el parque zonal.",
        "topic": "ambiente",
    }
    data.update(kw)
    return services.proposal_create(author=author, **data)


# --- proposals ---------------------------------------------------------------------------


def test_create_sanitises_markdown_and_follows_own_proposal():
    author = UserFactory()
    p = _create(
        author,
        body="Hola <script>alert(1)</script> **fuerte** [x](javascript:alert(1))",
    )
    assert "<script" not in p.body_html
    assert "javascript:" not in p.body_html
    assert "<strong>fuerte</strong>" in p.body_html
    assert p.status == Proposal.Status.PUBLISHED
    assert p.support_ends_at > timezone.now() + timedelta(days=360)
    assert Follow.objects.filter(user=author, kind="proposal", target_id=p.pk).exists()


def test_unverified_email_cannot_propose_support_or_comment():
    user = UserFactory(verified_email=False)
    with pytest.raises(Forbidden) as exc:
        _create(user)
    assert exc.value.status_code == 403
    p = ProposalFactory()
    with pytest.raises(
        ApplicationError, match="Necesita una cuenta con el correo electrónico"
    ):
        services.proposal_support(user=user, proposal_id=p.pk)
    with pytest.raises(
        ApplicationError, match="Necesita una cuenta con el correo electrónico"
    ):
        services.comment_create(
            author=user,
            target_type="participation.proposal",
            target_id=p.pk,
            body="Hola",
        )
    assert Proposal.objects.count() == 1 and Support.objects.count() == 0
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", ""),
        ("title", "abc"),
        ("summary", "  "),
        ("body", "corto"),
        ("topic", "nope"),
    ],
)
def test_create_rejects_bad_input_without_writing(field, value):
    with pytest.raises(Invalid) as exc:
        _create(UserFactory(), **{field: value})
    assert field in exc.value.field_errors
    assert Proposal.objects.count() == 0


def test_too_long_title_is_a_field_error():
    with pytest.raises(Invalid) as exc:
        _create(UserFactory(), title="x" * 151)
    assert "title" in exc.value.field_errors
    assert Proposal.objects.count() == 0


def test_proposal_rate_limit_per_account(settings):
    settings.PROPOSAL_RATE_LIMIT_PER_HOUR = 2
    author = UserFactory()
    _create(author)
    _create(author)
    with pytest.raises(Throttled) as exc:
        _create(author)
    assert exc.value.status_code == 429
    assert Proposal.objects.count() == 2
    _create(UserFactory())  # another account is not limited


def test_edit_only_by_author_and_only_before_first_support():
    p = ProposalFactory()
    args = {
        "title": "Nuevo título",
        "summary": "s",
        "body": "cuerpo largo de texto",
        "topic": "otros",
    }
    with pytest.raises(PermissionDenied):
        services.proposal_update(user=UserFactory(), proposal_id=p.pk, **args)
    services.proposal_update(user=p.author, proposal_id=p.pk, **args)
    p.refresh_from_db()
    assert p.title == "Nuevo título"
    services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    with pytest.raises(
        ApplicationError, match="La propuesta ya no se puede editar: ha recibido"
    ) as exc:
        services.proposal_update(
            user=p.author, proposal_id=p.pk, **{**args, "title": "Otro título"}
        )
    assert exc.value.status_code == 409
    p.refresh_from_db()
    assert p.title == "Nuevo título"


def test_withdraw_needs_reason_and_author():
    p = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(user=UserFactory(), proposal_id=p.pk, reason="x")
    with pytest.raises(ApplicationError, match="Indique por qué retira la propuesta"):
        services.proposal_withdraw(user=p.author, proposal_id=p.pk, reason=" ")
    services.proposal_withdraw(user=p.author, proposal_id=p.pk, reason="Ya se resolvió")
    p.refresh_from_db()
    assert p.status == Proposal.Status.WITHDRAWN
    with pytest.raises(ApplicationError, match="Esta propuesta ya no admite apoyos"):
        services.proposal_support(user=UserFactory(), proposal_id=p.pk)


def test_support_is_idempotent_and_unsupport_decrements():
    p = ProposalFactory()
    u = UserFactory()
    services.proposal_support(user=u, proposal_id=p.pk)
    services.proposal_support(user=u, proposal_id=p.pk)
    p.refresh_from_db()
    assert p.support_count == 1 and Support.objects.filter(proposal=p).count() == 1
    services.proposal_unsupport(user=u, proposal_id=p.pk)
    services.proposal_unsupport(user=u, proposal_id=p.pk)
    p.refresh_from_db()
    assert p.support_count == 0 and not Support.objects.exists()


def test_support_period_over_is_archived_and_closed():
    p = ProposalFactory(support_ends_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(
        ApplicationError, match="Esta propuesta ya no admite apoyos"
    ) as exc:
        services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    assert exc.value.status_code == 409
    result = services.publish_due(now=timezone.now())
    p.refresh_from_db()
    assert p.status == Proposal.Status.ARCHIVED and result["archived"] == 1
    assert services.publish_due(now=timezone.now())["archived"] == 0  # repeat-safe


def test_support_months_setting(settings):
    settings.PROPOSAL_SUPPORT_MONTHS = 1
    p = _create(UserFactory())
    assert p.support_ends_at < timezone.now() + timedelta(days=32)


def test_threshold_moves_to_evaluation_assigns_unit_and_notifies(threshold):
    p = ProposalFactory()
    follower = UserFactory()
    services.follow_set(user=follower, kind="proposal", target_id=p.pk, follow=True)
    for _ in range(threshold - 1):
        services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    p.refresh_from_db()
    assert p.status == Proposal.Status.PUBLISHED
    services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    p.refresh_from_db()
    assert p.status == Proposal.Status.EVALUATION
    assert p.assigned_unit.slug == "participacion-vecinal"
    assert p.threshold_reached_at is not None
    notified = set(
        Notification.objects.filter(kind="proposal.threshold").values_list(
            "user_id", flat=True
        )
    )
    assert notified == {p.author_id, follower.pk}


def _unit_editor(unit_slug="participacion-vecinal"):
    return StaffFactory(
        roles=[roles.UNIT_EDITOR], org_unit=OrgUnit.objects.get(slug=unit_slug)
    )


def test_only_the_assigned_unit_answers_and_links_a_commitment(
    threshold, fake_commitments
):
    p = ProposalFactory()
    for _ in range(threshold):
        services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    other_unit = _unit_editor("sgdi")
    citizen = UserFactory()
    moderator = StaffFactory(
        roles=[roles.MODERATOR],
        org_unit=OrgUnit.objects.get(slug="participacion-vecinal"),
    )
    for user in (other_unit, citizen, moderator):
        with pytest.raises(PermissionDenied):
            services.proposal_answer(
                user=user,
                proposal_id=p.pk,
                outcome="accepted",
                answer="Motivos suficientes",
            )
    editor = _unit_editor()
    with pytest.raises(ApplicationError, match="Revise los datos enviados") as exc:
        services.proposal_answer(
            user=editor,
            proposal_id=p.pk,
            outcome="accepted",
            answer="Motivos suficientes",
            commitment_id=999,
        )
    assert "commitment_id" in exc.value.field_errors
    with pytest.raises(ApplicationError, match="Revise los datos enviados") as exc:
        services.proposal_answer(
            user=editor,
            proposal_id=p.pk,
            outcome="not_viable",
            answer="Motivos suficientes",
            commitment_id=7,
        )
    assert "commitment_id" in exc.value.field_errors
    services.proposal_answer(
        user=editor,
        proposal_id=p.pk,
        outcome="accepted",
        answer="La incluimos en el plan.",
        commitment_id=7,
    )
    p.refresh_from_db()
    assert (p.status, p.outcome, p.commitment_id) == ("answered", "accepted", 7)
    assert Notification.objects.filter(kind="proposal.answer", user=p.author).exists()


def test_cannot_answer_before_evaluation():
    p = ProposalFactory(assigned_unit=OrgUnit.objects.get(slug="participacion-vecinal"))
    with pytest.raises(
        ApplicationError, match="Solo se responden propuestas en evaluación"
    ):
        services.proposal_answer(
            user=_unit_editor(),
            proposal_id=p.pk,
            outcome="accepted",
            answer="Motivos suficientes",
        )


# --- comments ----------------------------------------------------------------------------


def test_comments_thread_three_levels_and_notify_author():
    p = ProposalFactory()
    a, b = UserFactory(), UserFactory()
    c1 = services.comment_create(
        author=a, target_type="participation.proposal", target_id=p.pk, body="uno"
    )
    c2 = services.comment_create(
        author=b,
        target_type="participation.proposal",
        target_id=p.pk,
        body="dos",
        parent_id=c1.pk,
    )
    c3 = services.comment_create(
        author=a,
        target_type="participation.proposal",
        target_id=p.pk,
        body="tres",
        parent_id=c2.pk,
    )
    assert (c1.depth, c2.depth, c3.depth) == (0, 1, 2)
    assert c3.root_id == c1.pk
    with pytest.raises(
        ApplicationError, match="No se puede responder a más de tres niveles"
    ):
        services.comment_create(
            author=b,
            target_type="participation.proposal",
            target_id=p.pk,
            body="cuatro",
            parent_id=c3.pk,
        )
    p.refresh_from_db()
    assert p.comment_count == 3
    assert Notification.objects.filter(user=p.author, kind="comment.new").count() == 3


@pytest.mark.parametrize(
    "body,message",
    [
        ("", "Escriba un comentario"),
        ("   ", "Escriba un comentario"),
        ("x" * 3001, "demasiado largo"),
    ],
)
def test_comment_bad_input(body, message):
    p = ProposalFactory()
    with pytest.raises(ApplicationError, match=message):
        services.comment_create(
            author=UserFactory(),
            target_type="participation.proposal",
            target_id=p.pk,
            body=body,
        )
    assert not Comment.objects.exists()


def test_comment_on_unknown_target_or_kind_is_404():
    from django.http import Http404

    with pytest.raises(Http404):
        services.comment_create(
            author=UserFactory(),
            target_type="participation.proposal",
            target_id=999999,
            body="hola",
        )
    with pytest.raises(Http404):
        services.comment_create(
            author=UserFactory(), target_type="auth.user", target_id=1, body="hola"
        )


def test_comment_on_commitment_through_provider(fake_commitments):
    c = services.comment_create(
        author=UserFactory(),
        target_type="commitments.commitment",
        target_id=7,
        body="¿Cuándo termina?",
    )
    assert c.target_id == 7


def test_comment_html_is_escaped():
    p = ProposalFactory()
    c = services.comment_create(
        author=UserFactory(),
        target_type="participation.proposal",
        target_id=p.pk,
        body="<img src=x onerror=alert(1)>",
    )
    assert "<img" not in c.body_html and "&lt;img" in c.body_html


def test_comment_rate_limit(settings):
    settings.COMMENT_RATE_LIMIT_PER_10_MIN = 2
    p = ProposalFactory()
    u = UserFactory()
    for i in range(2):
        services.comment_create(
            author=u, target_type="participation.proposal", target_id=p.pk, body=f"c{i}"
        )
    with pytest.raises(
        ApplicationError, match="Ha enviado demasiados aportes seguidos"
    ) as exc:
        services.comment_create(
            author=u, target_type="participation.proposal", target_id=p.pk, body="otro"
        )
    assert exc.value.status_code == 429


def test_comment_votes_one_per_person():
    c = CommentFactory()
    u = UserFactory()
    services.comment_vote(user=u, comment_id=c.pk, value=1)
    services.comment_vote(user=u, comment_id=c.pk, value=-1)
    c.refresh_from_db()
    assert (c.upvotes, c.downvotes) == (0, 1)
    services.comment_vote(user=u, comment_id=c.pk, value=-1)
    c.refresh_from_db()
    assert (c.upvotes, c.downvotes) == (0, 0)
    with pytest.raises(ApplicationError, match="No puede votar su propio comentario"):
        services.comment_vote(user=c.author, comment_id=c.pk, value=1)
    with pytest.raises(ApplicationError, match="Voto no válido"):
        services.comment_vote(user=u, comment_id=c.pk, value=5)


def test_flags_auto_hide_and_public_log(settings):
    settings.COMMENT_FLAG_HIDE_THRESHOLD = 2
    c = CommentFactory()
    u = UserFactory()
    services.comment_flag(user=u, comment_id=c.pk, reason="spam")
    services.comment_flag(user=u, comment_id=c.pk, reason="spam")  # one flag per person
    c.refresh_from_db()
    assert c.flag_count == 1 and c.status == "visible"
    services.comment_flag(user=UserFactory(), comment_id=c.pk, reason="spam")
    c.refresh_from_db()
    assert c.status == "review"
    log = ModerationAction.objects.get(target_kind="comment", target_id=c.pk)
    assert log.action == "auto_hide"


def test_only_moderators_hide_with_reason():
    c = CommentFactory()
    with pytest.raises(PermissionDenied):
        services.comment_moderate(
            moderator=UserFactory(), comment_id=c.pk, hide=True, reason="insulto"
        )
    with pytest.raises(PermissionDenied):  # staff without the moderator role
        services.comment_moderate(
            moderator=StaffFactory(roles=[roles.UNIT_EDITOR]),
            comment_id=c.pk,
            hide=True,
            reason="x",
        )
    mod = StaffFactory(roles=[roles.MODERATOR])
    with pytest.raises(
        ApplicationError, match="Indique el motivo; se mostrará en lugar del"
    ):
        services.comment_moderate(moderator=mod, comment_id=c.pk, hide=True, reason="")
    services.comment_moderate(
        moderator=mod, comment_id=c.pk, hide=True, reason="Lenguaje ofensivo"
    )
    c.refresh_from_db()
    assert c.status == "hidden" and c.hidden_reason == "Lenguaje ofensivo"
    assert ModerationAction.objects.filter(
        reason="Lenguaje ofensivo", action="hide"
    ).exists()


# --- consultations -----------------------------------------------------------------------


def test_rating_changeable_until_close_then_refused():
    o = OptionFactory()
    u = UserFactory()
    services.consultation_rate(user=u, option_id=o.pk, level="low")
    r = services.consultation_rate(
        user=u, option_id=o.pk, level="high", contribution="Mejor así"
    )
    assert r.level == "high" and r.contribution == "Mejor así"
    assert o.ratings.count() == 1
    with pytest.raises(ApplicationError, match="Elija un nivel de prioridad"):
        services.consultation_rate(user=u, option_id=o.pk, level="altísimo")
    o.consultation.closes_at = timezone.now() - timedelta(seconds=1)
    o.consultation.opens_at = timezone.now() - timedelta(days=2)
    o.consultation.save()
    with pytest.raises(ApplicationError, match="La consulta no está abierta") as exc:
        services.consultation_rate(user=u, option_id=o.pk, level="low")
    assert exc.value.status_code == 409


def test_publisher_opens_and_closes_consultations():
    now = timezone.now()
    scheduled = ConsultationFactory(
        status="scheduled",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
    )
    OptionFactory.create_batch(2, consultation=scheduled)  # a ballot needs two options
    ending = ConsultationFactory(
        status="open",
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(minutes=1),
    )
    follower = UserFactory()
    services.follow_set(
        user=follower, kind="consultation", target_id=ending.pk, follow=True
    )
    result = services.publish_due(now=now)
    scheduled.refresh_from_db()
    ending.refresh_from_db()
    assert (scheduled.status, ending.status) == ("open", "closed")
    assert result["opened"] == 1 and result["closed"] == 1
    assert (
        Notification.objects.filter(user=follower, kind="consultation.closed").count()
        == 1
    )
    services.publish_due(now=now)
    assert (
        Notification.objects.filter(user=follower, kind="consultation.closed").count()
        == 1
    )


# --- sessions ----------------------------------------------------------------------------


def test_session_capacity_waitlist_and_promotion(django_capture_on_commit_callbacks):
    s = SessionFactory(capacity=1)
    a, b = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        ra = services.session_register(user=a, session_id=s.pk)
        rb = services.session_register(user=b, session_id=s.pk)
    assert (ra.status, rb.status) == ("confirmed", "waitlisted")
    assert len(mail.outbox) == 2 and "confirmada" in mail.outbox[0].body
    assert "/participa/avisos/baja/" in mail.outbox[0].body
    services.session_register(user=a, session_id=s.pk)  # repeat-safe
    s.refresh_from_db()
    assert s.registered_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel_registration(user=a, session_id=s.pk)
    rb.refresh_from_db()
    s.refresh_from_db()
    assert rb.status == "confirmed" and s.registered_count == 1
    assert len(mail.outbox) == 3 and mail.outbox[-1].to == [b.email]


def test_session_close_by_organiser_only():
    unit = OrgUnit.objects.get(slug="participacion-vecinal")
    s = SessionFactory(organiser_unit=unit)
    p = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.session_close(
            user=UserFactory(), session_id=s.pk, minutes="Acta", attendance_count=3
        )
    with pytest.raises(PermissionDenied):
        services.session_close(
            user=_unit_editor("sgdi"),
            session_id=s.pk,
            minutes="Acta",
            attendance_count=3,
        )
    editor = _unit_editor()
    with pytest.raises(
        ApplicationError, match="La asistencia debe ser un número entero no"
    ):
        services.session_close(
            user=editor, session_id=s.pk, minutes="Acta", attendance_count="-2"
        )
    services.session_close(
        user=editor,
        session_id=s.pk,
        minutes="Acta de la sesión",
        attendance_count=12,
        proposal_ids=[p.pk],
    )
    s.refresh_from_db()
    assert s.status == Session.Status.CLOSED and s.attendance_count == 12
    assert list(s.proposals.all()) == [p]
    with pytest.raises(
        ApplicationError, match="La inscripción a esta sesión está cerrada"
    ):
        services.session_register(user=UserFactory(), session_id=s.pk)
    assert not SessionRegistration.objects.exists()


# --- notifications -----------------------------------------------------------------------


def test_daily_digest_once_with_unsubscribe_link(client):
    p = ProposalFactory()
    follower = UserFactory()
    services.follow_set(user=follower, kind="proposal", target_id=p.pk, follow=True)
    for i in range(3):
        services.comment_create(
            author=UserFactory(),
            target_type="participation.proposal",
            target_id=p.pk,
            body=f"c{i}",
        )
    mail.outbox.clear()
    follower_digests()
    to_follower = [m for m in mail.outbox if m.to == [follower.email]]
    assert len(to_follower) == 1 and to_follower[0].body.count("Nuevo comentario") == 3
    services.comment_create(
        author=UserFactory(),
        target_type="participation.proposal",
        target_id=p.pk,
        body="otro",
    )
    follower_digests()  # a second run the same day sends nothing more
    assert len([m for m in mail.outbox if m.to == [follower.email]]) == 1
    NotificationSettings.objects.filter(user=follower).update(
        last_digest_at=timezone.now() - timedelta(days=1)
    )
    follower_digests()
    assert len([m for m in mail.outbox if m.to == [follower.email]]) == 2
    link = [
        line for line in to_follower[0].body.splitlines() if "/avisos/baja/" in line
    ][0]
    path = link[link.index("/participa/") :].strip()
    assert client.post(path).status_code == 200
    assert NotificationSettings.objects.get(user=follower).frequency == "never"
    services.comment_create(
        author=UserFactory(),
        target_type="participation.proposal",
        target_id=p.pk,
        body="más",
    )
    assert not Notification.objects.filter(user=follower, sent_at__isnull=True).exists()


def test_unsubscribe_with_bad_token(client):
    r = client.post("/participa/avisos/baja/no-es-valido/")
    assert r.status_code == 400


def test_immediate_notifications(django_capture_on_commit_callbacks):
    p = ProposalFactory()
    services.notification_settings_update(
        user=p.author, frequency="immediate", follow_own_proposals=True
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            author=UserFactory(),
            target_type="participation.proposal",
            target_id=p.pk,
            body="hola",
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [p.author.email]
    assert "baja" in mail.outbox[0].body


# --- images ------------------------------------------------------------------------------


def _jpeg_with_exif():
    from PIL import Image

    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "CamaraSecreta"  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_image_metadata_stripped_and_type_sniffed():
    from PIL import Image

    data = _jpeg_with_exif()
    assert b"CamaraSecreta" in data
    p = _create(
        UserFactory(),
        image=SimpleUploadedFile("foto.png", data, "image/png"),
        image_alt="Parque",
    )
    stored = p.image.read()
    assert b"CamaraSecreta" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    with pytest.raises(ApplicationError, match="debe ser JPEG, PNG o WebP"):
        _create(
            UserFactory(),
            image=SimpleUploadedFile("x.jpg", b"<html>no</html>" * 10, "image/jpeg"),
            image_alt="x",
        )
    with pytest.raises(
        ApplicationError, match="Describa la imagen"
    ):  # image without a text alternative
        _create(UserFactory(), image=SimpleUploadedFile("foto.jpg", data, "image/jpeg"))


def test_huge_upload_rejected(settings):
    settings.PROPOSAL_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="demasiado grande"):
        _create(
            UserFactory(),
            image=SimpleUploadedFile(
                "foto.jpg", b"\xff\xd8\xff" + b"0" * 5000, "image/jpeg"
            ),
            image_alt="x",
        )
    assert Proposal.objects.count() == 0


def test_threshold_e_mails_the_assigned_unit(
    threshold, django_capture_on_commit_callbacks
):
    OrgUnit.objects.filter(slug="participacion-vecinal").update(
        email="participacion@munlima.gob.pe"
    )
    p = ProposalFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(threshold):
            services.proposal_support(user=UserFactory(), proposal_id=p.pk)
    to_unit = [m for m in mail.outbox if m.to == ["participacion@munlima.gob.pe"]]
    assert (
        len(to_unit) == 1
        and f"/gestion/propuestas/{p.pk}/responder/" in to_unit[0].body
    )


def test_publish_scheduled_job_runs_the_participation_publisher():
    from openlima.tasks import publish_scheduled

    now = timezone.now()
    c = ConsultationFactory(
        status="scheduled",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=3),
    )
    OptionFactory.create_batch(2, consultation=c)  # a ballot needs two options
    result = publish_scheduled()
    c.refresh_from_db()
    assert c.status == "open" and result["participation"]["opened"] == 1
