"""A person's own follows and session registrations, for "Mi cuenta" (issue 12)."""

from django.urls import reverse

from ..models import Consultation, Follow, Proposal, SessionRegistration


def follows_of(*, user) -> list[dict]:
    """What the person follows, with title and link (3 queries whatever the count)."""
    follows = list(Follow.objects.filter(user=user).order_by("-created_at", "-id"))
    ids = {
        kind: [f.target_id for f in follows if f.kind == kind] for kind in Follow.Kind
    }
    proposals = dict(
        Proposal.objects.filter(pk__in=ids[Follow.Kind.PROPOSAL]).values_list(
            "pk", "title"
        )
    )
    consultations = {
        pk: (title, slug)
        for pk, title, slug in Consultation.objects.filter(
            pk__in=ids[Follow.Kind.CONSULTATION]
        ).values_list("pk", "title", "slug")
    }
    rows = []
    for f in follows:
        if f.kind == Follow.Kind.PROPOSAL and f.target_id in proposals:
            title = proposals[f.target_id]
            url = reverse("participation:proposal_detail", args=[f.target_id])
        elif f.kind == Follow.Kind.CONSULTATION and f.target_id in consultations:
            title, slug = consultations[f.target_id]
            url = reverse("participation:consultation_detail", args=[slug])
        else:
            continue
        rows.append(
            {
                "kind": f.kind,
                "kind_label": f.get_kind_display(),
                "target_id": f.target_id,
                "title": title,
                "url": url,
            }
        )
    return rows


def registrations_of(*, user, limit: int = 100):
    """The person's session registrations that still stand, soonest first (1 query)."""
    return list(
        SessionRegistration.objects.filter(user=user)
        .exclude(status=SessionRegistration.Status.CANCELLED)
        .select_related("session")
        .order_by("-session__starts_at")[:limit]
    )
