import datetime

import pytest
from django.core import mail
from django.utils import timezone

from commitments import services, tasks
from commitments.models import SentNotice, Subscription
from commitments.services import notices
from openlima import roles
from tests.factories import StaffFactory

from .factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def due_in(commitment, days, today, **kw):
    return MilestoneFactory(
        commitment=commitment,
        start_on=today - datetime.timedelta(days=60),
        due_on=today + datetime.timedelta(days=days),
        **kw,
    )


def recipients():
    return sorted(r for m in mail.outbox for r in m.to)


def test_reminder_job_twice_on_the_same_day_sends_each_reminder_once(
    editor, other_editor, coordinator, commitment
):
    today = timezone.localdate()
    soon = due_in(commitment, 7, today, title="Vence en una semana")
    due_in(commitment, 30, today, title="Lejano")
    tasks.milestone_reminders()
    editor_mails = [m for m in mail.outbox if editor.email in m.to]
    assert len(editor_mails) == 1
    assert "Vence en una semana" in editor_mails[0].body
    assert "Lejano" not in editor_mails[0].body
    assert other_editor.email not in recipients()  # not their unit
    first_round = len(mail.outbox)
    tasks.milestone_reminders()
    assert len(mail.outbox) == first_round
    assert SentNotice.objects.filter(key__startswith=f"m{soon.pk}:").count() == 1


def test_reminders_7_and_1_days_and_weekly_when_overdue(editor, commitment):
    base = timezone.localdate()
    m = due_in(commitment, 7, base)
    sent = []
    for offset in range(0, 23):  # from 7 days before to 15 days after the due date
        mail.outbox.clear()
        services.milestone_reminders_send(today=base + datetime.timedelta(days=offset))
        if any(editor.email in x.to for x in mail.outbox):
            sent.append(offset)
    # 7 days before (offset 0), 1 day before (6), then overdue days 1, 8, 15 (8, 15, 22)
    assert sent == [0, 6, 8, 15, 22]
    assert SentNotice.objects.filter(key__startswith=f"m{m.pk}:").count() == 5


def test_reminder_days_are_configurable(editor, commitment, settings):
    settings.MILESTONE_REMINDER_DAYS = [3]
    today = timezone.localdate()
    due_in(commitment, 7, today)
    services.milestone_reminders_send(today=today)
    assert not any(editor.email in m.to for m in mail.outbox)
    services.milestone_reminders_send(today=today + datetime.timedelta(days=4))
    assert any(editor.email in m.to for m in mail.outbox)


def test_completed_milestones_get_no_reminder(editor, commitment):
    today = timezone.localdate()
    due_in(commitment, -3, today, status="completed", completed_on=today, progress=100)
    services.milestone_reminders_send(today=today)
    assert not any(editor.email in m.to for m in mail.outbox)


def test_weekly_digest_to_coordinator_once_a_week(coordinator, commitment):
    today = timezone.localdate()
    due_in(commitment, -2, today, title="Atrasado")
    services.milestone_reminders_send(today=today)
    digests = [
        m for m in mail.outbox if coordinator.email in m.to and "semanal" in m.subject
    ]
    assert len(digests) == 1 and "Atrasado" in digests[0].body
    services.milestone_reminders_send(today=today)
    digests = [
        m for m in mail.outbox if coordinator.email in m.to and "semanal" in m.subject
    ]
    assert len(digests) == 1


def test_reminder_failure_leaves_nothing_recorded(editor, commitment, monkeypatch):
    today = timezone.localdate()
    due_in(commitment, 1, today)

    def boom(*args, **kwargs):
        raise OSError("smtp down")

    # the reminders send from their own module (commitments/services/notices.py)
    monkeypatch.setattr(notices, "send_mail", boom)
    with pytest.raises(OSError):
        services.milestone_reminders_send(today=today)
    assert SentNotice.objects.count() == 0


def test_follower_digest_once_per_day_with_unsubscribe_link(user, editor, milestone):
    commitment = milestone.commitment
    services.subscription_follow(user=user, commitment=commitment)
    email_sub = Subscription.objects.create(
        commitment=commitment,
        email="vecina@example.pe",
        token="t" * 40,
        confirmed_at=timezone.now(),
    )
    Subscription.objects.create(
        commitment=commitment, email="pendiente@example.pe", token="u" * 40
    )
    services.milestone_update(
        user=editor, milestone=milestone, data={"progress": 45}, note="Buen avance"
    )
    services.milestone_update(
        user=editor,
        milestone=milestone,
        data={"progress": 55},
        note="Aún no público",
        publish_at=timezone.now() + datetime.timedelta(days=2),
    )
    assert tasks.follower_digests() == 2
    assert recipients() == sorted([user.email, "vecina@example.pe"])
    body = next(m.body for m in mail.outbox if "vecina@example.pe" in m.to)
    assert "Buen avance" in body and "Aún no público" not in body
    assert f"/compromisos/suscripcion/{email_sub.token}/baja/" in body
    assert all("/baja/" in m.body for m in mail.outbox)
    # A second run the same day, even with news, sends nothing more.
    services.milestone_update(user=editor, milestone=milestone, data={"progress": 60})
    assert tasks.follower_digests() == 0
    assert len(mail.outbox) == 2


def test_follower_digest_skips_unsubscribed_and_quiet(user, milestone):
    sub = services.subscription_follow(user=user, commitment=milestone.commitment)
    assert tasks.follower_digests() == 0  # nothing changed
    services.subscription_unsubscribe(token=sub.token)
    services.milestone_update(
        user=None, milestone=milestone, data={"progress": 5}, check_permission=False
    )
    assert tasks.follower_digests() == 0
    assert mail.outbox == []


def test_task_lock_prevents_overlap(editor, commitment):
    from django.core.cache import cache

    due_in(commitment, 1, timezone.localdate())
    cache.add("lock:commitments:milestone_reminders", "1", timeout=60)
    assert tasks.milestone_reminders() == {"skipped": "locked"}
    assert mail.outbox == []


def test_coordinator_only_receives_digest(commitment):
    StaffFactory(roles=[roles.OGP_COORDINATOR])
    services.milestone_reminders_send(today=timezone.localdate())
    assert mail.outbox == []  # nothing late or upcoming: no empty digest
