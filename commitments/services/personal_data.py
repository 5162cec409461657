"""ARCO (Ley 29733): erasure of a person's commitment-tracking data."""

from ..models import (
    SentNotice,
    Subscription,
)


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:commitments` (inside the account deletion transaction): the
    person's follows (by account or by one of their addresses) and the record of notices
    mailed to those addresses go. Updates and evidences a staff member wrote stay: they
    are the municipality's public record, not personal data."""
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()} | {
        e.lower()
        for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    Subscription.objects.filter(user=user).delete()
    Subscription.objects.filter(user__isnull=True, email__in=emails).delete()
    SentNotice.objects.filter(recipient__in=emails).delete()
