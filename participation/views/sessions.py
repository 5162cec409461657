"""Pages of participation sessions: list, detail, registration, closing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openlima.errors import ApplicationError

from .. import selectors, services
from ..forms import (
    ModerationForm,
    SessionCloseForm,
)
from .common import _form_errors, _require_login, _staff_gate


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
