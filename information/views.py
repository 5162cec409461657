"""Access-to-information pages: thin views over selectors and services. No JavaScript needed."""

import io
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlima.downloads import file_response
from openlima.errors import ApplicationError
from openlima.selectors import access_staff_area
from openlima.services import audit_log_record

from . import selectors, services, storage
from .forms import (
    AnswerForm,
    AssignForm,
    DeliverForm,
    DenyForm,
    DocumentForm,
    ExtendForm,
    MessageForm,
    PromoteForm,
    RedactForm,
    RequestForm,
)
from .models import ANSWERED_STATES, State


def _form_errors(form, exc: ApplicationError) -> None:
    for name, errs in exc.field_errors.items():
        for err in errs:
            form.add_error(name if name in form.fields else None, err)
    if not exc.field_errors:
        form.add_error(None, exc.message)


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _page(value) -> int:
    try:
        return max(1, min(int(value), 10000))
    except (TypeError, ValueError):
        return 1


# --- public ------------------------------------------------------------------------------


@require_GET
def index(request):
    q = request.GET.get("q", "")[:200].replace("\x00", "")
    state = request.GET.get("estado", "")[:20]
    page = selectors.public_request_list(
        q=q, state=state, page=_page(request.GET.get("page"))
    )
    return render(
        request,
        "information/index.html",
        {
            "page": page,
            "q": q,
            "state": state,
            "states": State.choices,
            "can_file": selectors.user_can_file(user=request.user),
        },
    )


@require_GET
def detail(request, number):
    info_request = selectors.access_request_public(number=number)
    return render(
        request,
        "information/detail.html",
        {
            "r": info_request,
            "requester_label": selectors.requester_label(info_request=info_request),
            "deadline": selectors.deadline_info(info_request=info_request),
            "documents": selectors.public_documents(info_request=info_request),
            "is_requester": selectors.user_is_requester(
                user=request.user, info_request=info_request
            ),
        },
    )


@require_http_methods(["GET", "HEAD"])
def public_document(request, number, document_id):
    """A published (redacted) document with ETag / Last-Modified (304) and byte ranges
    (openlima/downloads.py). The redacted copy is stored under a new random name each
    time it is replaced, so that name is the validator."""
    document = selectors.access_public_document(number=number, document_id=document_id)
    data = storage.read(document.redacted_name)
    response, _counts = file_response(
        request,
        handle=io.BytesIO(data),
        size=len(data),
        etag=f"doc-{document.redacted_name.rsplit('.', 1)[0][:64]}",
        last_modified=document.redacted_at or document.published_at,
        filename=document.redacted_filename or "documento",
        media_type=document.redacted_media_type or "application/octet-stream",
    )
    response["Cache-Control"] = "public, no-cache"
    return response


def _file_response(data: bytes, *, media_type: str, filename: str):
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename or "documento"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def statistics(request):
    return render(
        request,
        "information/statistics.html",
        {"stats": selectors.statistics_summary(), "dataset_key": selectors.DATASET_KEY},
    )


# --- requester ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def file_request(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    can_file = selectors.user_can_file(user=request.user)
    form = RequestForm(request.POST or None)
    suggestions = None
    if request.method == "POST" and can_file:
        query = f"{request.POST.get('title', '')} {request.POST.get('text', '')}"
        query = query.replace("\x00", "")[:200]
        if "suggest" in request.POST:
            # Looking for existing answers is not filing: no field is required yet.
            form.errors.clear()
            suggestions = selectors.suggestions(
                query=query, title=request.POST.get("title", "").replace("\x00", "")
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                info_request = services.request_file(
                    user=request.user,
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
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Su solicitud %(number)s fue registrada.")
                    % {"number": info_request.number},
                )
                return redirect("information:track", number=info_request.number)
    status = 403 if not can_file else (400 if form.is_bound and form.errors else 200)
    return _no_store(
        render(
            request,
            "information/file.html",
            {
                "form": form,
                "can_file": can_file,
                "suggestions": suggestions,
                "cost_per_page": selectors.copy_cost_per_page(),
                "business_days": selectors.response_business_days(),
            },
            status=status,
        )
    )


@require_GET
def my_requests(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _no_store(
        render(
            request,
            "information/mine.html",
            {"requests": list(selectors.requests_of(user=request.user))},
        )
    )


def _track_context(request, info_request, **extra):
    return {
        "r": info_request,
        "deadline": selectors.deadline_info(info_request=info_request),
        "documents": selectors.public_documents(info_request=info_request),
        "thread": selectors.request_messages(info_request=info_request),
        "message_form": extra.get("message_form") or MessageForm(),
        "can_appeal": info_request.is_overdue
        or info_request.state in (State.DENIED, State.PARTIALLY_DENIED),
    }


@require_GET
def track(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    info_request = selectors.access_request_as_requester(
        user=request.user, number=number
    )
    return _no_store(
        render(request, "information/track.html", _track_context(request, info_request))
    )


@require_POST
def track_message(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    info_request = selectors.access_request_as_requester(
        user=request.user, number=number
    )
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user,
                info_request=info_request,
                body=form.cleaned_data["body"],
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Mensaje enviado."))
            return redirect("information:track", number=number)
    return _no_store(
        render(
            request,
            "information/track.html",
            _track_context(request, info_request, message_form=form),
            status=400,
        )
    )


@require_GET
def appeal_letter(request, number):
    """A prefilled appeal to the Tribunal de Transparencia (the requester's own data)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    info_request = selectors.access_request_as_requester(
        user=request.user, number=number
    )
    if not (
        info_request.is_overdue
        or info_request.state in (State.DENIED, State.PARTIALLY_DENIED)
    ):
        raise Http404
    text = render_to_string(
        "information/appeal.txt",
        {
            "r": info_request,
            "deadline": selectors.deadline_info(info_request=info_request),
            "today": timezone.localdate(),
        },
        request=request,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="apelacion-{info_request.number}.txt"'
    )
    return _no_store(response)


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
    elif action == "message":
        services.message_post(actor=actor, info_request=info_request, body=data["body"])
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
            _form_errors(form, exc)
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
    try:
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
                raise ApplicationError(
                    _("Indique el título y la descripción del conjunto de datos.")
                )
            url = services.document_promote(
                actor=request.user,
                document=document,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
            messages.success(
                request,
                _("El documento ya está en el catálogo: %(url)s") % {"url": url},
            )
            return redirect("information:work_detail", number=info_request.number)
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
        response = render(
            request,
            "information/workspace/detail.html",
            _work_context(request, role, info_request, error="document"),
            status=exc.status_code,
        )
        return response
    messages.success(request, _("Hecho."))
    return redirect("information:work_detail", number=info_request.number)
