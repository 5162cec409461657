"""Helpers every Lima Activa page shares: htmx detection, redirects back, form errors, login."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from openlima.errors import ApplicationError
from openlima.selectors import access_staff_area


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


def _staff_gate(request):
    access_staff_area(request=request)
