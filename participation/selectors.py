"""Every read and permission check of Lima Activa."""

import base64
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city, registry, roles
from openlima.models import District
from openlima.search import text_search
from openlima.selectors import user_has_role, user_public_label

from .models import (
    Comment,
    CommentVote,
    Consultation,
    ConsultationOption,
    ConsultationRating,
    Follow,
    Level,
    ModerationAction,
    Proposal,
    Session,
    SessionRegistration,
    Support,
)

PAGE_SIZE = 20
SEARCH_RANK_WINDOW = 500  # ≥ the 10 pages × 20 results a search shows
PUBLIC_STATUSES = [
    Proposal.Status.PUBLISHED,
    Proposal.Status.EVALUATION,
    Proposal.Status.ANSWERED,
]

# --- settings -----------------------------------------------------------------------


def support_threshold() -> int:
    return int(getattr(settings, "PROPOSAL_SUPPORT_THRESHOLD", 100))


def support_months() -> int:
    return int(getattr(settings, "PROPOSAL_SUPPORT_MONTHS", 12))


def flag_hide_threshold() -> int:
    return int(getattr(settings, "COMMENT_FLAG_HIDE_THRESHOLD", 3))


# --- people and permissions -----------------------------------------------------------


def user_can_participate(*, user) -> bool:
    """A registered citizen with a verified e-mail address (docs/architecture.md)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.deleted_at:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def access_participation(*, user) -> None:
    if not user_can_participate(user=user):
        from openlima.errors import ApplicationError

        raise ApplicationError(
            _(
                "Necesitas una cuenta con el correo electrónico verificado para participar."
            ),
            status_code=403,
        )


def user_is_moderator(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_staff
        and user_has_role(user=user, role=roles.MODERATOR)
    )


def access_proposal_by_id(*, proposal_id, user=None) -> Proposal:
    """A proposal as the public sees it (hidden ones show only their moderation note)."""
    try:
        return Proposal.objects.select_related(
            "author", "author__district", "district", "assigned_unit", "answered_by"
        ).get(pk=int(proposal_id))
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


# --- proposals -------------------------------------------------------------------------


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
    """Ranked text search. PostgreSQL: the stored vector (GIN-indexed) with the same
    Spanish + unaccent websearch query as openlima.search; elsewhere text_search itself."""
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
    window = qs.filter(search_vector=search_query).order_by("-id").values("id")
    return (
        qs.filter(id__in=window[:SEARCH_RANK_WINDOW])
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "-id")
    )


def proposal_base_queryset():
    return Proposal.objects.select_related("author", "author__district", "district")


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


def author_label(*, user) -> str:
    return user_public_label(user=user)


# --- comments --------------------------------------------------------------------------


def _proposal_target(target_id):
    p = Proposal.objects.filter(pk=target_id).values("id", "title", "is_hidden").first()
    if not p:
        return None
    return {
        "title": p["title"],
        "url": reverse("participation:proposal_detail", args=[p["id"]]),
        "open": not p["is_hidden"],
    }


def _consultation_target(target_id):
    c = (
        Consultation.objects.filter(pk=target_id)
        .exclude(status=Consultation.Status.DRAFT)
        .values("slug", "title")
        .first()
    )
    if not c:
        return None
    return {
        "title": c["title"],
        "url": reverse("participation:consultation_detail", args=[c["slug"]]),
        "open": True,
    }


def _commitment_target(target_id):
    summary = commitment_summary(commitment_id=target_id)
    if not summary:
        return None
    return {"title": summary["title"], "url": summary["url"], "open": True}


COMMENT_TARGETS = {
    "participation.proposal": _proposal_target,
    "participation.consultation": _consultation_target,
    "commitments.commitment": _commitment_target,
}


def comment_target(*, target_type: str, target_id) -> dict:
    """Resolve a commentable object; 404 for unknown kinds or objects."""
    resolver = COMMENT_TARGETS.get(target_type)
    try:
        target_id = int(target_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    target = resolver(target_id) if resolver else None
    if target is None:
        raise Http404
    return {**target, "type": target_type, "id": target_id}


@dataclass
class CommentNode:
    comment: Comment
    author_label: str
    my_vote: int = 0
    children: list = field(default_factory=list)


def comment_thread(
    *,
    target_type: str,
    target_id: int,
    user=None,
    roots_limit: int = 50,
    after_id: int = 0,
) -> dict:
    """Threads of a target in a fixed number of queries: roots, their replies, my votes.
    Roots are keyset-paginated (`after_id`), each with all of its replies."""
    roots = list(
        Comment.objects.filter(
            target_type=target_type, target_id=target_id, depth=0, id__gt=after_id
        )
        .select_related("author", "author__district")
        .order_by("id")[: roots_limit + 1]
    )
    more = len(roots) > roots_limit
    roots = roots[:roots_limit]
    root_ids = [c.pk for c in roots]
    replies = list(
        Comment.objects.filter(root_id__in=root_ids, depth__gt=0)
        .select_related("author", "author__district")
        .order_by("id")
    )
    votes = {}
    if getattr(user, "is_authenticated", False) and (roots or replies):
        votes = dict(
            CommentVote.objects.filter(
                user=user, comment_id__in=root_ids + [c.pk for c in replies]
            ).values_list("comment_id", "value")
        )
    nodes = {}
    for c in roots + replies:
        nodes[c.pk] = CommentNode(
            comment=c,
            author_label=user_public_label(user=c.author),
            my_vote=votes.get(c.pk, 0),
        )
    tree = []
    for c in roots + replies:
        if c.parent_id and c.parent_id in nodes:
            nodes[c.parent_id].children.append(nodes[c.pk])
        elif not c.parent_id:
            tree.append(nodes[c.pk])
    total = Comment.objects.filter(target_type=target_type, target_id=target_id).count()
    return {
        "target_type": target_type,
        "target_id": target_id,
        "nodes": tree,
        "total": total,
        "truncated": more,
        "next_after": roots[-1].pk if more else None,
        "after_id": after_id,
        "can_comment": user_can_participate(user=user) if user else False,
        "is_moderator": user_is_moderator(user=user) if user else False,
        "max_depth": Comment.MAX_DEPTH,
    }


def access_comment_by_id(*, comment_id) -> Comment:
    try:
        return Comment.objects.get(pk=int(comment_id))
    except (Comment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def moderation_log(*, limit: int = 200):
    return list(ModerationAction.objects.order_by("-id")[:limit])


# --- consultations -----------------------------------------------------------------------


def participation_unit_slug() -> str:
    """The unit that runs Lima Activa (proposals go to it by default)."""
    return getattr(settings, "PROPOSAL_DEFAULT_UNIT_SLUG", "participacion-vecinal")


def consultation_list():
    return list(
        Consultation.objects.exclude(status=Consultation.Status.DRAFT)
        .annotate(option_count=Count("options", distinct=True))
        .order_by("-opens_at", "-id")[:100]
    )


def access_consultation_by_slug(*, slug) -> Consultation:
    c = Consultation.objects.filter(slug=slug).exclude(status=Consultation.Status.DRAFT)
    c = c.first()
    if c is None:
        raise Http404
    return c


@dataclass
class OptionResult:
    option: ConsultationOption
    counts: dict
    score: int
    ratings: int
    rank: int = 0
    passes: bool = False


def consultation_results(*, consultation: Consultation) -> list[OptionResult]:
    """Weighted score per option = Σ weight(level) × count(level); competition rank
    (1, 2, 2, 4); the cut marks which options pass. Two queries at any size."""
    return consultation_results_many(consultations=[consultation])[consultation.pk]


def consultation_results_many(*, consultations) -> dict[int, list[OptionResult]]:
    """Results of several consultations in two queries (API lists, datasets)."""
    consultations = list(consultations)
    ids = [c.pk for c in consultations]
    options_by = {cid: [] for cid in ids}
    for o in ConsultationOption.objects.filter(consultation_id__in=ids).order_by(
        "position", "id"
    ):
        options_by[o.consultation_id].append(o)
    counts = {
        o.pk: dict.fromkeys(Level.values, 0)
        for opts in options_by.values()
        for o in opts
    }
    for row in (
        ConsultationRating.objects.filter(consultation_id__in=ids)
        .values("option_id", "level")
        .annotate(n=Count("id"))
    ):
        if row["option_id"] in counts:
            counts[row["option_id"]][row["level"]] = row["n"]
    return {
        c.pk: _rank(consultation=c, options=options_by[c.pk], counts=counts)
        for c in consultations
    }


def _rank(*, consultation, options, counts) -> list[OptionResult]:
    weights = consultation.weights
    results = [
        OptionResult(
            option=o,
            counts=counts[o.pk],
            score=sum(weights[lv] * n for lv, n in counts[o.pk].items()),
            ratings=sum(counts[o.pk].values()),
        )
        for o in options
    ]
    results.sort(key=lambda r: (-r.score, r.option.position, r.option.pk))
    for i, r in enumerate(results):
        if i and r.score == results[i - 1].score:
            r.rank = results[i - 1].rank
        else:
            r.rank = i + 1
    fraction = float(consultation.cut_fraction)
    if results:
        if consultation.cut_kind == Consultation.Cut.SCORE_SHARE:
            best = results[0].score
            for r in results:
                r.passes = best > 0 and r.score >= fraction * best
        else:
            places = max(1, math.ceil(len(results) * fraction))
            for r in results:
                r.passes = r.score > 0 and r.rank <= places
    return results


def consultation_participants(*, consultation) -> int:
    return (
        ConsultationRating.objects.filter(consultation=consultation)
        .values("user_id")
        .distinct()
        .count()
    )


def consultation_my_ratings(*, consultation, user) -> dict[int, ConsultationRating]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        r.option_id: r
        for r in ConsultationRating.objects.filter(consultation=consultation, user=user)
    }


def consultation_contributions(*, consultation, limit: int = 200):
    return list(
        ConsultationRating.objects.filter(consultation=consultation)
        .exclude(contribution="")
        .select_related("option", "user", "user__district")
        .order_by("option__position", "option_id", "id")[:limit]
    )


# --- sessions ------------------------------------------------------------------------------


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


# --- districts and indicators ---------------------------------------------------------------


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


def indicators() -> dict:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    proposals = Proposal.objects.filter(is_hidden=False)
    participants = (
        User.objects.filter(
            Q(proposals__isnull=False)
            | Q(pk__in=Support.objects.values("user_id"))
            | Q(pk__in=ConsultationRating.objects.values("user_id"))
        )
        .distinct()
        .count()
    )
    return {
        "proposals": proposals.count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.filter(status=Comment.Status.VISIBLE).count(),
        "participants": participants,
        "consultations": Consultation.objects.exclude(
            status=Consultation.Status.DRAFT
        ).count(),
        "by_district": [
            {
                k: r[k]
                for k in (
                    "district",
                    "ubigeo",
                    "proposals",
                    "supports",
                    "comments",
                    "attendance",
                )
            }
            for r in district_participation()
        ],
    }


def site_search(*, query: str, limit: int) -> list[dict]:
    qs = Proposal.objects.filter(is_hidden=False, status__in=PUBLIC_STATUSES)
    results = proposal_search(qs, query=query)
    found = [
        {
            "kind": "proposal",
            "kind_label": _("Propuesta"),
            "title": p.title,
            "summary": p.summary,
            "url": reverse("participation:proposal_detail", args=[p.pk]),
            "rank": float(p.rank),
        }
        for p in results.order_by("-rank", "-id")[:limit]
    ]
    consultations = text_search(
        Consultation.objects.exclude(status=Consultation.Status.DRAFT),
        fields=["title", "question", "description"],
        query=query,
        weights=["A", "B", "C"],
    )[:limit]
    found += [
        {
            "kind": "consultation",
            "kind_label": _("Consulta"),
            "title": c.title,
            "summary": c.question[:300],
            "url": reverse("participation:consultation_detail", args=[c.slug]),
            "rank": float(c.rank),
        }
        for c in consultations
    ]
    sessions = text_search(
        Session.objects.all(), fields=["title", "agenda", "address"], query=query
    )[:limit]
    found += [
        {
            "kind": "session",
            "kind_label": _("Sesión de participación"),
            "title": s.title,
            "summary": s.agenda[:300],
            "url": reverse("participation:session_detail", args=[s.pk]),
            "rank": float(s.rank),
        }
        for s in sessions
    ]
    found.sort(key=lambda r: -r["rank"])
    return found[:limit]


def dataset_proposals() -> dict:
    rows = [
        {
            "id": p["id"],
            "titulo": p["title"],
            "resumen": p["summary"],
            "tema": p["topic"],
            "distrito": p["district__name"] or "",
            "ubigeo": p["district__ubigeo"] or "",
            "estado": p["status"],
            "apoyos": p["support_count"],
            "comentarios": p["comment_count"],
            "publicada": p["published_at"].isoformat(),
            "respuesta": p["outcome"],
            "compromiso_id": p["commitment_id"],
        }
        for p in Proposal.objects.filter(is_hidden=False)
        .order_by("id")
        .values(
            "id",
            "title",
            "summary",
            "topic",
            "district__name",
            "district__ubigeo",
            "status",
            "support_count",
            "comment_count",
            "published_at",
            "outcome",
            "commitment_id",
        )
        .iterator(chunk_size=2000)
    ]
    return {
        "title": "Propuestas ciudadanas de " + city.text("participation_name", "es"),
        "description": "Propuestas publicadas en "
        + city.text("participation_name", "es")
        + " con su número de apoyos, "
        "estado y respuesta municipal.",
        "publisher_slug": "participacion-vecinal",
        "tags": ["participación", "propuestas", city.text("participation_name", "es")],
        "columns": [
            "id",
            "titulo",
            "resumen",
            "tema",
            "distrito",
            "ubigeo",
            "estado",
            "apoyos",
            "comentarios",
            "publicada",
            "respuesta",
            "compromiso_id",
        ],
        "rows": rows,
    }


def dataset_consultation_results() -> dict:
    rows = []
    consultations = list(
        Consultation.objects.filter(
            status__in=[Consultation.Status.OPEN, Consultation.Status.CLOSED]
        ).order_by("id")
    )
    all_results = consultation_results_many(consultations=consultations)
    for c in consultations:
        for r in all_results[c.pk]:
            rows.append(
                {
                    "consulta": c.slug,
                    "opcion_id": r.option.pk,
                    "opcion": r.option.title,
                    "peso_muy_prioritario": c.weight_high,
                    "peso_prioritario": c.weight_medium,
                    "peso_poco_prioritario": c.weight_low,
                    "muy_prioritario": r.counts[Level.HIGH],
                    "prioritario": r.counts[Level.MEDIUM],
                    "poco_prioritario": r.counts[Level.LOW],
                    "puntaje_ponderado": r.score,
                    "puesto": r.rank,
                    "pasa_el_corte": r.passes,
                    "estado_consulta": c.status,
                }
            )
    return {
        "title": "Resultados de consultas ponderadas de "
        + city.text("participation_name", "es"),
        "description": "Por opción: votos por nivel de prioridad, pesos publicados, "
        "puntaje ponderado, puesto y si pasa el corte.",
        "publisher_slug": "participacion-vecinal",
        "tags": ["participación", "consultas", city.text("participation_name", "es")],
        "columns": list(rows[0].keys())
        if rows
        else [
            "consulta",
            "opcion_id",
            "opcion",
            "peso_muy_prioritario",
            "peso_prioritario",
            "peso_poco_prioritario",
            "muy_prioritario",
            "prioritario",
            "poco_prioritario",
            "puntaje_ponderado",
            "puesto",
            "pasa_el_corte",
            "estado_consulta",
        ],
        "rows": rows,
    }


# --- ARCO (Ley 29733): personal data ------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def personal_data(*, user) -> dict:
    """`personal_data:participation`: everything Lima Activa keeps about one person. One
    query per kind of record, however many rows."""
    from .models import CommentFlag, Notification, NotificationSettings

    proposals = [
        {
            "id": p.pk,
            "title": p.title,
            "summary": p.summary,
            "body": p.body,
            "topic": p.topic,
            "district": p.district.name if p.district_id else None,
            "status": p.status,
            "support_count": p.support_count,
            "published_at": _iso(p.published_at),
            "url": reverse("participation:proposal_detail", args=[p.pk]),
        }
        for p in Proposal.objects.filter(author=user)
        .select_related("district")
        .order_by("id")
    ]
    supports = [
        {"proposal_id": pid, "proposal": title, "created_at": _iso(at)}
        for pid, title, at in Support.objects.filter(user=user)
        .order_by("id")
        .values_list("proposal_id", "proposal__title", "created_at")
    ]
    comments = [
        {
            "id": c["id"],
            "on": f"{c['target_type']}:{c['target_id']}",
            "body": c["body"],
            "status": c["status"],
            "created_at": _iso(c["created_at"]),
        }
        for c in Comment.objects.filter(author=user)
        .order_by("id")
        .values("id", "target_type", "target_id", "body", "status", "created_at")
    ]
    votes = [
        {"comment_id": cid, "value": value}
        for cid, value in CommentVote.objects.filter(user=user)
        .order_by("id")
        .values_list("comment_id", "value")
    ]
    flags = [
        {"comment_id": cid, "created_at": _iso(at)}
        for cid, at in CommentFlag.objects.filter(user=user)
        .order_by("id")
        .values_list("comment_id", "created_at")
    ]
    ratings = [
        {
            "consultation": r["consultation__title"],
            "option": r["option__title"],
            "level": r["level"],
            "contribution": r["contribution"],
            "updated_at": _iso(r["updated_at"]),
        }
        for r in ConsultationRating.objects.filter(user=user)
        .order_by("id")
        .values(
            "consultation__title",
            "option__title",
            "level",
            "contribution",
            "updated_at",
        )
    ]
    registrations = [
        {
            "session": r["session__title"],
            "starts_at": _iso(r["session__starts_at"]),
            "status": r["status"],
            "created_at": _iso(r["created_at"]),
        }
        for r in SessionRegistration.objects.filter(user=user)
        .order_by("id")
        .values("session__title", "session__starts_at", "status", "created_at")
    ]
    follows = [
        {"kind": kind, "target_id": target, "created_at": _iso(at)}
        for kind, target, at in Follow.objects.filter(user=user)
        .order_by("id")
        .values_list("kind", "target_id", "created_at")
    ]
    settings_row = (
        NotificationSettings.objects.filter(user=user)
        .values("frequency", "follow_own_proposals")
        .first()
    )
    pending = Notification.objects.filter(user=user, sent_at__isnull=True).count()
    return {
        "summary": [
            [_("Propuestas"), len(proposals)],
            [_("Apoyos a propuestas"), len(supports)],
            [_("Comentarios"), len(comments)],
            [_("Votos a comentarios"), len(votes)],
            [_("Comentarios denunciados"), len(flags)],
            [_("Calificaciones en consultas"), len(ratings)],
            [_("Inscripciones a sesiones"), len(registrations)],
            [_("Seguimientos"), len(follows)],
            [_("Avisos pendientes de envío"), pending],
        ],
        "proposals": proposals,
        "supports": supports,
        "comments": comments,
        "comment_votes": votes,
        "comment_flags": flags,
        "consultation_ratings": ratings,
        "session_registrations": registrations,
        "follows": follows,
        "notification_settings": settings_row,
        "pending_notifications": pending,
    }


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


# --- Staff dashboard (openlima.registry "staff_tasks:participation") ------------------------
def staff_tasks(*, user) -> list[dict]:
    from django.urls import reverse

    rows = []
    if user_has_role(user=user, role=roles.MODERATOR):
        flagged = Comment.objects.filter(
            status=Comment.Status.VISIBLE, flag_count__gt=0
        ).count()
        rows.append(
            {
                "label": _("Comentarios señalados por revisar"),
                "count": flagged,
                "url": reverse("admin:participation_comment_changelist")
                + "?senalados=1",
            }
        )
    unit_id = getattr(user, "org_unit_id", None)
    if user_has_role(user=user, role=roles.UNIT_EDITOR) and unit_id:
        waiting = Proposal.objects.filter(
            status=Proposal.Status.EVALUATION, assigned_unit_id=unit_id
        ).count()
        rows.append(
            {
                "label": _("Propuestas de su unidad por responder"),
                "count": waiting,
                "url": reverse("participation:answer_queue"),
            }
        )
    return rows
