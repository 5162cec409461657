"""Helpers every Lima Honesta page shares: no-store responses, upload limits, errors."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from openlima.errors import ApplicationError

from .. import selectors
from ..forms import (
    UnlockForm,
)
from ..uploads import (
    CappedUploadHandler,
    FileRefused,
    InMemoryUploadHandler,
    clean_upload,
)


def _no_store(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
    return response


def _render(request, template, context=None, status=200):
    return _no_store(render(request, template, context or {}, status=status))


def _capped_uploads(request):
    """Attachments stay in memory (never a temporary file in clear on disk), each capped
    while it streams in; they are encrypted before anything is written."""
    request.upload_handlers = [
        CappedUploadHandler(request),
        InMemoryUploadHandler(request),
    ]


def _upload_errors(request) -> list[str]:
    errors = []
    for problem, name in getattr(request, "complaint_upload_problems", []):
        if problem == "too_big":
            errors.append(
                _("«%(name)s» supera el tamaño máximo permitido.") % {"name": name}
            )
        else:
            errors.append(_("Se enviaron demasiados archivos; no se guardó nada."))
    return errors


def _clean_files(form, field="attachments") -> list:
    """Clean every uploaded file; any refusal becomes a form error (nothing is saved)."""
    files = []
    for uploaded in form.cleaned_data.get(field) or []:
        try:
            files.append(clean_upload(uploaded))
        except FileRefused as exc:
            form.add_error(field, str(exc))
    return files


def _apply_error(form, exc: ApplicationError):
    if exc.field_errors:
        for field, messages in exc.field_errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        form.add_error(None, exc.message)
    else:
        form.add_error(None, exc.message)


def _workspace(view):
    """Staff + 2FA + integrity role + unlocked key; otherwise 403 (or the unlock page)."""

    def wrapped(request, *args, **kwargs):
        try:
            private = selectors.access_workspace_key(request=request)
        except selectors.WorkspaceLocked:
            return _render(
                request,
                "complaints/workspace/locked.html",
                {"form": UnlockForm()},
                status=403,
            )
        return view(request, private, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _in_memory_uploads(view):
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            _capped_uploads(request)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped
