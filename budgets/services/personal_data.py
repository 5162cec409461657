"""ARCO (Ley 29733): erasure of a person's budgeting data."""

from ..models import (
    Ballot,
    ResidentVerification,
    Support,
)


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:budgets` (inside the account deletion transaction).

    Supports and ballots stay with the anonymised account, so shortlists and results do
    not change. A pending or rejected verification goes, and so does a verified one that
    was never used. A verified resident who supported or voted keeps only the verification
    record (keyed hash of the DNI, no name): without it the same person could register
    again and vote a second time in the same process.
    """
    verification = ResidentVerification.objects.filter(user=user).first()
    if verification is None:
        return
    used = (
        Ballot.objects.filter(user=user).exists()
        or Support.objects.filter(user=user).exists()
    )
    if verification.status == ResidentVerification.Status.VERIFIED and used:
        return
    verification.delete()
