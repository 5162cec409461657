"""Comment threads and their moderation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openlima.errors import ApplicationError

from .. import selectors, services
from ..forms import (
    CommentForm,
    ModerationForm,
)
from .common import _form_errors, _is_htmx, _require_login


def _thread_response(request, target_type, target_id, *, form=None, status=200):
    thread = selectors.comment_thread(
        target_type=target_type, target_id=target_id, user=request.user
    )
    return render(
        request,
        "participation/includes/comments.html",
        {"thread": thread, "comment_form": form, "announce": True},
        status=status,
    )


def comments(request, target_type, target_id):
    """The thread of any registered target; POST adds a comment or reply."""
    target = selectors.comment_target(target_type=target_type, target_id=target_id)
    if request.method == "POST":
        if (resp := _require_login(request)) is not None:
            return resp
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_create(
                    author=request.user,
                    target_type=target_type,
                    target_id=target["id"],
                    body=form.cleaned_data["body"],
                    parent_id=form.cleaned_data.get("parent"),
                )
            except ApplicationError as exc:
                _form_errors(form, exc)
            else:
                if _is_htmx(request):
                    return _thread_response(request, target_type, target["id"])
                messages.success(request, _("Comentario publicado."))
                return redirect(target["url"] + "#comentarios")
        if _is_htmx(request):
            return _thread_response(
                request, target_type, target["id"], form=form, status=200
            )
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect(target["url"] + "#comentarios")
    if _is_htmx(request):
        return _thread_response(request, target_type, target["id"])
    try:
        after_id = max(0, int(request.GET.get("desde", 0)))
    except ValueError:
        after_id = 0
    thread = selectors.comment_thread(
        target_type=target_type,
        target_id=target["id"],
        user=request.user,
        after_id=after_id,
    )
    return render(
        request,
        "participation/comments_page.html",
        {"thread": thread, "target": target},
    )


@require_POST
def comment_action(request, pk, action):
    if (resp := _require_login(request)) is not None:
        return resp
    comment = selectors.access_comment_by_id(comment_id=pk)
    target = selectors.comment_target(
        target_type=comment.target_type, target_id=comment.target_id
    )
    try:
        if action == "up":
            services.comment_vote(user=request.user, comment_id=pk, value=1)
        elif action == "down":
            services.comment_vote(user=request.user, comment_id=pk, value=-1)
        elif action == "flag":
            services.comment_flag(user=request.user, comment_id=pk)
            if not _is_htmx(request):
                messages.success(
                    request, _("Gracias: el equipo de moderación lo revisará.")
                )
        else:
            raise Http404
    except ApplicationError as exc:
        if not _is_htmx(request):
            messages.error(request, exc.message)
    if _is_htmx(request):
        return _thread_response(request, comment.target_type, comment.target_id)
    return redirect(target["url"] + f"#comentario-{pk}")


def comment_moderate(request, pk):
    if not selectors.user_is_moderator(user=request.user):
        raise PermissionDenied
    comment = selectors.access_comment_by_id(comment_id=pk)
    hide = comment.status == comment.Status.VISIBLE
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_moderate(
                moderator=request.user,
                comment_id=pk,
                hide=request.POST.get("action", "hide" if hide else "restore")
                == "hide",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            target = selectors.comment_target(
                target_type=comment.target_type, target_id=comment.target_id
            )
            return redirect(target["url"] + f"#comentario-{pk}")
    return render(
        request,
        "participation/moderate.html",
        {
            "form": form,
            "object_label": _("Comentario n.º %(id)s") % {"id": pk},
            "comment": comment,
            "hide": hide,
        },
    )


def moderation_log(request):
    return render(
        request,
        "participation/moderation_log.html",
        {"actions": selectors.moderation_log()},
    )
