"""The workspace of the transparency officer and the units (staff + 2FA)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlima.errors import ApplicationError, Invalid, form_add_application_error
from openlima.selectors import access_staff_area
from openlima.services import audit_log_record

from .. import selectors, services, storage
from ..forms import (
    AnswerForm,
    AssignForm,
    DeliverForm,
    DenyForm,
    DocumentForm,
    ExtendForm,
    MessageForm,
    PromoteForm,
    PublicTextForm,
    RedactForm,
    RegisterForm,
)
from ..models import ANSWERED_STATES, State
from ._common import _no_store
from .public import _file_response

# --- workspace ------------------------------------------------------------------------------


def _workspace(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access_staff_area(request=request)
        role = selectors.access_workspace(user=request.user)
        response = view(request, role, *args, **kwargs)
        return _no_store(response)

    return wrapper


@require_GET
@_workspace
def work_list(request, role):
    state = request.GET.get("estado", "open")[:20]
    return render(
        request,
        "information/workspace/list.html",
        {
            "role": role,
            "state": state,
            "states": State.choices,
            "requests": selectors.workspace_list(
                user=request.user, role=role, state=state
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@_workspace
def work_register(request, role):
    """The officer registers a request received on paper or by e-mail."""
    if role != "officer":
        raise PermissionDenied
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            info_request = services.request_register(
                actor=request.user,
                channel=data["channel"],
                received_on=data["received_on"],
                title=data["title"],
                text=data["text"],
                requester_name=data["requester_name"],
                document_type=data["document_type"],
                document_number=data["document_number"],
                address=data["address"],
                contact_email=data["contact_email"],
                delivery_form=data["delivery_form"],
                unit=data["unit"],
                show_anonymous=data["show_anonymous"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Solicitud %(number)s registrada; vence el %(due)s.")
                % {
                    "number": info_request.number,
                    "due": info_request.due_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect("information:work_detail", number=info_request.number)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "information/workspace/register.html",
        {"form": form, "business_days": selectors.response_business_days()},
        status=status,
    )


def _work_context(request, role, info_request, **forms):
    limits = services.extension_limits(info_request=info_request)
    return {
        "role": role,
        "r": info_request,
        "deadline": selectors.deadline_info(info_request=info_request),
        "limits": limits,
        "documents": list(info_request.documents.all()),
        "thread": selectors.request_messages(info_request=info_request),
        "is_open": info_request.is_open,
        "is_answered": info_request.state in ANSWERED_STATES,
        "assign_form": forms.get("assign")
        or AssignForm(initial={"unit": info_request.unit_id}, prefix="assign"),
        "extend_form": forms.get("extend") or ExtendForm(prefix="extend"),
        "answer_form": forms.get("answer") or AnswerForm(prefix="answer"),
        "deny_form": forms.get("deny") or DenyForm(prefix="deny"),
        "deliver_form": forms.get("deliver") or DeliverForm(prefix="deliver"),
        "message_form": forms.get("message") or MessageForm(prefix="message"),
        "document_form": forms.get("document") or DocumentForm(prefix="document"),
        "redact_form": RedactForm(),
        "public_text_form": forms.get("redact_text")
        or PublicTextForm(
            initial={
                "public_title": info_request.public_title,
                "public_text": info_request.public_text,
            },
            prefix="redact_text",
        ),
        "promote_form": PromoteForm(),
        "error": forms.get("error"),
    }


@require_GET
@_workspace
def work_detail(request, role, number):
    info_request = selectors.access_request_for_work(user=request.user, number=number)
    if role == "officer":
        audit_log_record(
            actor=request.user,
            action="information.read_identity",
            object_type="information.informationrequest",
            object_id=info_request.number,
        )
    return render(
        request,
        "information/workspace/detail.html",
        _work_context(request, role, info_request),
    )


ACTIONS = {
    "asignar": ("assign", AssignForm),
    "prorrogar": ("extend", ExtendForm),
    "responder": ("answer", AnswerForm),
    "denegar": ("deny", DenyForm),
    "entregar": ("deliver", DeliverForm),
    "mensaje": ("message", MessageForm),
    "documento": ("document", DocumentForm),
    "texto-publico": ("redact_text", PublicTextForm),
}


def _run(action, actor, info_request, data, files):
    if action == "assign":
        services.request_assign(
            actor=actor, info_request=info_request, unit=data["unit"]
        )
    elif action == "extend":
        services.request_extend(
            actor=actor,
            info_request=info_request,
            new_due_on=data["new_due_on"],
            reason=data["reason"],
        )
    elif action == "answer":
        services.request_answer(
            actor=actor, info_request=info_request, answer_text=data["answer_text"]
        )
    elif action == "deny":
        services.request_deny(
            actor=actor,
            info_request=info_request,
            exception=data["exception"],
            reasoning=data["reasoning"],
            partial=data["partial"],
            answer_text=data["answer_text"],
        )
    elif action == "deliver":
        services.request_deliver(
            actor=actor, info_request=info_request, cost=data["cost"], note=data["note"]
        )
    elif action == "redact_text":
        services.request_redact_text(
            actor=actor,
            info_request=info_request,
            public_title=data["public_title"],
            public_text=data["public_text"],
        )
    elif action == "message":
        services.message_post(
            actor=actor,
            info_request=info_request,
            body=data["body"],
            uploaded=data.get("attachment"),
        )
    elif action == "document":
        services.document_add(
            actor=actor,
            info_request=info_request,
            title=data["title"],
            uploaded=files["document-file"],
        )


@require_POST
@_workspace
def work_action(request, role, number, action):
    if action not in ACTIONS:
        raise Http404
    info_request = selectors.access_request_for_work(user=request.user, number=number)
    name, form_class = ACTIONS[action]
    form = form_class(request.POST, request.FILES, prefix=name)
    if form.is_valid():
        try:
            _run(name, request.user, info_request, form.cleaned_data, form.files)
        except ApplicationError as exc:
            form_add_application_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Hecho."))
            return redirect("information:work_detail", number=info_request.number)
    else:
        status = 400
    info_request.refresh_from_db()
    return render(
        request,
        "information/workspace/detail.html",
        _work_context(request, role, info_request, **{name: form, "error": name}),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@_workspace
def work_document(request, role, number, document_id, action):
    info_request = selectors.access_request_for_work(user=request.user, number=number)
    document = selectors.access_document(
        document_id=document_id, info_request=info_request
    )
    if request.method == "GET":
        return _document_file(request, info_request, document, action)
    try:
        done = _document_change(request, document, action)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        response = render(
            request,
            "information/workspace/detail.html",
            _work_context(request, role, info_request, error="document"),
            status=exc.status_code,
        )
        return response
    messages.success(request, done)
    return redirect("information:work_detail", number=info_request.number)


def _document_file(request, info_request, document, action):
    """The original (its reading audit-logged) or the redacted version of a document."""
    if action == "original":
        audit_log_record(
            actor=request.user,
            action="information.document.read_original",
            object_type="information.informationrequest",
            object_id=info_request.number,
            details={"document": document.pk},
        )
        return _file_response(
            storage.read(document.original_name),
            media_type=document.original_media_type,
            filename=document.original_filename,
        )
    if action == "redactado" and document.redacted_name:
        return _file_response(
            storage.read(document.redacted_name),
            media_type=document.redacted_media_type,
            filename=document.redacted_filename,
        )
    raise Http404


def _document_change(request, document, action) -> str:
    """Redact, publish, withdraw or catalogue a document; the message saying it is done."""
    if action == "redactar":
        form = RedactForm(request.POST, request.FILES)
        form.is_valid()
        services.document_redact(
            actor=request.user,
            document=document,
            uploaded=request.FILES.get("file"),
            same_as_original=bool(form.cleaned_data.get("same_as_original")),
        )
    elif action == "publicar":
        services.document_publish(actor=request.user, document=document)
    elif action == "retirar":
        services.document_unpublish(actor=request.user, document=document)
    elif action == "catalogo":
        form = PromoteForm(request.POST)
        if not form.is_valid():
            raise Invalid(
                _("Indique el título y la descripción del conjunto de datos.")
            )
        url = services.document_promote(
            actor=request.user,
            document=document,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
        return _("El documento ya está en el catálogo: %(url)s") % {"url": url}
    else:
        raise Http404
    return _("Hecho.")
