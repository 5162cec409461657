"""Helpers every Lima Activa page shares: redirects back, login, the staff gate.
htmx requests are told apart by django-htmx (`request.htmx`, HtmxMiddleware)."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from openlima.selectors import access_staff_area


def _back(request, fallback: str):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect(fallback)


def _require_login(request):
    """Anonymous writes go to the login page and come back to the page they came from
    (not to the POST-only URL); for htmx, the whole page navigates there."""
    if request.user.is_authenticated:
        return None
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    login_url = redirect_to_login(referer if safe else request.get_full_path()).url
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


def _staff_gate(request):
    access_staff_area(request=request)
