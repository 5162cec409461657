"""Participation by district."""

from django.db.models import Count, Q, Sum
from django.http import Http404

from openlima.models import District

from ..models import (
    Comment,
    Proposal,
    Session,
)


def district_participation() -> list[dict]:
    """Per district: proposals located there, supports they gathered, comments by its
    residents, session attendance there. Four grouped queries."""
    districts = list(
        District.objects.order_by("name").values("id", "name", "ubigeo", "slug")
    )
    by_prop = {
        r["district_id"]: r
        for r in Proposal.objects.filter(is_hidden=False)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .values("district_id")
        .annotate(n=Count("id"), s=Sum("support_count"))
    }
    by_comment = dict(
        Comment.objects.values("author__district_id")
        .annotate(n=Count("id"))
        .values_list("author__district_id", "n")
    )
    by_attendance = dict(
        Session.objects.filter(status=Session.Status.CLOSED)
        .values("district_id")
        .annotate(n=Sum("attendance_count"))
        .values_list("district_id", "n")
    )
    rows = []
    for d in districts:
        p = by_prop.get(d["id"], {})
        rows.append(
            {
                "district": d["name"],
                "ubigeo": d["ubigeo"],
                "slug": d["slug"],
                "proposals": p.get("n", 0) or 0,
                "supports": p.get("s", 0) or 0,
                "comments": by_comment.get(d["id"], 0) or 0,
                "attendance": by_attendance.get(d["id"], 0) or 0,
            }
        )
    return rows


def access_district_by_slug(*, slug) -> District:
    d = District.objects.filter(slug=slug).first()
    if d is None:
        raise Http404
    return d


def district_contributors(*, district, limit: int = 50) -> list[dict]:
    """People of a district who opted in to a public profile, with their contributions."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return list(
        User.objects.filter(
            district=district, public_profile=True, deleted_at__isnull=True
        )
        .exclude(display_name="")
        .annotate(
            n_proposals=Count(
                "proposals",
                filter=Q(proposals__is_hidden=False),
                distinct=True,
            )
        )
        .filter(n_proposals__gt=0)
        .order_by("-n_proposals", "display_name")
        .values("display_name", "n_proposals")[:limit]
    )
