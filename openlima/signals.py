"""Audit trail for staff logins and permission changes (docs/threat-model.md)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_migrate
from django.dispatch import receiver

from .services import audit_log_record

User = get_user_model()


@receiver(user_logged_in)
def audit_staff_login(sender, request, user, **kwargs):
    if user.is_staff:
        audit_log_record(actor=user, action="staff.login", obj=user)


@receiver(m2m_changed, sender=User.groups.through)
def audit_group_change(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(
        Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
    )
    audit_log_record(
        actor=None,
        action=f"permission.groups.{action[5:]}",
        obj=instance,
        details={"groups": names},
    )


@receiver(m2m_changed, sender=User.user_permissions.through)
def audit_permission_change(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    audit_log_record(
        actor=None,
        action=f"permission.user_permissions.{action[5:]}",
        obj=instance,
        details={"permission_ids": sorted(pk_set or [])},
    )


@receiver(post_migrate)
def sync_role_permissions(sender, using="default", **kwargs):
    """Role groups exist and carry the permissions the apps declare (`roles.role_permissions()`) after every
    migrate (and after the flushes of transactional tests). Idempotent."""
    from .reference_data import role_groups_sync

    role_groups_sync(using=using)
