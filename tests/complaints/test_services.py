import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from complaints import crypto, selectors, services
from complaints.models import Complaint, Entry, KeyGrant, Stage
from complaints.uploads import CleanFile
from openlima.errors import ApplicationError
from openlima.models import AuditLog

from .conftest import make_member, pdf_bytes

pytestmark = pytest.mark.django_db


def _key_for(member, complaint):
    user, private = member
    grant = KeyGrant.objects.get(complaint=complaint, member=user)
    return crypto.unseal(private, bytes(grant.sealed_key))


def test_submit_encrypts_and_seals_to_members_and_code(member):
    complaint, code = services.complaint_submit(
        body={"what": "Cobro de coima en ventanilla", "who": "Funcionario X"},
        files=[CleanFile(name="prueba.pdf", mime="application/pdf", data=pdf_bytes())],
    )
    assert len(code) == 16 and code.isdigit()
    assert b"coima" not in bytes(complaint.sealed_body)
    key = _key_for(member, complaint)
    assert (
        selectors.complaint_body(complaint, key)["what"]
        == "Cobro de coima en ventanilla"
    )
    found = services.complaint_access_by_code(code=crypto.code_format(code))
    assert found is not None and found[0] == complaint and found[1] == key
    assert services.complaint_access_by_code(code="0" * 16) is None


def test_code_is_formatted_4_4_4_4():
    assert crypto.code_format("1234567812345678") == "1234-5678-1234-5678"


def test_transition_rules(member):
    user, _ = member
    complaint, _code = services.complaint_submit(body={"what": "hechos"})
    key = _key_for(member, complaint)
    with pytest.raises(
        ApplicationError, match="No se puede pasar de «Recibida» a «Juicio»"
    ):
        services.complaint_transition(
            complaint=complaint, key=key, actor=user, to_stage=Stage.TRIAL, note="x"
        )
    with pytest.raises(
        ApplicationError, match="Este texto es obligatorio"
    ):  # note required
        services.complaint_transition(
            complaint=complaint, key=key, actor=user, to_stage=Stage.EVALUATION, note=""
        )
    services.complaint_transition(
        complaint=complaint, key=key, actor=user, to_stage=Stage.EVALUATION, note="ok"
    )
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage=Stage.INVESTIGATION,
        note="ok",
    )
    with pytest.raises(
        ApplicationError, match="Indique a qué entidad se deriva"
    ):  # destination required
        services.complaint_transition(
            complaint=complaint, key=key, actor=user, to_stage=Stage.REFERRED, note="ok"
        )
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage=Stage.REFERRED,
        note="ok",
        destination="fiscalia",
    )
    complaint.refresh_from_db()
    assert complaint.destination == "fiscalia"
    assert complaint.acknowledged_at is not None
    with pytest.raises(
        ApplicationError, match="Indique el motivo del archivo"
    ):  # archive needs a reason
        services.complaint_transition(
            complaint=complaint, key=key, actor=user, to_stage=Stage.ARCHIVED, note="x"
        )
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage=Stage.ARCHIVED,
        note="x",
        archive_reason="unfounded",
    )
    complaint.refresh_from_db()
    assert complaint.is_closed and complaint.closed_at
    with pytest.raises(
        ApplicationError, match="El caso está cerrado: ya no se puede añadir"
    ):  # closed: reporter cannot add
        services.reporter_message_add(complaint=complaint, key=key, text="más")


def test_reporter_sees_stage_but_not_private_note_nor_internal_notes(member):
    user, _ = member
    complaint, _code = services.complaint_submit(body={"what": "hechos"})
    key = _key_for(member, complaint)
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage=Stage.EVALUATION,
        note="nota privada de la transición",
    )
    services.complaint_note_add(
        complaint=complaint, key=key, actor=user, text="interna"
    )
    services.complaint_message_send(
        complaint=complaint, key=key, actor=user, text="hola"
    )
    detail = selectors.complaint_detail(complaint, key, for_reporter=True)
    texts = [e["text"] for e in detail["entries"]]
    assert "hola" in texts
    assert "interna" not in texts
    assert "nota privada de la transición" not in texts
    assert any(e["kind"] == Entry.Kind.STAGE for e in detail["entries"])
    staff_detail = selectors.complaint_detail(complaint, key, for_reporter=False)
    assert "interna" in [e["text"] for e in staff_detail["entries"]]


