"""The integrity unit's workspace: who may enter, whose key is unlocked, which cases a
member may open, the queue and the members' list."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from openlima import roles
from openlima.selectors import access_staff_area, user_has_role

from .. import conf, crypto, unlock
from ..models import (
    CLOSED_STAGES,
    RESPONSE_STAGES,
    Complaint,
    Entry,
    KeyGrant,
    MemberKey,
)


class WorkspaceLocked(PermissionDenied):
    """A member whose private key is not unlocked in this session."""


def access_workspace(*, request) -> None:
    """Staff + 2FA + integrity role, else PermissionDenied (superusers included)."""
    access_staff_area(request=request)
    if not user_has_role(user=request.user, role=roles.INTEGRITY_MEMBER):
        raise PermissionDenied


UNLOCK_WINDOW = 15 * 60


def unlock_fail_key(user) -> str:
    return f"complaints:unlock-fail:{user.pk}"


def unlock_attempts_exhausted(*, user) -> bool:
    """Five wrong passwords on the unlock form in 15 minutes stop that account's
    attempts (only that account's) until the window ends."""
    limit = conf.unlock_max_failures()
    return int(cache.get(unlock_fail_key(user)) or 0) >= limit


def access_workspace_key(*, request) -> bytes:
    access_workspace(request=request)
    private = unlock.private_key_from_request(request)
    if private is None:
        raise WorkspaceLocked
    record = MemberKey.objects.filter(user=request.user).first()
    if record is None:
        raise WorkspaceLocked
    from nacl.public import PrivateKey

    if bytes(PrivateKey(private).public_key) != bytes(record.public_key):
        raise WorkspaceLocked
    return private


def complaint_for_member(
    *, user, complaint_id: int, private_key: bytes
) -> tuple[Complaint, bytes]:
    """A case and its key for a member who holds a grant, else PermissionDenied (a pure
    read: the service `complaint_access_for_member` audit-logs every access)."""
    complaint = (
        Complaint.objects.select_related("category", "assignee")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise PermissionDenied
    grant = KeyGrant.objects.filter(complaint=complaint, member=user).first()
    if grant is None:
        raise PermissionDenied
    try:
        key = crypto.unseal(private_key, bytes(grant.sealed_key))
    except crypto.DecryptionError:
        raise PermissionDenied from None
    return complaint, key


def complaint_list(*, member, filters: dict):
    """The unit's queue. `unread`: reporter messages since the unit last wrote to the
    reporter or changed the stage."""
    last_unit_at = Subquery(
        Entry.objects.filter(
            complaint=OuterRef("pk"),
            kind__in=[Entry.Kind.TO_REPORTER, Entry.Kind.STAGE],
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    qs = (
        Complaint.objects.select_related("category", "assignee")
        .annotate(last_unit_at=last_unit_at)
        .annotate(
            granted=Count("grants", filter=Q(grants__member=member), distinct=True),
            unread=Count(
                "entries",
                filter=Q(entries__kind=Entry.Kind.FROM_REPORTER)
                & (
                    Q(last_unit_at__isnull=True)
                    | Q(entries__created_at__gt=F("last_unit_at"))
                ),
                distinct=True,
            ),
        )
    )
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("priority"):
        qs = qs.filter(priority=filters["priority"])
    if filters.get("assignee") == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.get("assignee") == "me":
        qs = qs.filter(assignee=member)
    elif filters.get("assignee"):
        qs = qs.filter(assignee_id=filters["assignee"])
    now = timezone.now()
    deadline = filters.get("deadline")
    if deadline == "overdue":
        qs = qs.filter(_overdue_q(now))
    elif deadline == "open":
        qs = qs.exclude(stage__in=CLOSED_STAGES)
    elif deadline == "closed":
        qs = qs.filter(stage__in=CLOSED_STAGES)
    return qs.order_by("-priority", "response_due_at", "-id")


def _overdue_q(now):
    return Q(acknowledged_at__isnull=True, ack_due_at__lt=now) | Q(
        stage__in=list(RESPONSE_STAGES), response_due_at__lt=now
    )


def complaint_overdue(complaint: Complaint, now=None) -> dict:
    now = now or timezone.now()
    ack = complaint.acknowledged_at is None and complaint.ack_due_at < now
    response = complaint.stage in RESPONSE_STAGES and complaint.response_due_at < now
    return {"ack": ack, "response": response, "any": ack or response}


def member_list():
    from ..services import integrity_members

    members = list(integrity_members().order_by("email"))
    keys = dict(
        MemberKey.objects.filter(user__in=members).values_list("user_id", "approved_at")
    )
    counts = dict(
        KeyGrant.objects.filter(member__in=members)
        .values_list("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    total = Complaint.objects.filter(purged_at__isnull=True).count()
    return [
        {
            "user": m,
            "has_key": m.pk in keys,
            "approved": keys.get(m.pk) is not None,
            "cases": counts.get(m.pk, 0),
            "total": total,
        }
        for m in members
    ]
