"""ARCO rights (Ley 29733) across the whole portal: every app's personal data in the
account page and the JSON download, and account deletion through every app's eraser."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budgets.dni import dni_hmac
from budgets.models import Ballot, ResidentVerification
from budgets.models import Support as BudgetSupport
from commitments import services as commitment_services
from commitments.models import SentNotice, Subscription
from complaints import services as complaint_services
from complaints.models import Complaint, KeyGrant, MemberKey
from opendata.models import Dataset
from openlima import registry
from openlima.models import AuditLog, User
from openlima.services import user_delete_account
from participation import services as participation_services
from participation.models import (
    Comment,
    CommentVote,
    ConsultationRating,
    Follow,
    Notification,
    NotificationSettings,
    Proposal,
    Session,
    SessionRegistration,
    Support,
)
from tests.budgets.factories import (
    HeadingFactory,
    ProjectFactory,
    make_resident,
    valid_dni,
)
from tests.commitments.factories import CommitmentFactory
from tests.factories import StaffFactory, UserFactory
from tests.opendata.factories import DatasetFactory
from tests.participation.factories import (
    CommentFactory,
    OptionFactory,
    ProposalFactory,
    SessionFactory,
)

APPS = {
    "commitments",
    "participation",
    "budgets",
    "complaints",
    "opendata",
    "contracting",
    "information",
}
DNI = "10117410"


@pytest.fixture(autouse=True)
def _spanish(settings):
    settings.LANGUAGE_CODE = "es"


def _activity(user, *, n=1, other=None, dni=DNI):
    """Give `user` activity of every kind in every app (`n` of each where it can repeat)."""
    other = other or UserFactory()
    for _ in range(n):
        commitment = CommitmentFactory()
        commitment_services.subscription_follow(user=user, commitment=commitment)
        Subscription.objects.create(
            commitment=CommitmentFactory(),
            email=user.email,
            token=f"t-{commitment.pk}-{user.pk}",
            confirmed_at=timezone.now(),
        )
        own = ProposalFactory(author=user, title=f"Mi propuesta {commitment.pk}")
        theirs = ProposalFactory(author=other)
        participation_services.proposal_support(user=user, proposal_id=theirs.pk)
        participation_services.follow_set(
            user=user, kind=Follow.Kind.PROPOSAL, target_id=theirs.pk, follow=True
        )
        mine = Comment.objects.create(
            target_type="participation.proposal",
            target_id=own.pk,
            author=user,
            body=f"Mi comentario {own.pk}",
            body_html=f"<p>Mi comentario {own.pk}</p>",
        )
        Comment.objects.filter(pk=mine.pk).update(root_id=mine.pk)
        their_comment = CommentFactory(
            target_id=own.pk, author=other, body="Comentario ajeno"
        )
        participation_services.comment_vote(
            user=user, comment_id=their_comment.pk, value=1
        )
        participation_services.comment_flag(
            user=user, comment_id=their_comment.pk, reason="spam"
        )
        option = OptionFactory()
        participation_services.consultation_rate(
            user=user, option_id=option.pk, level="high", contribution="Mi aporte"
        )
        session = SessionFactory(capacity=1)
        participation_services.session_register(user=user, session_id=session.pk)
        Notification.objects.create(user=user, kind="x", text="Aviso")
        project = ProjectFactory()
        BudgetSupport.objects.create(user=user, project=project)
        ballot = Ballot.objects.create(user=user, heading=HeadingFactory())
        ballot.projects.add(ProjectFactory(heading=ballot.heading))
    participation_services.notification_settings_update(
        user=user, frequency="immediate", follow_own_proposals=True
    )
    if not ResidentVerification.objects.filter(user=user).exists():
        make_resident(user, dni_number=dni)
    return other


@pytest.fixture
def ana(db):
    return UserFactory(email="ana@example.pe", display_name="Ana")


@pytest.fixture
def active_ana(ana):
    other = UserFactory(email="otra@example.pe", display_name="Otra")
    _activity(other, dni="20304050")
    _activity(ana, other=other)
    return ana


def test_every_app_registers_both_providers():
    assert set(registry.providers("personal_data:")) == APPS
    assert set(registry.providers("erase_personal_data:")) == APPS


# --- access and download -------------------------------------------------------------------


@pytest.mark.django_db
def test_download_has_every_app_and_only_my_data(client, active_ana):
    client.force_login(active_ana)
    response = client.get("/cuenta/mis-datos/descargar/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )
    raw = response.content.decode()
    data = json.loads(raw)
    assert set(data["apps"]) == APPS
    for section in data["apps"].values():
        assert section["summary"]
    apps = data["apps"]
    assert len(apps["commitments"]["subscriptions"]) == 2  # by account and by address
    part = apps["participation"]
    assert [p["title"] for p in part["proposals"]] == [
        p.title for p in Proposal.objects.filter(author=active_ana)
    ]
    assert len(part["supports"]) == 1 and len(part["comments"]) == 1
    assert part["comments"][0]["body"].startswith("Mi comentario")
    assert len(part["comment_votes"]) == len(part["comment_flags"]) == 1
    assert part["consultation_ratings"][0]["contribution"] == "Mi aporte"
    assert part["session_registrations"][0]["status"] == "confirmed"
    assert part["follows"][0]["kind"] == "proposal"
    assert part["notification_settings"]["frequency"] == "immediate"
    budgets = apps["budgets"]
    assert budgets["resident_verification"]["status"] == "verified"
    assert budgets["resident_verification"]["district"]
    assert len(budgets["supports"]) == 1 and len(budgets["ballots"]) == 1
    assert len(budgets["ballots"][0]["projects"]) == 1
    assert apps["complaints"]["integrity_member"] is None
    # Never the DNI nor its keyed hash; never another person's data.
    assert DNI not in raw and dni_hmac(DNI) not in raw
    assert "dni" not in raw.lower()
    assert "otra@example.pe" not in raw and "Otra" not in raw
    assert "Comentario ajeno" not in raw
    assert "20304050" not in raw and dni_hmac("20304050") not in raw


@pytest.mark.django_db
def test_account_page_shows_a_summary_per_app(client, active_ana):
    client.force_login(active_ana)
    response = client.get("/cuenta/mis-datos/")
    html = response.content.decode()
    titles = [s["title"] for s in response.context["app_sections"]]
    for title in (
        "Seguimiento de compromisos",
        "Lima Activa",
        "Presupuesto participativo",
        "Lima Honesta",
        "Datos abiertos",
    ):
        assert title in titles and title in html
    assert "Compromisos que sigue" in html
    assert "Apoyos a propuestas" in html
    assert "Las denuncias son anónimas" in html
    assert "verificado" in html
    assert DNI not in html


@pytest.mark.django_db
def test_account_page_in_english(client, active_ana):
    client.force_login(active_ana)
    html = client.get("/en/cuenta/mis-datos/").content.decode()
    assert "Your data in each section of the portal" in html
    assert "Proposal supports" in html
    assert "Commitments you follow" in html


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cuenta/mis-datos/", "/cuenta/mis-datos/descargar/"])
def test_export_queries_do_not_grow_with_rows(
    client, ana, path, django_assert_max_num_queries
):
    _activity(ana)
    client.force_login(ana)
    few = _count_queries(client, path)
    _activity(ana, n=15)
    assert Support.objects.filter(user=ana).count() == 16
    assert _count_queries(client, path) == few
    with django_assert_max_num_queries(45):
        client.get(path)


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_account_pages_need_login(client):
    for path in (
        "/cuenta/mis-datos/",
        "/cuenta/mis-datos/descargar/",
        "/cuenta/eliminar/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/cuenta/login/")
    assert client.post("/cuenta/eliminar/", {"confirm": "ELIMINAR"}).status_code == 302


@pytest.mark.django_db
def test_delete_needs_post_and_csrf(active_ana):
    client = Client(enforce_csrf_checks=True)
    client.force_login(active_ana)
    # GET only shows the form.
    assert client.get("/cuenta/eliminar/", {"confirm": "ELIMINAR"}).status_code == 200
    # POST without the token is refused.
    assert client.post("/cuenta/eliminar/", {"confirm": "ELIMINAR"}).status_code == 403
    active_ana.refresh_from_db()
    assert active_ana.deleted_at is None and active_ana.is_active
    assert Follow.objects.filter(user=active_ana).exists()


@pytest.mark.django_db
def test_delete_only_deletes_myself(client, active_ana):
    other = User.objects.get(email="otra@example.pe")
    client.force_login(active_ana)
    client.post("/cuenta/eliminar/", {"confirm": "ELIMINAR", "user": other.pk})
    other.refresh_from_db()
    assert other.deleted_at is None and other.email == "otra@example.pe"
    assert Follow.objects.filter(user=other).exists()
    assert Subscription.objects.filter(user=other).exists()


# --- deletion ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delete_account_keeps_contributions_and_erases_the_rest(client, active_ana):
    ana = active_ana
    other = User.objects.get(email="otra@example.pe")
    own = Proposal.objects.get(author=ana)
    theirs = Proposal.objects.get(supports__user=ana)
    supports_before = Proposal.objects.get(pk=theirs.pk).support_count
    assert supports_before == 1  # Ana's support
    comment = Comment.objects.get(author=ana)
    session = Session.objects.get(registrations__user=ana)
    waiting = UserFactory()
    participation_services.session_register(user=waiting, session_id=session.pk)
    assert SessionRegistration.objects.get(user=waiting).status == "waitlisted"
    SentNotice.objects.create(key="k", recipient="ana@example.pe")
    ballots_before = Ballot.objects.count()

    client.force_login(ana)
    response = client.post("/cuenta/eliminar/", {"confirm": "ELIMINAR"})
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.deleted_at is not None and not ana.is_active

    # Public contributions stay, labelled "cuenta eliminada"; counts unchanged.
    page = client.get(f"/participa/propuestas/{own.pk}/").content.decode()
    assert own.title in page
    assert "cuenta eliminada" in page
    assert comment.body in page
    assert Comment.objects.filter(pk=comment.pk, author=ana).exists()
    assert Proposal.objects.get(pk=theirs.pk).support_count == supports_before
    assert Support.objects.filter(user=ana).count() == 1
    assert CommentVote.objects.filter(user=ana).count() == 1
    assert ConsultationRating.objects.filter(user=ana).count() == 1
    assert Ballot.objects.count() == ballots_before
    assert BudgetSupport.objects.filter(user=ana).count() == 1
    # Personal, non-public data is gone.
    assert not Follow.objects.filter(user=ana).exists()
    assert not Subscription.objects.filter(user=ana).exists()
    assert not Subscription.objects.filter(email="ana@example.pe").exists()
    assert not SentNotice.objects.filter(recipient="ana@example.pe").exists()
    assert not SessionRegistration.objects.filter(user=ana).exists()
    assert not Notification.objects.filter(user=ana).exists()
    assert NotificationSettings.objects.get(user=ana).frequency == "never"
    # Her seat went to the first person on the waitlist.
    assert SessionRegistration.objects.get(user=waiting).status == "confirmed"
    assert Session.objects.get(pk=session.pk).registered_count == 1
    # The other person's data is untouched.
    assert Follow.objects.filter(user=other).exists()
    assert Subscription.objects.filter(user=other).count() == 1
    # Nothing can be queued for a deleted account any more.
    participation_services.notify(user_ids=[ana.pk], kind="x", text="t")
    assert not Notification.objects.filter(user=ana).exists()
    # Every eraser ran, and the audit trail says so (without her address).
    entry = AuditLog.objects.get(action="account.delete")
    assert set(entry.details["apps"]) == APPS
    assert "ana@example.pe" not in json.dumps(
        list(AuditLog.objects.values("actor_label", "details", "object_repr"))
    )
    # The address is free again.
    assert not EmailAddress.objects.filter(email__iexact="ana@example.pe").exists()
    again = client.post(
        "/cuenta/signup/",
        {
            "email": "ana@example.pe",
            "password1": "una-clave-muy-segura-2024",
            "password2": "una-clave-muy-segura-2024",
            "accept_privacy": "on",
        },
    )
    assert again.status_code == 302
    assert User.objects.filter(email="ana@example.pe").exclude(pk=ana.pk).exists()


@pytest.mark.django_db
def test_an_eraser_refusing_rolls_everything_back(ana):
    from openlima.errors import ApplicationError

    _activity(ana)

    def refuse(*, user):
        raise ApplicationError("no")

    with (
        registry.override("erase_personal_data:zzz", refuse),
        pytest.raises(ApplicationError, match="no"),
    ):
        user_delete_account(user=ana)
    ana.refresh_from_db()
    assert ana.deleted_at is None and ana.email == "ana@example.pe"
    assert Follow.objects.filter(user=ana).exists()
    assert Subscription.objects.filter(user=ana).exists()


# --- budgets: the resident verification ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status,voted,kept",
    [
        ("pending", False, False),
        ("rejected", False, False),
        ("verified", False, False),
        ("verified", True, True),
    ],
)
def test_budget_verification_on_deletion(ana, status, voted, kept):
    make_resident(ana)
    ResidentVerification.objects.filter(user=ana).update(status=status)
    if voted:
        Ballot.objects.create(user=ana, heading=HeadingFactory())
    user_delete_account(user=ana)
    assert ResidentVerification.objects.filter(user=ana).exists() is kept


@pytest.mark.django_db
@pytest.mark.parametrize("voted,allowed", [(True, False), (False, True)])
def test_a_voter_who_deletes_cannot_verify_the_same_dni_again(ana, voted, allowed):
    from budgets import services as budget_services
    from openlima.errors import ApplicationError
    from openlima.models import District

    make_resident(ana)
    if voted:
        Ballot.objects.create(user=ana, heading=HeadingFactory())
    user_delete_account(user=ana)

    def again():
        return budget_services.resident_verification_request(
            user=UserFactory(),
            dni=valid_dni(DNI),
            birth_date=timezone.localdate() - timedelta(days=30 * 365),
            district=District.objects.order_by("ubigeo").first(),
        )

    if allowed:
        assert again().status in ("pending", "verified")
    else:
        # The form reveals nothing (issue 12): the claim is pending, and the office cannot
        # confirm it while the deleted voter's verification holds the DNI.
        from openlima import roles
        from tests.factories import StaffFactory

        claim = again()
        assert claim.status == "pending"
        with pytest.raises(ApplicationError, match="otra cuenta"):
            budget_services.resident_verification_confirm(
                verification_id=claim.pk,
                staff=StaffFactory(roles=[roles.RESIDENT_REGISTRAR]),
                dni_shown=valid_dni(DNI),
            )


# --- opendata ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opendata_contact_address_is_exported_and_erased(client):
    staff = StaffFactory(email="jefa@munlima.gob.pe")
    dataset = DatasetFactory(contact_email="Jefa@munlima.gob.pe")
    other = DatasetFactory(contact_email="datos@munlima.gob.pe")
    client.force_login(staff)
    data = client.get("/cuenta/mis-datos/descargar/").json()
    assert data["apps"]["opendata"]["contact_for_datasets"] == [
        {"title": dataset.title, "slug": dataset.slug}
    ]
    user_delete_account(user=staff)
    assert Dataset.objects.get(pk=dataset.pk).contact_email == ""
    assert Dataset.objects.get(pk=other.pk).contact_email == "datos@munlima.gob.pe"
    assert AuditLog.objects.filter(action="dataset.contact_erase").exists()


# --- complaints: an integrity member's key -------------------------------------------------


@pytest.fixture
def integrity(db, settings):
    settings.COMPLAINT_ARGON2 = {"t": 1, "m": 1024, "p": 1}
    settings.COMPLAINT_RECOVERY_PUBLIC_KEY = ""
    from tests.complaints.conftest import make_member

    first, _private = make_member()
    second, _private2 = make_member()
    return first, second


@pytest.mark.django_db
def test_member_deletion_revokes_their_key_and_keeps_the_unit_working(
    client, integrity
):
    first, second = integrity
    MemberKey.objects.filter(user=second).update(approved_at=timezone.now())
    complaint, _code = complaint_services.complaint_submit(body={"what": "hechos"})
    Complaint.objects.filter(pk=complaint.pk).update(assignee=first)
    assert KeyGrant.objects.filter(complaint=complaint).count() == 2

    client.force_login(first)
    mine = client.get("/cuenta/mis-datos/descargar/").json()["apps"]["complaints"]
    assert mine["integrity_member"]["case_keys"] == 1
    assert mine["integrity_member"]["assigned_cases"] == 1
    raw = json.dumps(mine)
    assert "hechos" not in raw and "sealed" not in raw

    response = client.post("/cuenta/eliminar/", {"confirm": "ELIMINAR"})
    assert response.status_code == 302
    assert not KeyGrant.objects.filter(member=first).exists()
    assert not MemberKey.objects.filter(user=first).exists()
    assert KeyGrant.objects.filter(member=second, complaint=complaint).exists()
    assert Complaint.objects.get(pk=complaint.pk).assignee is None
    entry = AuditLog.objects.get(action="complaints.member_key.revoke")
    assert entry.object_id == str(first.pk)
    assert entry.details["grants_revoked"] == 1
    assert entry.details["cases_unassigned"] == 1
    # The remaining member still opens the case.
    assert first.pk not in complaint_services.integrity_members().values_list(
        "pk", flat=True
    )


@pytest.mark.django_db
def test_the_only_member_who_can_open_a_case_cannot_delete_the_account(
    client, integrity
):
    first, second = integrity  # the second member's key is not approved: no grants
    complaint, _code = complaint_services.complaint_submit(body={"what": "hechos"})
    assert list(
        KeyGrant.objects.filter(complaint=complaint).values_list("member", flat=True)
    ) == [first.pk]
    client.force_login(first)
    response = client.post("/cuenta/eliminar/", {"confirm": "ELIMINAR"})
    assert response.status_code == 200
    assert "Conceda acceso a otro miembro" in response.content.decode()
    first.refresh_from_db()
    assert first.deleted_at is None and first.is_active
    assert KeyGrant.objects.filter(member=first).exists()
    assert MemberKey.objects.filter(user=first).exists()
    assert EmailAddress.objects.filter(user=first).exists()


@pytest.mark.django_db
def test_a_citizen_deleting_the_account_does_not_touch_complaints(ana, integrity):
    complaint, _code = complaint_services.complaint_submit(body={"what": "hechos"})
    grants = KeyGrant.objects.count()
    user_delete_account(user=ana)
    assert KeyGrant.objects.count() == grants
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert not AuditLog.objects.filter(action="complaints.member_key.revoke").exists()
