"""Workspace pages to register phone or e-mail complaints, manage members and partners."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from openlima.errors import ApplicationError, Invalid, form_add_application_error

from .. import crypto, selectors, services, tracker
from ..csrf import csrf_protect_no_referrer
from ..forms import (
    GrantForm,
    PartnerForm,
    RegisterForm,
)
from .common import (
    _clean_files,
    _in_memory_uploads,
    _render,
    _upload_errors,
    _workspace,
)


@csrf_exempt
@_in_memory_uploads
@csrf_protect_no_referrer
@require_http_methods(["GET", "POST"])
@_workspace
def register(request, private):
    """A member files an e-mail or phone complaint; the code must be replaced at first use."""
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES)
        for message in _upload_errors(request):
            form.add_error(None, message)
        if form.is_valid() and not form.errors:
            files = _clean_files(form)
            if not form.errors:
                try:
                    complaint, code = services.complaint_submit(
                        body=form.body(),
                        files=files,
                        channel=form.cleaned_data["channel"],
                        registered_by=request.user,
                    )
                except ApplicationError as exc:
                    form_add_application_error(form, exc)
                else:
                    return _render(
                        request,
                        "complaints/workspace/registered.html",
                        {"complaint": complaint, "code": crypto.code_format(code)},
                    )
    else:
        form = RegisterForm()
    return _render(
        request,
        "complaints/workspace/register.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt
@csrf_protect_no_referrer
@require_http_methods(["GET", "POST"])
@_workspace
def members(request, private):
    error = ""
    if request.method == "POST":
        form = GrantForm(request.POST)
        grantee = (
            services.integrity_members().filter(pk=form.cleaned_data["grantee"]).first()
            if form.is_valid()
            else None
        )
        if grantee is None:
            error = _("Miembro no válido.")
        else:
            try:
                count = services.member_grant_access(
                    granter=request.user, granter_private=private, grantee=grantee
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("Llave aprobada y acceso concedido a %(count)s casos.")
                    % {"count": count},
                )
                return redirect(reverse("complaints:members"))
    return _render(
        request,
        "complaints/workspace/members.html",
        {"members": selectors.member_list(), "error": error},
        status=400 if error else 200,
    )


@csrf_exempt
@csrf_protect_no_referrer
@require_http_methods(["GET", "POST"])
@_workspace
def partners(request, private):
    """Partner institutions and their API credentials: a secret is shown once, on the
    page that answers its creation or rotation (docs/complaints-tracker.md)."""
    from ..models import PartnerInstitution

    form = PartnerForm()
    shown = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                form = PartnerForm(request.POST)
                if form.is_valid():
                    institution, secret = tracker.partner_create(
                        actor=request.user, **form.cleaned_data
                    )
                    shown = {"institution": institution, "secret": secret}
                else:
                    status = 400
            elif action in ("rotate", "revoke"):
                institution = PartnerInstitution.objects.filter(
                    pk=request.POST.get("institution") or 0
                ).first()
                if institution is None:
                    raise Invalid(_("Institución no válida."))
                if action == "rotate":
                    secret = tracker.partner_rotate(
                        actor=request.user, institution=institution
                    )
                    shown = {"institution": institution, "secret": secret}
                else:
                    tracker.partner_revoke(actor=request.user, institution=institution)
                    messages.success(request, _("Credencial revocada."))
                    return redirect(reverse("complaints:partners"))
            else:
                raise Invalid(_("Acción no válida."))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = 400
    return _render(
        request,
        "complaints/workspace/partners.html",
        {"form": form, "partners": selectors.partner_list(), "shown": shown},
        status=status,
    )
