"""Security headers for every response, anonymity for reporter paths, staff idle timeout."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import conf
from .api_errors import is_api_path

DEFAULT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Swagger UI (self-hosted through drf-spectacular-sidecar) sets inline styles.
RELAXED_STYLE_PATHS = ("/api/v1/docs/",)


def is_anonymous_path(path: str) -> bool:
    """Paths of Lima Honesta, where nothing identifying may be kept (docs/threat-model.md)."""
    prefixes = getattr(
        settings, "ANONYMOUS_PATH_PREFIXES", ("/denuncias/", "/en/denuncias/")
    )
    return path.startswith(tuple(prefixes))


class RequestIdMiddleware:
    """Gives every request an id, put on every log line written while it runs
    (openlima.logging.RequestIdFilter) and echoed as `X-Request-ID`. The proxy's id is
    kept when it looks like one (8-128 letters, digits, `.`, `_`, `-`); anything else is
    replaced, so a client cannot inject text into the logs. Also times the request for
    the Prometheus histogram (openlima/metrics.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .logging import request_id_from, request_id_var
        from .metrics import observe_request

        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = request_id_from(incoming)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        observe_request(request, response, time.perf_counter() - started)
        response["X-Request-ID"] = request_id
        return response


class HealthzMiddleware:
    """Answers the liveness probe before any other middleware runs (docs/performance.md):
    `/healthz` needs no session, user, CSRF or locale, only proof the process serves.
    The view (openlima.views.healthz) stays: reverse() and the URL list still name it."""

    BODY = b'{"status": "ok"}'

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            response = HttpResponse(self.BODY, content_type="application/json")
            response["Cache-Control"] = (
                "max-age=0, no-cache, no-store, must-revalidate, private"
            )
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """CSP, Permissions-Policy and Referrer-Policy; strips client data on reporter paths.

    Placed first so that no later middleware, view or log line can read the client's
    address or user agent on `/denuncias/`.
    """

    STRIPPED_META = (
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
        "HTTP_FORWARDED",
        "HTTP_REFERER",
        "HTTP_VIA",
    )

    def __init__(self, get_response):
        self.get_response = get_response
        policy = dict(DEFAULT_CSP)
        policy.update(conf.content_security_policy())
        self.csp = "; ".join(f"{k} {v}" for k, v in policy.items())
        relaxed = dict(policy, **{"style-src": "'self' 'unsafe-inline'"})
        self.relaxed_csp = "; ".join(f"{k} {v}" for k, v in relaxed.items())

    def __call__(self, request):
        anonymous = is_anonymous_path(request.path)
        if anonymous:
            for key in self.STRIPPED_META:
                if key in request.META:
                    request.META[key] = ""
        response = self.get_response(request)
        if request.path.startswith(RELAXED_STYLE_PATHS):
            response.headers.setdefault("Content-Security-Policy", self.relaxed_csp)
        else:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        )
        response.headers["Referrer-Policy"] = (
            "no-referrer" if anonymous else "same-origin"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class StaffSessionTimeoutMiddleware:
    """Logs staff out after STAFF_SESSION_IDLE_TIMEOUT seconds without a request."""

    KEY = "_staff_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last and now - last > settings.STAFF_SESSION_IDLE_TIMEOUT:
                logout(request)
            else:
                request.session[self.KEY] = now
        return self.get_response(request)


class NullOriginMiddleware:
    """Lets Django's CSRF check work under `Referrer-Policy: no-referrer`.

    With that policy (docs/threat-model.md) browsers post forms with `Origin: null` and no
    Referer (or, rarely, no Origin at all), which CsrfViewMiddleware rejects on HTTPS. When
    the browser itself vouches that the
    request comes from this site (`Sec-Fetch-Site: same-origin`, a header no page can set),
    the null origin is replaced by the site's own; the CSRF token is still required.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.META.get("HTTP_ORIGIN") in (None, "null")
            and request.headers.get("Sec-Fetch-Site") == "same-origin"
        ):
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, where the API picks its language once.

    Pages take their language from the path (`/en/...`). The API has no language prefix:
    Django's middleware would pin it to Spanish and openlima.api_errors would then pick
    the language again from `Accept-Language`; under `/api/` this middleware does that
    itself (Spanish by default), and answers with the same `Vary: Accept-Language` and
    `Content-Language` (docs/performance.md, "Levers used")."""

    def process_request(self, request):
        if not is_api_path(request.path_info):
            return super().process_request(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if not is_api_path(request.path_info):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
