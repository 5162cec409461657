"""Who may manage which processes and works: the procurement_editor role is limited to
its unit, the coordinator sees all (docs/contracting.md, "Staff")."""

from django.core.exceptions import PermissionDenied

from openlima import roles

from ..models import (
    ContractingProcess,
    InfrastructureProject,
)

PROCUREMENT_EDITOR = "procurement_editor"
LOGISTICS_UNIT_SLUG = "logistica"

# --- permissions ------------------------------------------------------------------------


def _roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_contracting_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._contracting_roles = cached
    return cached


def user_is_coordinator(*, user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if not user.is_staff:
        return False
    return user.is_superuser or roles.OGP_COORDINATOR in _roles(user)


def user_is_procurement_editor(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.org_unit_id
        and PROCUREMENT_EDITOR in _roles(user)
    )


def user_may_manage(*, user) -> bool:
    return user_is_coordinator(user=user) or user_is_procurement_editor(user=user)


def access_check_unit(*, user, unit_id) -> None:
    """Editors work only for their own unit; coordinators for any."""
    if user_is_coordinator(user=user):
        return
    if user_is_procurement_editor(user=user) and unit_id == user.org_unit_id:
        return
    raise PermissionDenied


def processes_for_edit(*, user):
    qs = ContractingProcess.objects.select_related("buyer_unit", "district")
    if user_is_coordinator(user=user):
        return qs
    if user_is_procurement_editor(user=user):
        return qs.filter(buyer_unit_id=user.org_unit_id)
    return qs.none()


def access_process_for_edit(*, user, process_id: int) -> ContractingProcess:
    process = processes_for_edit(user=user).filter(pk=process_id).first()
    if process is None:
        raise PermissionDenied
    return process


def projects_for_edit(*, user):
    qs = InfrastructureProject.objects.select_related("unit", "district")
    if user_is_coordinator(user=user):
        return qs
    if user_is_procurement_editor(user=user):
        return qs.filter(unit_id=user.org_unit_id)
    return qs.none()


def access_project_for_edit(*, user, project_id: int) -> InfrastructureProject:
    project = projects_for_edit(user=user).filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied
    return project
