"""ARCO (Ley 29733): erasure of a person's participation data."""

from django.utils import timezone

from ..models import (
    Follow,
    Notification,
    NotificationSettings,
    Session,
    SessionRegistration,
)
from .sessions import session_cancel_registration


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:participation` (inside the account deletion transaction).

    Goes: follows, notification preferences (replaced by "never"), pending notices, session registrations (a
    confirmed seat in an upcoming session is cancelled first, so the waitlist moves up).
    Stays, attached to the anonymised account so counts and results remain right:
    proposals, comments, supports, comment votes and flags, consultation ratings.
    """
    upcoming = SessionRegistration.objects.filter(
        user=user,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=timezone.now(),
    ).exclude(status=SessionRegistration.Status.CANCELLED)
    for session_id in list(upcoming.values_list("session_id", flat=True)):
        session_cancel_registration(user=user, session_id=session_id)
    SessionRegistration.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    # The settings row is replaced by "never, follow nothing": an author's proposal still
    # triggers notify() for its author, and nothing may be queued for a deleted account.
    NotificationSettings.objects.filter(user=user).delete()
    NotificationSettings.objects.create(
        user=user,
        frequency=NotificationSettings.Frequency.NEVER,
        follow_own_proposals=False,
    )
