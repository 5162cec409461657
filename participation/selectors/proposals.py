"""Reads of proposals: access, search, lists, supports, follows."""

import base64
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from openlima import registry, roles
from openlima.models import District
from openlima.search import text_search
from openlima.selectors import user_has_role

from ..models import (
    Follow,
    Proposal,
    Support,
)
from .common import PAGE_SIZE, PUBLIC_STATUSES, SEARCH_RANK_WINDOW


def access_proposal_by_id(*, proposal_id, user=None) -> Proposal:
    """A proposal as the public sees it (hidden ones show only their moderation note)."""
    try:
        return (
            Proposal.objects.select_related(
                "author", "author__district", "district", "assigned_unit", "answered_by"
            )
            .defer("author__password", "answered_by__password")
            .get(pk=int(proposal_id))
        )
    except (Proposal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_proposal_for_edit(*, user, proposal_id) -> Proposal:
    proposal = access_proposal_by_id(proposal_id=proposal_id)
    if not user.is_authenticated or proposal.author_id != user.pk:
        raise PermissionDenied
    return proposal


def user_can_answer(*, user, proposal) -> bool:
    """The unit the proposal is assigned to (its unit editors) or the OGP coordinator."""
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        return False
    if user_has_role(user=user, role=roles.OGP_COORDINATOR):
        return True
    return bool(
        proposal.assigned_unit_id
        and user.org_unit_id == proposal.assigned_unit_id
        and user_has_role(user=user, role=roles.UNIT_EDITOR)
    )


def access_proposal_for_answer(*, user, proposal_id) -> Proposal:
    proposal = access_proposal_by_id(proposal_id=proposal_id)
    if not user_can_answer(user=user, proposal=proposal):
        raise PermissionDenied
    return proposal


def proposals_to_answer(*, user):
    qs = Proposal.objects.filter(
        status__in=[Proposal.Status.EVALUATION, Proposal.Status.ANSWERED]
    ).select_related("assigned_unit", "district")
    if user_has_role(user=user, role=roles.OGP_COORDINATOR):
        return qs.order_by("status", "-id")
    if not user_has_role(user=user, role=roles.UNIT_EDITOR) or not user.org_unit_id:
        return qs.none()
    return qs.filter(assigned_unit_id=user.org_unit_id).order_by("status", "-id")


@dataclass
class ProposalFilters:
    status: str = ""
    district: str = ""  # slug, or "ciudad" for city-wide
    topic: str = ""
    q: str = ""
    order: str = "newest"  # newest | supported
    after: str = ""  # keyset cursor
    page: int = 1  # only for text search (bounded)


@dataclass
class ProposalPage:
    items: list
    next_cursor: str = ""
    next_page: int | None = None
    filters: ProposalFilters = field(default_factory=ProposalFilters)


def _cursor_encode(values) -> str:
    raw = ":".join(str(v) for v in values)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str, n: int) -> list[int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = [int(p) for p in base64.urlsafe_b64decode(padded).decode().split(":")]
    except (ValueError, UnicodeDecodeError):
        return None
    return parts if len(parts) == n else None


def proposal_search(qs, *, query: str):
    """Ranked text search. PostgreSQL: the stored vector (GIN-indexed, in the proposals'
    search documents) with the same Spanish + unaccent websearch query as openlima.search;
    elsewhere text_search itself."""
    query = (query or "").strip()[:200]
    if not query:
        return qs.none()
    if not settings.IS_POSTGRES:
        return text_search(qs, fields=["title", "summary", "body"], query=query)
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F

    from openlima.search import spanish_query

    search_query = spanish_query(query)
    # Rank at most the SEARCH_RANK_WINDOW newest matches, so a very common word costs
    # the same at 100,000 proposals as at 1,000.
    window = (
        qs.filter(search_document__search_vector=search_query)
        .order_by("-id")
        .values("id")
    )
    return (
        qs.filter(id__in=window[:SEARCH_RANK_WINDOW])
        .annotate(rank=SearchRank(F("search_document__search_vector"), search_query))
        .order_by("-rank", "-id")
    )


def proposal_base_queryset():
    # The author's password hash is never shown and must not reach a cached page of
    # proposals (openlima.pagecache.generation_memo): not read at all.
    return Proposal.objects.select_related(
        "author", "author__district", "district"
    ).defer("author__password")


def proposal_queryset(*, filters: ProposalFilters):
    """Filtered, not yet ordered or paginated (shared by HTML and API)."""
    qs = proposal_base_queryset().filter(is_hidden=False)
    if filters.status in Proposal.Status.values:
        qs = qs.filter(status=filters.status)
    elif filters.status != "all":
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    if filters.district == "ciudad":
        qs = qs.filter(district__isnull=True)
    elif filters.district:
        district_id = (
            District.objects.filter(slug=filters.district)
            .values_list("pk", flat=True)
            .first()
        )
        qs = qs.filter(district_id=district_id) if district_id else qs.none()
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    return qs


def proposal_list(*, filters: ProposalFilters, page_size: int = PAGE_SIZE):
    """Keyset-paginated proposals (constant cost at any depth); text search is ranked
    and bounded to the first pages."""
    qs = proposal_queryset(filters=filters)
    if filters.q.strip():
        qs = proposal_search(qs, query=filters.q)
        page = max(1, min(int(filters.page or 1), 10))
        start = (page - 1) * page_size
        items = list(qs.order_by("-rank", "-id")[start : start + page_size + 1])
        has_more = len(items) > page_size and page < 10
        return ProposalPage(
            items=items[:page_size],
            next_page=page + 1 if has_more else None,
            filters=filters,
        )
    if filters.order == "supported":
        qs = qs.order_by("-support_count", "-id")
        key = _cursor_decode(filters.after, 2) if filters.after else None
        if key:
            qs = qs.filter(
                Q(support_count__lt=key[0]) | Q(support_count=key[0], id__lt=key[1])
            )
        items = list(qs[: page_size + 1])
        nxt = (
            _cursor_encode(
                [items[page_size - 1].support_count, items[page_size - 1].id]
            )
            if len(items) > page_size
            else ""
        )
    else:
        qs = qs.order_by("-id")
        key = _cursor_decode(filters.after, 1) if filters.after else None
        if key:
            qs = qs.filter(id__lt=key[0])
        items = list(qs[: page_size + 1])
        nxt = (
            _cursor_encode([items[page_size - 1].id]) if len(items) > page_size else ""
        )
    return ProposalPage(items=items[:page_size], next_cursor=nxt, filters=filters)


def proposals_by_author(*, user, limit: int = 100):
    return list(proposal_base_queryset().filter(author=user).order_by("-id")[:limit])


def proposals_supported_by(*, user, limit: int = 100):
    return list(
        proposal_base_queryset()
        .filter(supports__user=user)
        .order_by("-supports__id")[:limit]
    )


def supported_ids(*, user, proposal_ids) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Support.objects.filter(
            user=user, proposal_id__in=list(proposal_ids)
        ).values_list("proposal_id", flat=True)
    )


