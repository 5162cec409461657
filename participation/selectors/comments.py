"""Reads of comments: targets, threads, moderation log."""

from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse

from openlima.selectors import user_public_label

from ..models import (
    Comment,
    CommentFlag,
    CommentVote,
    Consultation,
    ModerationAction,
    Proposal,
)
from .common import user_can_participate, user_is_moderator
from .proposals import commitment_summary


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


def _thread_comments(
    *, target_type: str, target_id: int, roots_limit: int, after_id: int
) -> tuple[list[Comment], list[Comment], bool]:
    """A page of roots (keyset after `after_id`), all of their replies, and whether
    more roots follow the page: two queries."""
    roots = list(
        Comment.objects.filter(
            target_type=target_type, target_id=target_id, depth=0, id__gt=after_id
        )
        .select_related("author", "author__district")
        .order_by("id")[: roots_limit + 1]
    )
    more = len(roots) > roots_limit
    roots = roots[:roots_limit]
    replies = list(
        Comment.objects.filter(root_id__in=[c.pk for c in roots], depth__gt=0)
        .select_related("author", "author__district")
        .order_by("id")
    )
    return roots, replies, more


def _my_votes(*, user, comments: list[Comment]) -> dict[int, int]:
    """The user's vote on each of these comments: one query, none when anonymous."""
    if not getattr(user, "is_authenticated", False) or not comments:
        return {}
    return dict(
        CommentVote.objects.filter(
            user=user, comment_id__in=[c.pk for c in comments]
        ).values_list("comment_id", "value")
    )


def _thread_tree(*, comments: list[Comment], votes: dict) -> list[CommentNode]:
    """Nest each reply under its parent; comments without a parent are the roots."""
    nodes = {}
    for c in comments:
        nodes[c.pk] = CommentNode(
            comment=c,
            author_label=user_public_label(user=c.author),
            my_vote=votes.get(c.pk, 0),
        )
    tree = []
    for c in comments:
        if c.parent_id and c.parent_id in nodes:
            nodes[c.parent_id].children.append(nodes[c.pk])
        elif not c.parent_id:
            tree.append(nodes[c.pk])
    return tree


def comment_thread(
    *,
    target_type: str,
    target_id: int,
    user=None,
    roots_limit: int = 50,
    after_id: int = 0,
    can_comment: bool | None = None,
) -> dict:
    """Threads of a target in a fixed number of queries: roots, their replies, my votes.
    Roots are keyset-paginated (`after_id`), each with all of its replies. A caller that
    already knows whether the user may comment passes `can_comment` (one query less)."""
    roots, replies, more = _thread_comments(
        target_type=target_type,
        target_id=target_id,
        roots_limit=roots_limit,
        after_id=after_id,
    )
    votes = _my_votes(user=user, comments=roots + replies)
    tree = _thread_tree(comments=roots + replies, votes=votes)
    if after_id == 0 and not more:
        # The whole thread is loaded: every root and every reply of each root.
        total = len(roots) + len(replies)
    else:
        total = Comment.objects.filter(
            target_type=target_type, target_id=target_id
        ).count()
    return {
        "target_type": target_type,
        "target_id": target_id,
        "nodes": tree,
        "total": total,
        "truncated": more,
        "next_after": roots[-1].pk if more else None,
        "after_id": after_id,
        "can_comment": (
            can_comment
            if can_comment is not None
            else (user_can_participate(user=user) if user else False)
        ),
        "is_moderator": user_is_moderator(user=user) if user else False,
        "max_depth": Comment.MAX_DEPTH,
        # One's own comments show no vote or report controls (issue 12).
        "user_id": getattr(user, "pk", None),
        "flag_reasons": CommentFlag.Reason.choices,
    }


def access_comment_by_id(*, comment_id) -> Comment:
    try:
        return Comment.objects.get(pk=int(comment_id))
    except (Comment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def moderation_log(*, limit: int = 200):
    return list(ModerationAction.objects.order_by("-id")[:limit])


def comment_thread_for_viewer(
    *, thread: dict, user, can_comment: bool, is_moderator: bool
) -> dict:
    """A thread read for anyone (`comment_thread` without a user, which a page may keep
    per content generation: docs/performance.md) made this viewer's: their own votes —
    one query, only when the thread has comments —, whether they may comment or
    moderate, and which comments are theirs."""
    votes = _my_votes(user=user, comments=_every_comment(thread["nodes"]))

    def mine(node: CommentNode) -> CommentNode:
        return CommentNode(
            comment=node.comment,
            author_label=node.author_label,
            my_vote=votes.get(node.comment.pk, 0),
            children=[mine(child) for child in node.children],
        )

    return {
        **thread,
        "nodes": [mine(node) for node in thread["nodes"]],
        "can_comment": can_comment,
        "is_moderator": is_moderator,
        "user_id": getattr(user, "pk", None),
    }


def comment_thread_shareable(*, target_type: str, target_id: int) -> dict:
    """`comment_thread` read for anyone, fit to be kept in the shared cache: the authors'
    rows it loaded to make their labels are dropped from the comments, so no password
    hash or e-mail address is copied into the cache (pages show `author_label` and
    compare `author_id` only)."""
    thread = comment_thread(
        target_type=target_type, target_id=target_id, user=None, can_comment=False
    )
    for comment in _every_comment(thread["nodes"]):
        comment._state.fields_cache.pop("author", None)
    return thread


def _every_comment(nodes: list[CommentNode]) -> list[Comment]:
    """The comments of a thread's nodes and of all their replies."""
    comments: list[Comment] = []
    pending = list(nodes)
    while pending:
        node = pending.pop()
        comments.append(node.comment)
        pending.extend(node.children)
    return comments
