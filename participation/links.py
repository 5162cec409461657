"""What other apps may read of a proposal through openlima/registry.py
(`participation.proposal_summary`; a public work of the contracting app says which
proposal it answers). Its own module so the provider stays apart from selectors."""

from django.db.models import Q
from django.urls import reverse

from .models import Proposal


def proposal_summary(*, proposal_id: int) -> dict | None:
    """Only a proposal the public sees in full: not hidden by moderation, not withdrawn
    without a public reason."""
    p = (
        Proposal.objects.filter(pk=proposal_id, is_hidden=False)
        .exclude(Q(status=Proposal.Status.WITHDRAWN) & Q(withdrawn_reason=""))
        .only("id", "title", "status", "support_count")
        .first()
    )
    if p is None:
        return None
    return {
        "id": p.pk,
        "title": p.title,
        "url": reverse("participation:proposal_detail", args=[p.pk]),
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "support_count": p.support_count,
    }
