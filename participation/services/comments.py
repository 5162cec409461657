"""Writes of comments: create, vote, flag, moderate."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid
from openlima.services import audit_log_record

from .. import conf, selectors
from ..content import render_plain
from ..models import (
    Comment,
    CommentFlag,
    CommentVote,
    Follow,
    ModerationAction,
    Proposal,
)
from .common import _locked, _rate_limit, _validate
from .notifications import followers, notify


def _comment_body_clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid(
            _("Escriba un comentario."), field_errors={"body": [_("Obligatorio.")]}
        )
    if len(body) > 3000:
        raise Invalid(
            _("El comentario es demasiado largo (máximo 3000 caracteres)."),
            field_errors={"body": [_("Máximo 3000 caracteres.")]},
        )
    return body


def _comment_parent(*, parent_id, target_type: str, target_id: int) -> Comment | None:
    """The comment replied to: on the same target and not already at the deepest level."""
    if parent_id in (None, ""):
        return None
    try:
        parent = Comment.objects.get(
            pk=int(parent_id), target_type=target_type, target_id=target_id
        )
    except (Comment.DoesNotExist, ValueError, TypeError) as exc:
        raise Invalid(_("El comentario al que respondes no existe.")) from exc
    if parent.depth >= Comment.MAX_DEPTH:
        raise Conflict(_("No se puede responder a más de tres niveles."))
    return parent


def _comment_notify(*, author, target_type: str, target: dict) -> None:
    """Tell the target's followers (and a proposal's author) of a new comment."""
    user_ids: Sequence[int | None]
    if target_type == "participation.proposal":
        owner = (
            Proposal.objects.filter(pk=target["id"])
            .values_list("author_id", flat=True)
            .first()
        )
        user_ids = [
            *followers(kind=Follow.Kind.PROPOSAL, target_id=target["id"]),
            owner,
        ]
    elif target_type == "participation.consultation":
        user_ids = followers(kind=Follow.Kind.CONSULTATION, target_id=target["id"])
    else:
        return
    notify(
        user_ids=user_ids,
        kind="comment.new",
        text=_("Nuevo comentario en «%(title)s».") % {"title": target["title"]},
        url=target["url"],
        exclude=[author.pk],
    )


@transaction.atomic
def comment_create(
    *, author, target_type: str, target_id, body: str, parent_id=None
) -> Comment:
    selectors.access_participation(user=author)
    target = selectors.comment_target(target_type=target_type, target_id=target_id)
    if not target["open"]:
        raise Conflict(_("No se puede comentar aquí."))
    body = _comment_body_clean(body)
    parent = _comment_parent(
        parent_id=parent_id, target_type=target_type, target_id=target["id"]
    )
    _rate_limit(
        user=author,
        kind="comment",
        limit=conf.comment_rate_limit_per_10_min(),
        seconds=600,
    )
    comment = Comment(
        target_type=target_type,
        target_id=target["id"],
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        author=author,
        body=body,
        body_html=render_plain(body),
    )
    _validate(comment)
    comment.save()
    comment.root_id = parent.root_id if parent else comment.pk
    comment.save(update_fields=["root_id"])
    if target_type == "participation.proposal":
        Proposal.objects.filter(pk=target["id"]).update(
            comment_count=F("comment_count") + 1
        )
    _comment_notify(author=author, target_type=target_type, target=target)
    return comment


@transaction.atomic
def comment_vote(*, user, comment_id: int, value: int) -> Comment:
    """One vote per person; voting the same way again withdraws the vote."""
    selectors.access_participation(user=user)
    if value not in (1, -1):
        raise Invalid(_("Voto no válido."))
    comment = _locked(Comment.objects).get(pk=comment_id)
    if comment.author_id == user.pk:
        raise Conflict(_("No puede votar su propio comentario."))
    existing = CommentVote.objects.filter(comment=comment, user=user).first()
    up = down = 0
    if existing is None:
        CommentVote.objects.create(comment=comment, user=user, value=value)
        up, down = (1, 0) if value == 1 else (0, 1)
    elif existing.value == value:
        existing.delete()
        up, down = (-1, 0) if value == 1 else (0, -1)
    else:
        existing.value = value
        existing.save(update_fields=["value"])
        up, down = (1, -1) if value == 1 else (-1, 1)
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=F("upvotes") + up, downvotes=F("downvotes") + down
    )
    comment.refresh_from_db(fields=["upvotes", "downvotes"])
    return comment


def _comment_context(comment):
    target = selectors.COMMENT_TARGETS.get(comment.target_type)
    info = target(comment.target_id) if target else None
    return (info or {}).get("title", "")[:200], (info or {}).get("url", "")[:300]


@transaction.atomic
def comment_flag(*, user, comment_id: int, reason: str) -> Comment:
    """Report a comment to the moderators with one of `CommentFlag.Reason`; one report
    per person; never one's own comment (issue 12)."""
    selectors.access_participation(user=user)
    if reason not in CommentFlag.Reason.values:
        raise Invalid(
            _("Elija el motivo del reporte."),
            field_errors={"reason": [_("Elija el motivo del reporte.")]},
        )
    comment = _locked(Comment.objects).get(pk=comment_id)
    if comment.author_id == user.pk:
        raise Conflict(_("No puede reportar su propio comentario."))
    try:
        with transaction.atomic():
            CommentFlag.objects.create(comment=comment, user=user, reason=reason)
    except IntegrityError:
        return comment
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    comment.refresh_from_db(fields=["flag_count", "status"])
    if (
        comment.status == Comment.Status.VISIBLE
        and comment.flag_count >= selectors.flag_hide_threshold()
    ):
        comment.status = Comment.Status.REVIEW
        comment.hidden_reason = _("Ocultado para revisión tras varios reportes.")
        comment.save(update_fields=["status", "hidden_reason"])
        label, url = _comment_context(comment)
        ModerationAction.objects.create(
            action=ModerationAction.Action.AUTO_HIDE,
            target_kind="comment",
            target_id=comment.pk,
            context_label=label,
            context_url=url,
            reason=comment.hidden_reason,
        )
    return comment


@transaction.atomic
def comment_moderate(*, moderator, comment_id: int, hide: bool, reason: str) -> Comment:
    if not selectors.user_is_moderator(user=moderator):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Indique el motivo; se mostrará en lugar del comentario."),
            field_errors={"reason": [_("Obligatorio.")]},
        )
    comment = _locked(Comment.objects).get(pk=comment_id)
    comment.status = Comment.Status.HIDDEN if hide else Comment.Status.VISIBLE
    comment.hidden_reason = reason[:300] if hide else ""
    comment.save(update_fields=["status", "hidden_reason"])
    label, url = _comment_context(comment)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE
        if hide
        else ModerationAction.Action.RESTORE,
        target_kind="comment",
        target_id=comment.pk,
        context_label=label,
        context_url=url,
        reason=reason[:300],
    )
    audit_log_record(actor=moderator, action="comment.moderate", obj=comment)
    return comment