def test_rating_bounds():
    complaint, _code = services.complaint_submit(body={"what": "hechos"})
    for bad in (0, 6, "x", None):
        with pytest.raises(ApplicationError, match="La valoración va de 1 a 5"):
            services.complaint_rate(complaint=complaint, rating=bad)
    services.complaint_rate(complaint=complaint, rating=4)
    complaint.refresh_from_db()
    assert complaint.rating == 4


def test_empty_complaint_refused_nothing_saved():
    with pytest.raises(ApplicationError, match="Describa lo que ocurrió"):
        services.complaint_submit(body={"what": "   "})
    assert Complaint.objects.count() == 0


def test_registered_complaint_code_must_be_replaced(member):
    user, _ = member
    complaint, code = services.complaint_submit(
        body={"what": "por teléfono"}, channel="phone", registered_by=user
    )
    assert complaint.code_must_change
    found = services.complaint_access_by_code(code=code)
    new_code = services.complaint_replace_code(complaint=found[0], key=found[1])
    assert services.complaint_access_by_code(code=code) is None
    complaint2, key2 = services.complaint_access_by_code(code=new_code)
    assert complaint2 == complaint and not complaint2.code_must_change
    assert key2 == _key_for(member, complaint)


def test_member_key_rewrap_and_password_reset(member):
    user, private = member
    from complaints.models import MemberKey

    assert services.member_key_rewrap(
        user=user,
        old_password="clave-integridad-segura-1",
        new_password="otra-clave-99",
    )
    assert services.member_key_unlock(user=user, password="otra-clave-99") == private
    # A reset password (unknown old one) cannot open the key: a new pair is made.
    complaint, _ = services.complaint_submit(body={"what": "x"})
    assert KeyGrant.objects.filter(member=user, complaint=complaint).exists()
    new_private = services.member_key_unlock(user=user, password="reseteada-por-admin")
    assert new_private != private
    # The old grant is kept (useless to the new key), and the new key is not approved.
    old_grant = KeyGrant.objects.get(member=user, complaint=complaint)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(new_private, bytes(old_grant.sealed_key))
    assert MemberKey.objects.get(user=user).approved_at is None
    # Another approved member re-grants: the stale grant is replaced, now usable.
    other, other_private = make_member(password="clave-de-otra-persona-1")
    KeyGrant.objects.filter(member=other).delete()
    MemberKey.objects.filter(user=other).update(approved_at=timezone.now())
    key = crypto.unseal(private, bytes(old_grant.sealed_key))
    KeyGrant.objects.create(
        complaint=complaint,
        member=other,
        sealed_key=crypto.seal(crypto.public_from_private(other_private), key),
        key_fingerprint=crypto.fingerprint(crypto.public_from_private(other_private)),
    )
    assert (
        services.member_grant_access(
            granter=other, granter_private=other_private, grantee=user
        )
        == 1
    )
    grant = KeyGrant.objects.get(member=user, complaint=complaint)
    assert crypto.unseal(new_private, bytes(grant.sealed_key)) == key


def test_regrant_to_new_member(member):
    user, private = member
    complaint, _ = services.complaint_submit(body={"what": "antes del nuevo"})
    newcomer, new_private = make_member(password="clave-del-nuevo-1")
    assert not KeyGrant.objects.filter(member=newcomer, complaint=complaint).exists()
    n = services.member_grant_access(
        granter=user, granter_private=private, grantee=newcomer
    )
    assert n == 1
    grant = KeyGrant.objects.get(member=newcomer, complaint=complaint)
    assert crypto.unseal(new_private, bytes(grant.sealed_key)) == _key_for(
        member, complaint
    )
    assert AuditLog.objects.filter(action="complaints.grant").exists()


