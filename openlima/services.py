"""Every write of the core: audit trail, outbox of background work, heartbeats, accounts."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import conf
from .models import AuditLog, IndicatorSnapshot, JobHeartbeat, OutboxMessage

logger = logging.getLogger(__name__)


def audit_log_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", details=None
) -> AuditLog:
    """Append one entry to the audit trail (never an IP address or user agent)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = str(obj)[:254]
    else:
        object_repr = ""
    actor_user = actor if getattr(actor, "pk", None) else None
    return AuditLog.objects.create(
        actor=actor_user,
        actor_label=(actor_user.email if actor_user else str(actor or "system"))[:254],
        action=action[:80],
        object_type=object_type[:80],
        object_id=str(object_id)[:64],
        object_repr=object_repr,
        details=details or {},
    )


def _task_name(task) -> str:
    """The registered name of a Celery task object (or of a name string). An unknown task
    is an error here, at enqueue time, not a message that can never be delivered."""
    from celery import current_app as app  # the project's app (config/celery.py)

    name = getattr(task, "name", task)
    if isinstance(name, str) and name not in app.tasks:
        # Every app's tasks.py (autodiscovered) is imported on the first need, as a
        # worker does at start.
        app.loader.import_default_modules()
    if not isinstance(name, str) or name not in app.tasks:
        raise ValueError(f"outbox: unknown task {name!r}")
    return name


def outbox_enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Record a Celery task (a task object, or its registered name) in the database and
    send it after the transaction commits.

    If the broker is unreachable the message stays unsent and `outbox_flush` retries it,
    so a web request never fails or loses work because the broker is down.
    """
    message = OutboxMessage.objects.create(
        task_name=_task_name(task), args=list(args), kwargs=kwargs
    )
    transaction.on_commit(lambda: outbox_send(message_id=message.pk))
    return message


def _dispatch(message: OutboxMessage) -> None:
    from celery import current_app as app  # the project's app (config/celery.py)

    if app.conf.task_always_eager:  # tests and CELERY_TASK_ALWAYS_EAGER deployments
        app.tasks[message.task_name].apply(
            args=message.args, kwargs=message.kwargs, throw=True
        )
    else:
        app.send_task(message.task_name, args=message.args, kwargs=message.kwargs)


def outbox_send(*, message_id: int) -> bool:
    """Send one message, at most once: the row is claimed with SELECT ... FOR UPDATE SKIP
    LOCKED, so `outbox_flush` and the request's on_commit hook never both send it (on
    SQLite the write transaction itself serialises them). After OUTBOX_MAX_ATTEMPTS
    failures the message becomes a dead letter."""
    max_attempts = conf.outbox_max_attempts()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True, dead_at__isnull=True)
            .first()
        )
        if message is None:  # sent, dead, or being sent by another process right now
            return False
        attempts = message.attempts + 1
        try:
            _dispatch(message)
        except Exception as exc:  # broker down: keep it for outbox_flush
            dead = attempts >= max_attempts
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=attempts,
                last_error=f"{exc.__class__.__name__}: {exc}"[:500],
                dead_at=timezone.now() if dead else None,
            )
            log = logger.error if dead else logger.warning
            log(
                "outbox: could not send %s #%s (attempt %s/%s)%s",
                message.task_name,
                message.pk,
                attempts,
                max_attempts,
                ": dead letter" if dead else "",
            )
            return False
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), attempts=attempts
        )
        return True


def outbox_flush(*, limit: int = 500) -> int:
    """Send every message still waiting (oldest first). Returns how many went out."""
    sent = 0
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, dead_at__isnull=True)
    for message_id in pending.values_list("pk", flat=True)[:limit]:
        sent += outbox_send(message_id=message_id)
    return sent


def outbox_purge(*, now=None) -> int:
    """Delete messages sent more than OUTBOX_KEEP_SENT_DAYS ago (dead letters stay until
    staff deal with them). Returns how many rows went."""
    from datetime import timedelta

    days = conf.outbox_keep_sent_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


def heartbeat_record(*, name: str, result: str = "") -> None:
    JobHeartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now(), "last_result": result[:500]}
    )


@transaction.atomic
def indicator_snapshot_save(*, language: str, data: dict) -> None:
    """Keep the home page's freshly computed figures in the database too (the cache may
    be emptied at any moment; docs/performance.md)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    IndicatorSnapshot.objects.update_or_create(
        language=language,
        defaults={
            # Lazy strings, dates or Decimals a provider may return become JSON text.
            "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            "computed_at": timezone.now(),
        },
    )


def user_update_profile(*, user, display_name: str, district, public_profile: bool):
    """ARCO: rectification of one's own data."""
    user.display_name = display_name
    user.district = district
    user.public_profile = public_profile
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "district", "public_profile"])
    return user


@transaction.atomic
def user_delete_account(*, user) -> None:
    """ARCO: cancellation. Personal data goes; contributions stay, shown as a deleted account."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    erased = user_erase_app_data(user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@invalid.openlima"
    user.display_name = ""
    user.district = None
    user.public_profile = False
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    audit_log_record(
        actor=user,
        action="account.delete",
        obj=None,
        object_type="openlima.user",
        object_id=user.pk,
        details={"apps": erased},
    )


def user_erase_app_data(*, user) -> list[str]:
    """Call every app's `erase_personal_data:<app>` (inside the caller's transaction).

    Returns the labels of the apps that erased something, in a stable order."""
    from . import registry

    done = []
    for label, func in registry.providers("erase_personal_data:").items():
        func(user=user)
        done.append(label)
    return done


def user_create_staff(
    *,
    email: str,
    password: str,
    org_unit=None,
    roles=(),
    display_name: str = "",
    is_superuser=False,
):
    """Create (or update) a staff account with verified e-mail; used by demo data and tests."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    User = get_user_model()
    user, _ = User.objects.get_or_create(email=email.lower())
    user.display_name = display_name or user.display_name
    user.org_unit = org_unit
    user.is_staff = True
    user.is_superuser = is_superuser
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user
