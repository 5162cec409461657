"""Every write of the core: audit trail, outbox of background work, heartbeats, accounts."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import AuditLog, JobHeartbeat, OutboxMessage

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


def outbox_enqueue(task_name: str, *args, **kwargs) -> OutboxMessage:
    """Record a Celery task in the database and send it after the transaction commits.

    If the broker is unreachable the message stays unsent and `outbox_flush` retries it,
    so a web request never fails or loses work because the broker is down.
    """
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args), kwargs=kwargs
    )
    transaction.on_commit(lambda: outbox_send(message_id=message.pk))
    return message


def outbox_send(*, message_id: int) -> bool:
    from .celery import app

    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    try:
        if app.conf.task_always_eager:  # tests and CELERY_TASK_ALWAYS_EAGER deployments
            app.tasks[message.task_name].apply(
                args=message.args, kwargs=message.kwargs, throw=True
            )
        else:
            app.send_task(message.task_name, args=message.args, kwargs=message.kwargs)
    except Exception as exc:  # broker down: keep it for outbox_flush
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=str(exc)[:500]
        )
        logger.warning("outbox: could not send %s: %s", message.task_name, exc)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1
    )
    return True


def outbox_flush(*, limit: int = 500) -> int:
    """Send every message still waiting (oldest first). Returns how many went out."""
    sent = 0
    for message_id in OutboxMessage.objects.filter(sent_at__isnull=True).values_list(
        "pk", flat=True
    )[:limit]:
        sent += outbox_send(message_id=message_id)
    return sent


def heartbeat_record(*, name: str, result: str = "") -> None:
    JobHeartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now(), "last_result": result[:500]}
    )


@transaction.atomic
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
