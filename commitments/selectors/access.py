"""Roles and permission checks of commitment tracking."""

from openlima import roles

from ..models import (
    Commitment,
)


def _roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_commitments_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._commitments_roles = cached
    return cached


def user_is_staff_member(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def user_is_coordinator(*, user) -> bool:
    if not user_is_staff_member(user=user):
        return False
    return user.is_superuser or roles.OGP_COORDINATOR in _roles(user)


def user_is_unit_editor(*, user) -> bool:
    return (
        user_is_staff_member(user=user)
        and roles.UNIT_EDITOR in _roles(user)
        and user.org_unit_id is not None
    )


def user_may_manage(*, user) -> bool:
    """Whether the staff admin shows this app at all."""
    return user_is_coordinator(user=user) or user_is_unit_editor(user=user)


def commitment_unit_ids(*, commitment) -> set[int]:
    if "responsible_units" in getattr(commitment, "_prefetched_objects_cache", {}):
        return {u.pk for u in commitment.responsible_units.all()}
    return set(commitment.responsible_units.values_list("pk", flat=True))


def user_can_edit_commitment(*, user, commitment) -> bool:
    """Coordinators edit everything; unit editors only commitments of their own unit."""
    if commitment is None:
        return False
    if user_is_coordinator(user=user):
        return True
    if not user_is_unit_editor(user=user):
        return False
    return user.org_unit_id in commitment_unit_ids(commitment=commitment)


def access_commitment_for_edit(*, user, commitment_id: int) -> Commitment:
    from django.core.exceptions import PermissionDenied

    commitment = Commitment.objects.filter(pk=commitment_id).first()
    if commitment is None or not user_can_edit_commitment(
        user=user, commitment=commitment
    ):
        raise PermissionDenied
    return commitment


def commitments_editable_by(*, user):
    if user_is_coordinator(user=user):
        return Commitment.objects.all()
    if user_is_unit_editor(user=user):
        return Commitment.objects.filter(responsible_units=user.org_unit_id).distinct()
    return Commitment.objects.none()


def acting_unit(*, user, commitment):
    """The unit shown in the public history for a change (never the person)."""
    if getattr(user, "org_unit_id", None):
        return user.org_unit
    return commitment.plan.coordinating_unit if commitment.plan_id else None
