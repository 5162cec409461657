"""Access to a case: by the reporter's code (failures count towards the global throttle)
and by a member's grant (every access audit-logged). The reads are the selectors'
`complaint_find_by_code` and `complaint_for_member`; what these write lives here."""

from openlima.jobs import window_hit
from openlima.services import audit_log_record

from .. import selectors
from ..antiabuse import load_hit
from ..models import Complaint


def lookup_failed() -> None:
    """Count a failed code look-up towards the global throttle (docs/threat-model.md,
    attack 4) and the load signal."""
    window_hit(selectors.FAIL_KEY, window=selectors.lookup_window())
    load_hit("lookup-fail")


def complaint_access_by_code(*, code: str) -> tuple[Complaint, bytes] | None:
    """The case and its key for a reporter's code, or None (counted as a failure).
    `selectors.lookup_throttled()` must be checked before calling this; a right code does
    not reset the counter."""
    found = selectors.complaint_find_by_code(code=code)
    if found is None:
        lookup_failed()
    return found


def complaint_access_for_member(
    *, request, complaint_id: int, private_key: bytes, action: str = "read"
) -> tuple[Complaint, bytes]:
    """A case and its key for a member who holds a grant; every access is audit-logged."""
    complaint, key = selectors.complaint_for_member(
        user=request.user, complaint_id=complaint_id, private_key=private_key
    )
    audit_log_record(
        actor=request.user,
        action=f"complaints.complaint.{action}",
        obj=complaint,
    )
    return complaint, key
