"""Reporter pages: the form with its challenge, the receipt, case tracking. They keep
nothing about the visitor: no session, no messages framework, no cookie but CSRF,
`Cache-Control: no-store`."""

import json

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlima.errors import ApplicationError, form_add_application_error

from .. import antiabuse, crypto, receipt, selectors, services
from ..csrf import csrf_protect_no_referrer
from ..forms import (
    CodeForm,
    ComplaintForm,
    RatingForm,
    ReplyForm,
)
from ..uploads import (
    max_attachment_bytes,
    max_attachments,
)
from .common import (
    _capped_uploads,
    _clean_files,
    _no_store,
    _render,
    _upload_errors,
)


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
            "verificationRequired": _("Falta la verificación."),
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
                form_add_application_error(form, exc)
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
    found = services.complaint_access_by_code(code=code_text)
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
                form_add_application_error(reply_form, exc)
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
