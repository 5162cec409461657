"""Reads of participation sessions."""

from django.http import Http404
from django.utils import timezone

from openlima import roles
from openlima.selectors import user_has_role

from ..models import (
    Session,
    SessionRegistration,
)


def session_list(*, upcoming: bool | None = None):
    qs = Session.objects.select_related("district").order_by("-starts_at", "-id")
    if upcoming is True:
        qs = qs.filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=timezone.now())
    return qs


def access_session_by_id(*, session_id) -> Session:
    try:
        return Session.objects.select_related("district", "organiser_unit").get(
            pk=int(session_id)
        )
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def session_my_registration(*, session, user):
    if not getattr(user, "is_authenticated", False):
        return None
    return SessionRegistration.objects.filter(session=session, user=user).first()


def user_can_manage_session(*, user, session) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        return False
    if user_has_role(user=user, role=roles.OGP_COORDINATOR):
        return True
    return bool(
        user_has_role(user=user, role=roles.UNIT_EDITOR)
        and session.organiser_unit_id
        and session.organiser_unit_id == user.org_unit_id
    )