def user_supports(*, user, proposal) -> bool:
    return bool(supported_ids(user=user, proposal_ids=[proposal.pk]))


def user_follows(*, user, kind: str, target_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, kind=kind, target_id=target_id).exists()


def commitment_summary(*, commitment_id) -> dict | None:
    """The linked commitment, read only through the commitments provider."""
    if not commitment_id:
        return None
    func = registry.provider("commitments.summary")
    if func is None:
        return None
    try:
        return func(commitment_id=int(commitment_id))
    except Exception:  # the other app's failure must not break this page
        return None


def commitment_choices() -> list[tuple[int, str]]:
    func = registry.provider("commitments.choices")
    if func is None:
        return []
    try:
        return list(func())
    except Exception:
        return []


def proposal_image_get_public(*, proposal_id, name: str):
    """The image of a proposal the public can see; `name` must be the file's current name
    (so an old URL never serves a replaced image)."""
    proposal = access_proposal_by_id(proposal_id=proposal_id)
    if (
        not proposal.image
        or proposal.is_hidden
        or (
            proposal.status == Proposal.Status.WITHDRAWN
            and not proposal.withdrawn_reason
        )
        or proposal.image_filename != name
    ):
        raise Http404
    return proposal.image


def proposals_matching(qs, *, query: str, limit: int = SEARCH_RANK_WINDOW):
    """`qs` narrowed to the best `limit` matches of a full-text query (the API's search;
    its own ordering then applies)."""
    ranked = proposal_search(qs, query=query)
    return qs.filter(pk__in=list(ranked.values_list("pk", flat=True)[:limit]))
