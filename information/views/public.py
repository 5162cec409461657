"""Public and requester pages (no JavaScript needed)."""

import io

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlima.downloads import file_response
from openlima.errors import ApplicationError, form_add_application_error
from openlima.selectors import access_staff_area

from .. import selectors, services, storage
from ..forms import (
    MessageForm,
    RequestForm,
)
from ..models import State
from ._common import _no_store, _page

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
        {
            "stats": selectors.statistics_summary(),
            "dataset_key": selectors.DATASET_KEY,
            "report_year": _report_year(None),
        },
    )


def _report_year(value) -> int | None:
    today = timezone.localdate()
    if value in (None, ""):
        return today.year - 1 if today.month <= 3 else today.year
    try:
        year = int(str(value).strip()[:6])
    except ValueError:
        return None
    return year if 2000 <= year <= today.year else None


@require_GET
def annual_report(request, fmt):
    """The annual report's figures in the national authority's layout, as CSV (the
    requests table) or XLSX (entity data, requests, units); docs/information-requests.md."""
    from openlima.exports import CSV_CONTENT_TYPE, csv_bytes

    if fmt not in ("csv", "xlsx"):
        raise Http404
    year = _report_year(request.GET.get("anio"))
    if year is None:
        return HttpResponse(
            _("Indique un año entre 2000 y el actual."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = selectors.annual_report(year=year)
    name = f"informe-anual-solicitudes-{year}"
    if fmt == "csv":
        response = HttpResponse(
            csv_bytes(report["columns"], report["rows"]),
            content_type=CSV_CONTENT_TYPE,
        )
    else:
        from ..exports import annual_report_xlsx

        response = HttpResponse(
            annual_report_xlsx(report),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


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
                form_add_application_error(form, exc)
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
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user,
                info_request=info_request,
                body=form.cleaned_data["body"],
                uploaded=form.cleaned_data.get("attachment"),
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
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


@require_GET
def message_attachment(request, number, message_id):
    """A message's attached file: for the requester, and for staff (2FA) who work on the
    request; anyone else gets 404 (the file's existence is not revealed)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.is_staff:
        access_staff_area(request=request)
    message = selectors.access_message_attachment(
        user=request.user, number=number, message_id=message_id
    )
    return _no_store(
        _file_response(
            storage.read(message.attachment_name),
            media_type=message.attachment_media_type,
            filename=message.attachment_filename,
        )
    )
