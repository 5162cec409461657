"""Workspace pages for integrity members with 2FA and an unlocked key: cases and
their actions, attachments."""

from django.contrib import messages
from django.core.exceptions import (
    PermissionDenied,
)
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from openlima.errors import ApplicationError, form_add_application_error
from openlima.services import audit_log_record

from .. import selectors, services, tracker, unlock
from ..csrf import csrf_protect_no_referrer
from ..forms import (
    FilterForm,
    HandlingForm,
    ReferForm,
    TextForm,
    TransitionForm,
    UnlockForm,
)
from ..models import TRANSITIONS, Stage
from .common import _no_store, _quote, _render, _workspace


@csrf_exempt
@csrf_protect_no_referrer
@require_POST
def workspace_unlock(request):
    """Unlock (or create) the member's key with their password in this session."""
    selectors.access_workspace(request=request)
    form = UnlockForm(request.POST)
    if selectors.unlock_attempts_exhausted(user=request.user):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Demasiados intentos fallidos. Por seguridad, espere 15 minutos antes de "
                "volver a intentarlo."
            ),
        )
        return _render(
            request, "complaints/workspace/locked.html", {"form": form}, status=429
        )
    if not form.is_valid() or not request.user.check_password(
        form.cleaned_data["password"]
    ):
        if form.is_valid():
            form.add_error("password", _("Contraseña incorrecta."))
            services.unlock_failed(user=request.user)
        return _render(
            request, "complaints/workspace/locked.html", {"form": form}, status=403
        )
    private = services.member_key_unlock(
        user=request.user, password=form.cleaned_data["password"]
    )
    wrap_key = unlock.wrap_into_session(request=request, private_key=private)
    response = redirect("complaints:workspace")
    unlock.set_cookie(request=request, response=response, wrap_key=wrap_key)
    return _no_store(response)


@require_GET
@_workspace
def workspace(request, private):
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    complaints = list(
        selectors.complaint_list(member=request.user, filters=filters)[:200]
    )
    rows = [
        {"complaint": c, "overdue": selectors.complaint_overdue(c)} for c in complaints
    ]
    audit_log_record(
        actor=request.user,
        action="complaints.complaint.list",
        object_type="complaints.complaint",
        details={k: str(v) for k, v in filters.items() if v},
    )
    return _render(
        request,
        "complaints/workspace/list.html",
        {"form": form, "rows": rows},
    )


def _case_context(request, private, complaint, key, **forms):
    allowed = sorted(TRANSITIONS[Stage(complaint.stage)], key=list(Stage).index)
    return {
        "complaint": complaint,
        "detail": selectors.complaint_detail(complaint, key, for_reporter=False),
        "overdue": selectors.complaint_overdue(complaint),
        "transition_form": forms.get("transition_form")
        or TransitionForm(allowed=allowed),
        "message_form": forms.get("message_form") or TextForm(prefix="message"),
        "note_form": forms.get("note_form") or TextForm(prefix="note"),
        "handling_form": forms.get("handling_form")
        or HandlingForm(
            initial={
                "assignee": str(complaint.assignee_id or ""),
                "category": str(complaint.category_id or ""),
                "priority": complaint.priority,
            }
        ),
        "allowed": allowed,
        "partners": (partners := list(_active_partners())),
        "refer_form": forms.get("refer_form") or ReferForm(partners=partners),
    }


@require_GET
@_workspace
def case(request, private, complaint_id):
    complaint, key = services.complaint_access_for_member(
        request=request, complaint_id=complaint_id, private_key=private
    )
    return _render(
        request,
        "complaints/workspace/case.html",
        _case_context(request, private, complaint, key),
    )


@csrf_exempt
@csrf_protect_no_referrer
@require_POST
@_workspace
def case_action(request, private, complaint_id, action):
    complaint, key = services.complaint_access_for_member(
        request=request,
        complaint_id=complaint_id,
        private_key=private,
        action=f"write.{action}",
    )
    form_name, form = _action_form(request, complaint, action)
    try:
        if form.is_valid():
            _action_apply(
                action,
                form.cleaned_data,
                complaint=complaint,
                key=key,
                actor=request.user,
            )
    except ApplicationError as exc:
        form_add_application_error(form, exc)
    if form.errors:
        complaint.refresh_from_db()
        return _render(
            request,
            "complaints/workspace/case.html",
            _case_context(request, private, complaint, key, **{form_name: form}),
            status=400,
        )
    messages.success(request, _SUCCESS[action])
    return redirect("complaints:case", complaint_id=complaint.pk)


def _action_form(request, complaint, action):
    """The posted form of a case action, with the name the case page shows it under;
    an unknown action is refused."""
    if action == "transition":
        allowed = sorted(TRANSITIONS[Stage(complaint.stage)], key=list(Stage).index)
        return "transition_form", TransitionForm(request.POST, allowed=allowed)
    if action == "message":
        return "message_form", TextForm(request.POST, prefix="message")
    if action == "note":
        return "note_form", TextForm(request.POST, prefix="note")
    if action == "refer":
        return "refer_form", ReferForm(request.POST, partners=_active_partners())
    if action == "handling":
        return "handling_form", HandlingForm(request.POST)
    raise PermissionDenied


def _action_apply(action, data, *, complaint, key, actor):
    """The write a valid case-action form asks for."""
    if action == "transition":
        services.complaint_transition(complaint=complaint, key=key, actor=actor, **data)
    elif action == "message":
        services.complaint_message_send(
            complaint=complaint, key=key, actor=actor, text=data["text"]
        )
    elif action == "note":
        services.complaint_note_add(
            complaint=complaint, key=key, actor=actor, text=data["text"]
        )
    elif action == "refer":
        tracker.referral_create(
            complaint=complaint,
            key=key,
            institution=_active_partners().get(pk=data["institution"]),
            actor=actor,
        )
    elif action == "handling":
        services.complaint_update_handling(
            complaint=complaint,
            actor=actor,
            assignee_id=data["assignee"],
            category_id=data["category"],
            priority=data["priority"],
        )


def _active_partners():
    """The partner institutions a case can be referred to."""
    return selectors.partner_list().filter(is_active=True)


_SUCCESS = {
    "transition": gettext_lazy("Etapa cambiada."),
    "message": gettext_lazy("Mensaje enviado a la persona denunciante."),
    "note": gettext_lazy("Nota interna guardada."),
    "handling": gettext_lazy("Asignación, categoría y prioridad guardadas."),
    "refer": gettext_lazy(
        "Caso derivado. La institución informará sus avances con la referencia "
        "que aparece en «Seguimiento de las instituciones»."
    ),
}


@require_GET
@_workspace
def attachment(request, private, complaint_id, attachment_id):
    complaint, key = services.complaint_access_for_member(
        request=request,
        complaint_id=complaint_id,
        private_key=private,
        action="attachment.read",
    )
    meta, data = selectors.attachment_read(
        complaint=complaint, key=key, attachment_id=attachment_id
    )
    response = HttpResponse(data, content_type=meta["mime"])
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quote(
        meta["name"]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)
