"""Pages of proposals: list, detail, create, edit, support, follow, answer, moderate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openlima.errors import ApplicationError, form_add_application_error
from openlima.pagecache import generation_memo, page_cache_seconds

from .. import selectors, services
from ..forms import (
    AnswerForm,
    ModerationForm,
    ProposalEditForm,
    ProposalForm,
    WithdrawForm,
)
from ..models import Follow, Proposal, Topic
from .common import _back, _require_login, _staff_gate


def index(request):
    page = selectors.proposal_list(
        filters=selectors.ProposalFilters(order="supported"), page_size=6
    )
    latest = selectors.proposal_list(filters=selectors.ProposalFilters(), page_size=6)
    consultations = selectors.consultation_list()[:3]
    sessions = list(selectors.session_list(upcoming=True)[:3])
    return render(
        request,
        "participation/index.html",
        {
            "top": page.items,
            "latest": latest.items,
            "consultations": consultations,
            "sessions": sessions,
            "threshold": selectors.support_threshold(),
        },
    )


def proposal_list(request):
    g = request.GET
    try:
        page_number = int(g.get("page", 1))
    except ValueError:
        page_number = 1
    filters = selectors.ProposalFilters(
        status=g.get("estado", "")[:20],
        district=g.get("distrito", "")[:140],
        topic=g.get("tema", "")[:30],
        q=g.get("q", "")[:200],
        order="supported" if g.get("orden") == "apoyos" else "newest",
        after=g.get("despues", "")[:100],
        page=page_number,
    )
    # The page of proposals is the same for every visitor: read once per content
    # generation (docs/performance.md); the stamp keys the cached fragments below too.
    page, stamp = generation_memo(
        ("openlima", "participation"),
        f"participation.proposal_list:{filters!r}",
        lambda: selectors.proposal_list(filters=filters),
    )
    supported = selectors.supported_ids(
        user=request.user, proposal_ids=[p.pk for p in page.items]
    )
    params = g.copy()
    params.pop("despues", None)
    params.pop("page", None)
    return render(
        request,
        "participation/proposal_list.html",
        {
            "page": page,
            "filters": filters,
            "supported": supported,
            "districts": selectors.district_options(),
            "topics": Topic.choices,
            "statuses": Proposal.Status.choices,
            "base_query": params.urlencode(),
            "can_participate": selectors.user_can_participate(user=request.user),
            # Fragment caching of the filter form and the cards (docs/performance.md):
            # keyed on the content generations, so any write shows at once; 0 = off.
            "fragment_seconds": page_cache_seconds(),
            "fragment_stamp": stamp,
            "supported_key": ",".join(str(pk) for pk in sorted(supported)),
        },
    )


def _support_context(request, proposal):
    return {
        "proposal": proposal,
        "supported": selectors.user_supports(user=request.user, proposal=proposal),
        "can_participate": selectors.user_can_participate(user=request.user),
        "threshold": selectors.support_threshold(),
    }


def _proposal_page_shared(pk):
    """What the proposal page shows every visitor alike: the proposal, its sessions, its
    author's label and the comment thread read for anyone."""
    proposal = selectors.access_proposal_by_id(proposal_id=pk)
    return {
        "proposal": proposal,
        "sessions": list(proposal.sessions.all()[:10]),
        "author_label": selectors.author_label(user=proposal.author),
        "thread": selectors.comment_thread_shareable(
            target_type="participation.proposal", target_id=proposal.pk
        ),
    }


def proposal_detail(request, pk):
    # The same for every visitor: read once per content generation (docs/performance.md).
    shared, stamp = generation_memo(
        ("openlima", "participation"),
        f"participation.proposal_page:{int(pk)}",
        lambda: _proposal_page_shared(pk),
    )
    proposal = shared["proposal"]
    if proposal.status == Proposal.Status.WITHDRAWN and not proposal.withdrawn_reason:
        raise Http404
    context = {**shared, **_support_context(request, proposal)}
    # Another app's figures (its progress) change without a write here: read each time.
    context["commitment"] = selectors.commitment_summary(
        commitment_id=proposal.commitment_id
    )
    is_moderator = selectors.user_is_moderator(user=request.user)
    context.update(
        {
            "thread": selectors.comment_thread_for_viewer(
                thread=shared["thread"],
                user=request.user,
                can_comment=context["can_participate"],
                is_moderator=is_moderator,
            ),
            "following": selectors.user_follows(
                user=request.user, kind=Follow.Kind.PROPOSAL, target_id=proposal.pk
            ),
            "is_author": request.user.is_authenticated
            and proposal.author_id == request.user.pk,
            "can_answer": selectors.user_can_answer(
                user=request.user, proposal=proposal
            ),
            "is_moderator": is_moderator,
            # The proposal's own text is one cached fragment per content generation.
            "fragment_seconds": page_cache_seconds(),
            "fragment_stamp": stamp,
        }
    )
    return render(request, "participation/proposal_detail.html", context)