def test_recovery_key_regrants(member, capsys):
    from django.core.management import call_command

    call_command("complaints_recovery_keygen")
    out = capsys.readouterr().out
    recovery_private = crypto.unb64(out.splitlines()[1].strip())
    complaint, _ = services.complaint_submit(body={"what": "con recuperación"})
    assert KeyGrant.objects.filter(complaint=complaint, member__isnull=True).exists()
    lost, lost_private = make_member(password="clave-del-nuevo-1")
    KeyGrant.objects.filter(member=lost).delete()
    assert services.recovery_grant_access(
        recovery_private=recovery_private, grantee=lost
    )
    grant = KeyGrant.objects.get(member=lost, complaint=complaint)
    assert crypto.unseal(lost_private, bytes(grant.sealed_key))


def test_notification_has_no_content(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_submit(body={"what": "SECRETO-CONTENIDO", "who": "Alcalde"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "SECRETO" not in message.body + message.subject
    assert "Alcalde" not in message.body
    assert "/denuncias/unidad/casos/" in message.body
    # The unit the city profile gives the integrity role (Lima's under the default).
    assert (
        "espacio de trabajo de la Unidad de Integridad Institucional:" in message.body
    )


def test_deadline_reminders_sent_once(member, django_capture_on_commit_callbacks):
    complaint, _ = services.complaint_submit(body={"what": "x"})
    later = complaint.ack_due_at + datetime.timedelta(hours=1)
    mail.outbox.clear()
    assert services.complaint_deadlines_remind(now=later) >= 1
    first = len(mail.outbox)
    assert first >= 1
    assert services.complaint_deadlines_remind(now=later) == 0
    assert len(mail.outbox) == first
    complaint.refresh_from_db()
    assert "ack-overdue" in complaint.reminders_sent


def test_business_days_skip_weekends(settings):
    from complaints.deadlines import add_business_days

    friday = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    assert add_business_days(friday, 1).weekday() == 0
    settings.COMPLAINT_HOLIDAYS = ["2026-11-23"]
    assert add_business_days(friday, 1).day == 24


def test_retention_purge_keeps_aggregates_and_audit(member, settings):
    user, _ = member
    complaint, code = services.complaint_submit(
        body={"what": "viejo"},
        files=[CleanFile(name="a.pdf", mime="application/pdf", data=pdf_bytes())],
    )
    key = _key_for(member, complaint)
    services.complaint_transition(
        complaint=complaint,
        key=key,
        actor=user,
        to_stage=Stage.ARCHIVED,
        note="n",
        archive_reason="duplicate",
    )
    path = settings.PRIVATE_STORAGE_ROOT / services.blob_name(
        complaint.attachments.get()
    )
    assert path.exists()
    settings.COMPLAINT_RETENTION_DAYS = 30
    assert services.retention_purge(now=timezone.now()) == 0
    assert (
        services.retention_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1
    )
    complaint.refresh_from_db()
    assert complaint.purged_at and complaint.sealed_body is None
    assert not path.exists()
    assert not complaint.attachments.exists() and not complaint.grants.exists()
    assert complaint.entries.filter(sealed_text__isnull=False).count() == 0
    assert complaint.stage == Stage.ARCHIVED
    assert services.complaint_access_by_code(code=code) is None
    assert AuditLog.objects.filter(action="complaints.complaint.purge").exists()
    assert (
        services.retention_purge(now=timezone.now() + datetime.timedelta(days=31)) == 0
    )


def test_public_statistics_suppress_small_counts():
    stats = selectors.public_statistics()
    assert stats["received"] is None and stats["suppressed_below"] == 5
    for _ in range(6):
        services.complaint_submit(body={"what": "x"})
    Complaint.objects.update(rating=4)
    stats = selectors.public_statistics()
    assert stats["received"] == 6
    assert stats["attended"] is None and stats["attended_ratio"] is None
    web = next(c for c in stats["by_channel"] if c["channel"] == "web")
    phone = next(c for c in stats["by_channel"] if c["channel"] == "phone")
    assert web["count"] == 6 and phone["count"] is None
    assert stats["average_rating"] == 4 and stats["ratings"] == 6
    assert json.dumps(stats)
    from openlima import registry

    assert registry.provider("indicators:complaints")() == stats
    dataset = registry.provider("dataset:estadisticas-denuncias")()
    assert dataset["publisher_slug"] == "integridad"
    assert set(dataset["rows"][0]) == set(dataset["columns"])


def test_demo_loader_idempotent(settings, tmp_path):
    from complaints import demo
    from complaints.models import MemberKey, RecoveryKey
    from openlima.demo import DEMO_PASSWORD, demo_load_core

    settings.VAR_DIR = tmp_path
    demo_load_core()
    demo.load()
    demo.load()
    member = MemberKey.objects.get(user__email=demo.DEMO_MEMBER).user
    assert Complaint.objects.count() == 2
    private = services.member_key_unlock(user=member, password=DEMO_PASSWORD)
    for complaint in Complaint.objects.all():
        grant = KeyGrant.objects.get(complaint=complaint, member=member)
        assert crypto.unseal(private, bytes(grant.sealed_key))
    # The demo has a recovery key pair; its private half opens every case.
    assert RecoveryKey.objects.count() == 1
    recovery = crypto.unb64((tmp_path / "complaints-recovery-demo.key").read_text())
    for complaint in Complaint.objects.all():
        grant = KeyGrant.objects.get(complaint=complaint, member__isnull=True)
        assert crypto.unseal(recovery, bytes(grant.sealed_key))


def test_codes_survive_secret_key_rotation(settings):
    complaint, code = services.complaint_submit(body={"what": "x"})
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-after-rotation-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old]
    assert services.complaint_access_by_code(code=code)[0] == complaint
    settings.SECRET_KEY_FALLBACKS = []
    assert services.complaint_access_by_code(code=code) is None


def test_default_argon2id_parameters_are_memory_hard(settings):
    del settings.COMPLAINT_ARGON2
    params = crypto.argon2_params()
    assert params["m"] >= 47104 and params["t"] >= 1  # OWASP minimum for argon2id
    complaint, code = services.complaint_submit(body={"what": "x"})
    assert complaint.code_params == params
    assert len(bytes(complaint.code_verifier)) == 32
    assert services.complaint_access_by_code(code=code)[0] == complaint


def test_selectors_only_read_the_services_count_and_audit(member):
    """Selectors never write: a failed look-up through the selector leaves the throttle
    counter as it was and a member's read through it leaves no audit row; the services
    around them count the failure and log the access."""
    from django.core.cache import cache
    from django.test import RequestFactory

    complaint, _code = services.complaint_submit(body={"what": "Cobro indebido"})
    cache.delete(selectors.FAIL_KEY)
    assert selectors.complaint_find_by_code(code="0" * 16) is None
    assert not cache.get(selectors.FAIL_KEY)
    assert services.complaint_access_by_code(code="0" * 16) is None
    assert int(cache.get(selectors.FAIL_KEY)) == 1

    user, private = member
    audits = AuditLog.objects.filter(action="complaints.complaint.read")
    before = audits.count()
    found, _key = selectors.complaint_for_member(
        user=user, complaint_id=complaint.pk, private_key=private
    )
    assert found == complaint and audits.count() == before
    request = RequestFactory().get("/")
    request.user = user
    services.complaint_access_for_member(
        request=request, complaint_id=complaint.pk, private_key=private
    )
    assert audits.count() == before + 1


def test_home_charts_draw_the_channels_of_the_public_figures():
    """`home_charts:complaints` draws what `public_statistics` publishes: a suppressed
    channel is listed without a bar (the home page writes "suprimido")."""
    from openlima import registry

    for _ in range(6):
        services.complaint_submit(body={"what": "x"})
    stats = registry.provider("indicators:complaints")()
    charts = registry.provider("home_charts:complaints")(figures=stats)
    assert set(charts) == {"channel_bars"}
    rows = {r["label"]: r for r in charts["channel_bars"]["rows"]}
    assert list(rows) == [c["label"] for c in stats["by_channel"]]
    web = next(c["label"] for c in stats["by_channel"] if c["channel"] == "web")
    phone = next(c["label"] for c in stats["by_channel"] if c["channel"] == "phone")
    assert rows[web]["value"] == 6 and rows[web]["width"] == 260
    assert rows[phone]["value"] is None and rows[phone]["width"] == 0
