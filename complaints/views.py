"""Lima Honesta pages. Reporter pages keep nothing about the visitor: no session, no
messages framework, no cookie but CSRF, `Cache-Control: no-store`. Workspace pages are
for integrity members with 2FA and an unlocked key."""

import json

from django.contrib import messages
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlima.errors import ApplicationError
from openlima.services import audit_log_record

from . import antiabuse, crypto, receipt, selectors, services, tracker, unlock
from .csrf import csrf_protect_no_referrer
from .forms import (
    CodeForm,
    ComplaintForm,
    FilterForm,
    GrantForm,
    HandlingForm,
    PartnerForm,
    RatingForm,
    ReferForm,
    RegisterForm,
    ReplyForm,
    TextForm,
    TransitionForm,
    UnlockForm,
)
from .models import TRANSITIONS, Stage
from .uploads import (
    CappedUploadHandler,
    FileRefused,
    InMemoryUploadHandler,
    clean_upload,
    max_attachment_bytes,
    max_attachments,
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


# --- Reporter side -------------------------------------------------------------------


@require_GET
def index(request):
    return _render(
        request,
        "complaints/index.html",
        {"stats": selectors.public_statistics(), "code_form": CodeForm()},
    )


@require_GET
def altcha_challenge(request):
    return _no_store(JsonResponse(antiabuse.altcha_challenge()))


def _passes_challenge(request) -> str | None:
    """'pow' or 'text' when the request proved it is not a bot, 'wait' when the
    question was answered right but too soon for the current load, else None."""
    if antiabuse.altcha_verify(request.POST.get("altcha", "")):
        return "pow"
    result = antiabuse.text_challenge_check(
        request.POST.get("challenge_token", ""),
        request.POST.get("challenge_answer", ""),
    )
    if result == antiabuse.TEXT_OK:
        return "text"
    if result == antiabuse.TEXT_WAIT:
        return "wait"
    return None


def _challenge_message(proof) -> str:
    if proof == "wait":
        return _(
            "Estamos recibiendo muchos envíos en este momento. Su respuesta es correcta: "
            "espere un minuto y vuelva a enviar el formulario (no se guardó nada)."
        )
    return _(
        "No se pudo comprobar que no es un programa automático. Espere a que "
        "termine la verificación o responda la pregunta."
    )


def _challenge_context(request, proof=None) -> dict:
    token = request.POST.get("challenge_token", "") if proof == "wait" else ""
    return {
        "text_challenge": antiabuse.text_challenge_again(token)
        if token
        else antiabuse.text_challenge_new(),
        "altcha_strings": _altcha_strings(),
    }


def _altcha_strings() -> str:
    return json.dumps(
        {
            "label": _("No soy un robot"),
            "verified": _("Verificado"),
            "verifying": _("Verificando…"),
            "waitAlert": _("Verificando… espere un momento."),
            "error": _("La verificación falló. Responda la pregunta."),
            "expired": _("La verificación expiró. Inténtelo de nuevo."),
            "ariaLinkLabel": "ALTCHA",
        },
        ensure_ascii=False,
    )


def _body_too_big(request):
    """Parse the body now so that an oversized request gets a clear page, not a bare 400."""
    try:
        request.POST  # noqa: B018
        request.FILES  # noqa: B018
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return _render(
            request,
            "complaints/too_big.html",
            {
                "max_mb": max_attachment_bytes() // (1024 * 1024),
                "max_files": max_attachments(),
            },
            status=413,
        )
    return None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "POST":
        _capped_uploads(request)
        too_big = _body_too_big(request)
        if too_big:
            return too_big
    return _submit(request)


@csrf_protect_no_referrer
def _submit(request):
    challenge_error = ""
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES)
        for message in _upload_errors(request):
            form.add_error(None, message)
        bypass = antiabuse.bench_bypass(request)
        # The challenge first: no attachment is opened for a request that did not
        # prove it is not a bot (docs/threat-model.md, attack 3).
        proof = "pow" if bypass else _passes_challenge(request)
        proved = proof in ("pow", "text")
        valid = form.is_valid()
        files = _clean_files(form) if valid and proved else []
        if not proved:
            challenge_error = _challenge_message(proof)
        elif valid and not form.errors:
            try:
                complaint, code = services.complaint_submit(
                    body=form.body(), files=files
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                if not bypass:
                    antiabuse.submission_record(proof=proof)
                # Post/redirect/get: the receipt is its own page that survives a reload
                # (no re-post, no form refilled); the code waits for it only in the
                # browser, encrypted, for a few minutes (docs/threat-model.md).
                response = redirect("complaints:receipt")
                receipt.remember(
                    request=request,
                    response=response,
                    code=code,
                    complaint=complaint,
                    files=len(files),
                )
                return _no_store(response)
    else:
        form = ComplaintForm()
    return _render(
        request,
        "complaints/submit.html",
        {
            "form": form,
            "challenge_error": challenge_error,
            **_challenge_context(request, proof if request.method == "POST" else None),
        },
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt
@csrf_protect_no_referrer
@require_http_methods(["GET", "POST"])
def receipt_page(request):
    """The receipt after filing: readable again on reload for a few minutes; "forget"
    removes it from this browser at once."""
    if request.method == "POST":
        response = redirect("complaints:index")
        receipt.forget(response=response)
        return _no_store(response)
    data = receipt.recall(request=request)
    if data is None:
        return _render(request, "complaints/receipt_gone.html", status=404)
    return _render(request, "complaints/receipt.html", data)


def _throttled_response(request, proof=None):
    return _render(
        request,
        "complaints/track.html",
        {
            "form": CodeForm(),
            "throttled": True,
            "challenge_error": _challenge_message(proof) if proof else "",
            **_challenge_context(request, proof),
        },
        status=429,
    )


def _open_case(request, code_text: str):
    if selectors.lookup_throttled() and not antiabuse.lookup_pass_valid(
        request.POST.get("lookup_pass", ""), crypto.code_normalise(code_text)
    ):
        proof = _passes_challenge(request)
        if proof not in ("pow", "text"):
            return None, _throttled_response(request, proof)
    found = selectors.access_complaint_by_code(code=code_text)
    if found is None:
        form = CodeForm(request.POST)
        form.is_valid()
        form.add_error(
            "code",
            _("No encontramos un caso con ese código. Revise los 16 dígitos."),
        )
        return None, _render(
            request, "complaints/track.html", {"form": form}, status=404
        )
    return found, None


def _case_page(
    request,
    complaint,
    key,
    *,
    code,
    notice="",
    reply_form=None,
    rating_form=None,
    status=200,
):
    detail = selectors.complaint_detail(complaint, key, for_reporter=True)
    return _render(
        request,
        "complaints/case.html",
        {
            "complaint": complaint,
            "detail": detail,
            "code": crypto.code_format(code),
            "lookup_pass": antiabuse.lookup_pass(crypto.code_normalise(code)),
            "notice": notice,
            "reply_form": reply_form or ReplyForm(),
            "rating_form": rating_form or RatingForm(),
        },
        status=status,
    )


@csrf_exempt
@csrf_protect_no_referrer
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return _render(request, "complaints/track.html", {"form": CodeForm()})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _render(request, "complaints/track.html", {"form": form}, status=400)
    found, response = _open_case(request, form.cleaned_data["code"])
    if response:
        return response
    complaint, key = found
    code = crypto.code_normalise(form.cleaned_data["code"])
    if complaint.code_must_change:
        if request.POST.get("confirm_replace") != "1":
            # Say what will happen and wait for the reporter's go-ahead: the new code is
            # shown once, so it must not appear before they are ready to write it down.
            return _render(
                request,
                "complaints/code_replace_confirm.html",
                {"code": crypto.code_format(code)},
            )
        new_code = services.complaint_replace_code(complaint=complaint, key=key)
        return _render(
            request,
            "complaints/code_replaced.html",
            {"code": crypto.code_format(new_code)},
        )
    return _case_page(request, complaint, key, code=code)


@csrf_exempt
@require_POST
def track_action(request):
    _capped_uploads(request)
    return _body_too_big(request) or _track_action(request)


@csrf_protect_no_referrer
def _track_action(request):
    code_text = request.POST.get("code", "")
    found, response = _open_case(request, code_text)
    if response:
        return response
    complaint, key = found
    code = crypto.code_normalise(code_text)
    if complaint.code_must_change:
        return redirect("complaints:track")
    action = request.POST.get("action")
    if action == "rate":
        rating_form = RatingForm(request.POST)
        if rating_form.is_valid():
            services.complaint_rate(
                complaint=complaint, rating=rating_form.cleaned_data["rating"]
            )
            return _case_page(
                request,
                complaint,
                key,
                code=code,
                notice=_("Gracias por su valoración."),
            )
        return _case_page(
            request, complaint, key, code=code, rating_form=rating_form, status=400
        )
    reply_form = ReplyForm(request.POST, request.FILES)
    for message in _upload_errors(request):
        reply_form.add_error(None, message)
    if reply_form.is_valid():
        files = _clean_files(reply_form)
        if not reply_form.errors:
            try:
                services.reporter_message_add(
                    complaint=complaint,
                    key=key,
                    text=reply_form.cleaned_data["text"],
                    files=files,
                )
            except ApplicationError as exc:
                _apply_error(reply_form, exc)
            else:
                complaint.refresh_from_db()
                return _case_page(
                    request,
                    complaint,
                    key,
                    code=code,
                    notice=_("Su mensaje fue enviado a la Unidad de Integridad."),
                )
    return _case_page(
        request, complaint, key, code=code, reply_form=reply_form, status=400
    )


# --- Integrity unit workspace ----------------------------------------------------------


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
        "partners": (partners := list(selectors.partner_list().filter(is_active=True))),
        "refer_form": forms.get("refer_form") or ReferForm(partners=partners),
    }


@require_GET
@_workspace
def case(request, private, complaint_id):
    complaint, key = selectors.access_complaint_for_member(
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
    complaint, key = selectors.access_complaint_for_member(
        request=request,
        complaint_id=complaint_id,
        private_key=private,
        action=f"write.{action}",
    )
    forms = {}
    try:
        if action == "transition":
            allowed = sorted(TRANSITIONS[Stage(complaint.stage)], key=list(Stage).index)
            form = TransitionForm(request.POST, allowed=allowed)
            forms["transition_form"] = form
            if form.is_valid():
                services.complaint_transition(
                    complaint=complaint,
                    key=key,
                    actor=request.user,
                    **form.cleaned_data,
                )
        elif action == "message":
            form = TextForm(request.POST, prefix="message")
            forms["message_form"] = form
            if form.is_valid():
                services.complaint_message_send(
                    complaint=complaint,
                    key=key,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                )
        elif action == "note":
            form = TextForm(request.POST, prefix="note")
            forms["note_form"] = form
            if form.is_valid():
                services.complaint_note_add(
                    complaint=complaint,
                    key=key,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                )
        elif action == "refer":
            partners = selectors.partner_list().filter(is_active=True)
            form = ReferForm(request.POST, partners=partners)
            forms["refer_form"] = form
            if form.is_valid():
                tracker.referral_create(
                    complaint=complaint,
                    key=key,
                    institution=partners.get(pk=form.cleaned_data["institution"]),
                    actor=request.user,
                )
        elif action == "handling":
            form = HandlingForm(request.POST)
            forms["handling_form"] = form
            if form.is_valid():
                services.complaint_update_handling(
                    complaint=complaint,
                    actor=request.user,
                    assignee_id=form.cleaned_data["assignee"],
                    category_id=form.cleaned_data["category"],
                    priority=form.cleaned_data["priority"],
                )
        else:
            raise PermissionDenied
    except ApplicationError as exc:
        _apply_error(form, exc)
    if form.errors:
        complaint.refresh_from_db()
        return _render(
            request,
            "complaints/workspace/case.html",
            _case_context(request, private, complaint, key, **forms),
            status=400,
        )
    messages.success(request, _SUCCESS[action])
    return redirect("complaints:case", complaint_id=complaint.pk)


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
    complaint, key = selectors.access_complaint_for_member(
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
                    _apply_error(form, exc)
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
    from .models import PartnerInstitution

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
                    raise ApplicationError(_("Institución no válida."))
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
                raise ApplicationError(_("Acción no válida."))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = 400
    return _render(
        request,
        "complaints/workspace/partners.html",
        {"form": form, "partners": selectors.partner_list(), "shown": shown},
        status=status,
    )