@login_required
def proposal_create(request):
    if not selectors.user_can_participate(user=request.user):
        return render(request, "participation/verify_needed.html", status=403)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposal = services.proposal_create(
                author=request.user,
                title=d["title"],
                summary=d["summary"],
                body=d["body"],
                topic=d["topic"],
                district=d["district"],
                image=d.get("image"),
                image_alt=d.get("image_alt", ""),
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Su propuesta está publicada."),
                extra_tags="feedback-proposal",  # "¿Le fue útil?" (docs/feedback.md)
            )
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return render(
        request, "participation/proposal_form.html", {"form": form, "creating": True}
    )


@login_required
def proposal_edit(request, pk):
    proposal = selectors.access_proposal_for_edit(user=request.user, proposal_id=pk)
    initial = {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "topic": proposal.topic,
        "district": proposal.district_id,
    }
    form = ProposalEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.proposal_update(
                user=request.user,
                proposal_id=proposal.pk,
                title=d["title"],
                summary=d["summary"],
                body=d["body"],
                topic=d["topic"],
                district=d["district"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "participation/proposal_form.html",
        {"form": form, "proposal": proposal, "creating": False},
    )


@login_required
def proposal_withdraw(request, pk):
    proposal = selectors.access_proposal_for_edit(user=request.user, proposal_id=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_withdraw(
                user=request.user,
                proposal_id=proposal.pk,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Usted retiró la propuesta."))
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "participation/proposal_withdraw.html",
        {"form": form, "proposal": proposal},
    )


@require_POST
def proposal_support(request, pk):
    if (resp := _require_login(request)) is not None:
        return resp
    unsupport = request.POST.get("action") == "unsupport"
    error = None
    try:
        if unsupport:
            services.proposal_unsupport(user=request.user, proposal_id=pk)
        else:
            services.proposal_support(user=request.user, proposal_id=pk)
    except ApplicationError as exc:
        error = exc.message
    proposal = selectors.access_proposal_by_id(proposal_id=pk)
    if request.htmx:
        context = _support_context(request, proposal)
        context["error"] = error
        context["announce"] = True
        return render(request, "participation/includes/support_box.html", context)
    if error:
        messages.error(request, error)
    return _back(request, reverse("participation:proposal_detail", args=[pk]))


@require_POST
def follow(request, kind, pk):
    if (resp := _require_login(request)) is not None:
        return resp
    if kind not in Follow.Kind.values:
        raise Http404
    try:
        services.follow_set(
            user=request.user,
            kind=kind,
            target_id=pk,
            follow=request.POST.get("action") != "unfollow",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Ahora sigue este elemento.")
            if request.POST.get("action") != "unfollow"
            else _("Ya no sigue este elemento."),
        )
    return _back(request, reverse("participation:index"))


@login_required
def my_proposals(request):
    return render(
        request,
        "participation/my_list.html",
        {
            "items": selectors.proposals_by_author(user=request.user),
            "heading": _("Mis propuestas"),
        },
    )


@login_required
def my_supports(request):
    return render(
        request,
        "participation/my_list.html",
        {
            "items": selectors.proposals_supported_by(user=request.user),
            "heading": _("Propuestas que apoyo"),
        },
    )


def answer_queue(request):
    _staff_gate(request)
    return render(
        request,
        "participation/answer_queue.html",
        {"items": selectors.proposals_to_answer(user=request.user)[:200]},
    )


def proposal_answer(request, pk):
    _staff_gate(request)
    proposal = selectors.access_proposal_for_answer(user=request.user, proposal_id=pk)
    form = AnswerForm(
        request.POST or None,
        initial={
            "outcome": proposal.outcome,
            "answer": proposal.answer,
            "commitment_id": proposal.commitment_id,
        },
        commitment_choices=selectors.commitment_choices(),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.proposal_answer(
                user=request.user,
                proposal_id=proposal.pk,
                outcome=d["outcome"],
                answer=d["answer"],
                commitment_id=d["commitment_id"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Respuesta publicada."))
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "participation/proposal_answer.html",
        {"form": form, "proposal": proposal},
    )


def proposal_moderate(request, pk):
    if not selectors.user_is_moderator(user=request.user):
        raise PermissionDenied
    proposal = selectors.access_proposal_by_id(proposal_id=pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_moderate(
                moderator=request.user,
                proposal_id=proposal.pk,
                hide=not proposal.is_hidden,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "participation/moderate.html",
        {"form": form, "object_label": proposal.title, "hide": not proposal.is_hidden},
    )


def proposal_image(request, pk, name):
    """A proposal's image, streamed from the storage (local disk or S3) by any web node."""
    from openlima.storage import public_file_response

    image = selectors.proposal_image_get_public(proposal_id=pk, name=name)
    return public_file_response(image)
