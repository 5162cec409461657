"""Lima Activa pages: thin views over selectors and services. Every form works without
JavaScript; with htmx, support/rating/comment forms swap a partial in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openlima.errors import ApplicationError
from openlima.models import District
from openlima.selectors import access_staff_area

from . import selectors, services
from .forms import (
    AnswerForm,
    CommentForm,
    ModerationForm,
    NotificationSettingsForm,
    ProposalEditForm,
    ProposalForm,
    SessionCloseForm,
    WithdrawForm,
)
from .models import Follow, Level, Proposal, Session, Topic


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request, fallback: str):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect(fallback)


def _form_errors(form, exc: ApplicationError) -> None:
    for name, errs in exc.field_errors.items():
        for err in errs:
            form.add_error(name if name in form.fields else None, err)
    if not exc.field_errors:
        form.add_error(None, exc.message)


def _require_login(request):
    """Anonymous writes go to the login page and come back to the page they came from
    (not to the POST-only URL); for htmx, the whole page navigates there."""
    if request.user.is_authenticated:
        return None
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    login_url = redirect_to_login(referer if safe else request.get_full_path()).url
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


# --- landing ---------------------------------------------------------------------------


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


# --- proposals -------------------------------------------------------------------------


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
    page = selectors.proposal_list(filters=filters)
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
            "districts": District.objects.order_by("name").values("slug", "name"),
            "topics": Topic.choices,
            "statuses": Proposal.Status.choices,
            "base_query": params.urlencode(),
            "can_participate": selectors.user_can_participate(user=request.user),
        },
    )


def _support_context(request, proposal):
    return {
        "proposal": proposal,
        "supported": selectors.user_supports(user=request.user, proposal=proposal),
        "can_participate": selectors.user_can_participate(user=request.user),
        "threshold": selectors.support_threshold(),
    }


def proposal_detail(request, pk):
    proposal = selectors.access_proposal_by_id(proposal_id=pk)
    if proposal.status == Proposal.Status.WITHDRAWN and not proposal.withdrawn_reason:
        raise Http404
    context = _support_context(request, proposal)
    context.update(
        {
            "author_label": selectors.author_label(user=proposal.author),
            "commitment": selectors.commitment_summary(
                commitment_id=proposal.commitment_id
            ),
            "thread": selectors.comment_thread(
                target_type="participation.proposal",
                target_id=proposal.pk,
                user=request.user,
            ),
            "following": selectors.user_follows(
                user=request.user, kind=Follow.Kind.PROPOSAL, target_id=proposal.pk
            ),
            "is_author": request.user.is_authenticated
            and proposal.author_id == request.user.pk,
            "can_answer": selectors.user_can_answer(
                user=request.user, proposal=proposal
            ),
            "is_moderator": selectors.user_is_moderator(user=request.user),
            "sessions": list(proposal.sessions.all()[:10]),
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
            _form_errors(form, exc)
        else:
            messages.success(request, _("Tu propuesta está publicada."))
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
            _form_errors(form, exc)
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
            _form_errors(form, exc)
        else:
            messages.success(request, _("Has retirado la propuesta."))
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
    if _is_htmx(request):
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
            _("Ahora sigues este elemento.")
            if request.POST.get("action") != "unfollow"
            else _("Ya no sigues este elemento."),
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


def _staff_gate(request):
    access_staff_area(request=request)


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
            _form_errors(form, exc)
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
            _form_errors(form, exc)
        else:
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return render(
        request,
        "participation/moderate.html",
        {"form": form, "object_label": proposal.title, "hide": not proposal.is_hidden},
    )


# --- comments --------------------------------------------------------------------------


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


# --- consultations ---------------------------------------------------------------------


def consultation_list(request):
    return render(
        request,
        "participation/consultation_list.html",
        {"consultations": selectors.consultation_list()},
    )


def _consultation_context(request, consultation):
    results = selectors.consultation_results(consultation=consultation)
    my = selectors.consultation_my_ratings(consultation=consultation, user=request.user)
    rows = [
        {"option": r.option, "result": r, "mine": my.get(r.option.pk)}
        for r in sorted(results, key=lambda r: (r.option.position, r.option.pk))
    ]
    return {
        "consultation": consultation,
        "results": results,
        "ranked": sorted(results, key=lambda r: (r.rank, r.option.position)),
        "rows": rows,
        "levels": Level.choices,
        "participants": selectors.consultation_participants(consultation=consultation),
        "can_participate": selectors.user_can_participate(user=request.user),
        "max_score": max([r.score for r in results] or [0]),
        **_chart(results),
    }


def _chart(results) -> dict:
    """Bars of the weighted score (SVG, no script or inline style), in rank order."""
    best = max([r.score for r in results] or [0]) or 1
    ranked = sorted(results, key=lambda r: (r.rank, r.option.position))
    bars = []
    for i, r in enumerate(ranked):
        width = round(200 * r.score / best)
        bars.append(
            {
                "y": i * 24,
                "label": r.option.title,
                "width": width,
                "score": r.score,
                "text_x": 150 + width + 6,
                "passes": r.passes,
            }
        )
    return {"chart": bars, "chart_height": max(24, len(bars) * 24)}


def consultation_detail(request, slug):
    consultation = selectors.access_consultation_by_slug(slug=slug)
    context = _consultation_context(request, consultation)
    context.update(
        {
            "contributions": selectors.consultation_contributions(
                consultation=consultation
            ),
            "thread": selectors.comment_thread(
                target_type="participation.consultation",
                target_id=consultation.pk,
                user=request.user,
            ),
            "following": selectors.user_follows(
                user=request.user,
                kind=Follow.Kind.CONSULTATION,
                target_id=consultation.pk,
            ),
        }
    )
    return render(request, "participation/consultation_detail.html", context)


@require_POST
def consultation_rate(request, slug, option_id):
    if (resp := _require_login(request)) is not None:
        return resp
    consultation = selectors.access_consultation_by_slug(slug=slug)
    error = None
    try:
        services.consultation_rate(
            user=request.user,
            option_id=option_id,
            level=request.POST.get("level", ""),
            contribution=request.POST.get("contribution", ""),
        )
    except ApplicationError as exc:
        error = exc.message
    if _is_htmx(request):
        context = _consultation_context(request, consultation)
        row = next(
            (r for r in context["rows"] if r["option"].pk == int(option_id)), None
        )
        if row is None:
            raise Http404
        context.update({"row": row, "error": error, "announce": True})
        return render(request, "participation/includes/rating_form.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Calificación guardada."))
    return redirect(
        reverse("participation:consultation_detail", args=[slug])
        + f"#opcion-{option_id}"
    )


# --- sessions --------------------------------------------------------------------------


def session_list(request):
    return render(
        request,
        "participation/session_list.html",
        {
            "upcoming": list(selectors.session_list(upcoming=True)[:50]),
            "past": list(selectors.session_list(upcoming=False)[:50]),
        },
    )


def session_detail(request, pk):
    session = selectors.access_session_by_id(session_id=pk)
    return render(
        request,
        "participation/session_detail.html",
        {
            "session": session,
            "registration": selectors.session_my_registration(
                session=session, user=request.user
            ),
            "can_participate": selectors.user_can_participate(user=request.user),
            "can_manage": selectors.user_can_manage_session(
                user=request.user, session=session
            ),
            "proposals": list(session.proposals.filter(is_hidden=False)[:50]),
        },
    )


@require_POST
def session_register(request, pk):
    if (resp := _require_login(request)) is not None:
        return resp
    try:
        if request.POST.get("action") == "cancel":
            services.session_cancel_registration(user=request.user, session_id=pk)
            messages.success(request, _("Cancelaste tu inscripción."))
        else:
            reg = services.session_register(user=request.user, session_id=pk)
            messages.success(
                request,
                _("Inscripción confirmada. Te enviamos un correo.")
                if reg.status == reg.Status.CONFIRMED
                else _("La sesión está llena: estás en la lista de espera."),
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("participation:session_detail", pk=pk)


def session_cancel(request, pk):
    _staff_gate(request)
    session = selectors.access_session_by_id(session_id=pk)
    if not selectors.user_can_manage_session(user=request.user, session=session):
        raise PermissionDenied
    form = ModerationForm(request.POST or None)
    form.fields["reason"].label = _(
        "Motivo de la cancelación (se comunica a los inscritos)"
    )
    if request.method == "POST" and form.is_valid():
        services.session_cancel(
            user=request.user, session_id=pk, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Sesión cancelada; avisamos a los inscritos."))
        return redirect("participation:session_detail", pk=pk)
    return render(
        request, "participation/session_cancel.html", {"form": form, "session": session}
    )


def session_close(request, pk):
    _staff_gate(request)
    session = selectors.access_session_by_id(session_id=pk)
    if not selectors.user_can_manage_session(user=request.user, session=session):
        raise PermissionDenied
    form = SessionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.session_close(
                user=request.user,
                session_id=pk,
                minutes=d["minutes"],
                attendance_count=d["attendance_count"],
                proposal_ids=d["proposals"],
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Sesión cerrada con su acta."))
            return redirect("participation:session_detail", pk=pk)
    return render(
        request, "participation/session_close.html", {"form": form, "session": session}
    )


# --- districts -------------------------------------------------------------------------


def district_list(request):
    rows = selectors.district_participation()
    return render(
        request,
        "participation/district_list.html",
        {
            "rows": rows,
            "max_proposals": max([r["proposals"] for r in rows] or [0]),
        },
    )


def district_detail(request, slug):
    district = selectors.access_district_by_slug(slug=slug)
    rows = {r["slug"]: r for r in selectors.district_participation()}
    page = selectors.proposal_list(
        filters=selectors.ProposalFilters(district=slug, order="supported"),
        page_size=10,
    )
    return render(
        request,
        "participation/district_detail.html",
        {
            "district": district,
            "row": rows.get(slug),
            "proposals": page.items,
            "contributors": selectors.district_contributors(district=district),
            "sessions": list(
                Session.objects.filter(district=district).order_by("-starts_at")[:10]
            ),
        },
    )


# --- notifications ---------------------------------------------------------------------


@login_required
def notification_settings(request):
    prefs = services.notification_settings_get(user=request.user)
    form = NotificationSettingsForm(
        request.POST or None,
        initial={
            "frequency": prefs.frequency,
            "follow_own_proposals": prefs.follow_own_proposals,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            user=request.user,
            frequency=form.cleaned_data["frequency"],
            follow_own_proposals=form.cleaned_data["follow_own_proposals"],
        )
        messages.success(request, _("Preferencias guardadas."))
        return redirect("participation:notification_settings")
    return render(request, "participation/notification_settings.html", {"form": form})


def unsubscribe(request, token):
    if request.method == "POST":
        try:
            services.unsubscribe_by_token(token=token)
        except ApplicationError as exc:
            return render(
                request,
                "participation/unsubscribe.html",
                {"error": exc.message},
                status=400,
            )
        return render(request, "participation/unsubscribe.html", {"done": True})
    return render(request, "participation/unsubscribe.html", {"token": token})


def proposal_image(request, pk, name):
    """A proposal's image, streamed from the storage (local disk or S3) by any web node."""
    from openlima.storage import public_file_response

    image = selectors.proposal_image_get_public(proposal_id=pk, name=name)
    return public_file_response(image)
