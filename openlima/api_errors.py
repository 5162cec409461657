"""No HTML under /api/ (docs/opendata-api.md): the error pages of the machine endpoints
are JSON, in the envelope of the API that was called, and input that no endpoint can
use (a NUL byte in the query string) is refused with a 400 before any view runs.

- `/api/3/...`, `/api/action/...`: CKAN's envelope `{"help", "success": false,
  "error": {"__type", "message"}}`;
- the rest of `/api/` (the REST API `/api/v1/`): DRF's `{"detail": ...}`;
- other paths: Django's own error pages (a NUL byte in the query string still answers
  400 instead of reaching the database)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from . import conf

logger = logging.getLogger(__name__)

CKAN_PREFIXES = ("/api/3", "/api/action", "/api/2")


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def is_ckan_path(path: str) -> bool:
    return path.startswith(CKAN_PREFIXES)


CKAN_TYPES = {
    400: "Bad Request",
    403: "Authorization Error",
    404: "Not Found Error",
    405: "Bad Request",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

# Seconds a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 10


def is_database_outage(exc: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (a restart, a
    failover): not a bug of the request, so it answers 503, not 500."""
    return isinstance(exc, (OperationalError, InterfaceError))


def service_unavailable(request) -> HttpResponse:
    """503 with `Retry-After`: JSON under /api/, a plain HTML page elsewhere. Rendered
    without the request's context processors, which would ask the database again
    (docs/operations.md, "Faults")."""
    if is_api_path(request.path):
        response = api_error(
            request,
            503,
            _("El servicio no está disponible por un momento. Vuelva a intentarlo."),
        )
    else:
        response = HttpResponse(
            loader.render_to_string("503.html"),
            status=503,
            content_type="text/html; charset=utf-8",
        )
        response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def api_error(request, status: int, message: str) -> JsonResponse:
    """The JSON error of the API `request` was sent to."""
    if is_ckan_path(request.path):
        base = conf.public_base_url()
        body = {
            "help": f"{base}/api/3/action/help_show",
            "success": False,
            "error": {
                "__type": CKAN_TYPES.get(status, "Bad Request"),
                "message": message,
            },
        }
    else:
        body = {"detail": message}
    response = JsonResponse(
        body, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response


def _has_nul(request) -> bool:
    raw = request.META.get("QUERY_STRING", "")
    if "%00" in raw or "\x00" in raw:
        return True
    return any(
        "\x00" in text for key, values in request.GET.lists() for text in (key, *values)
    )


class ApiErrorMiddleware:
    """Refuses NUL bytes in the query string (400) everywhere; under /api/ turns any
    uncaught exception into the API's JSON 500 rather than the HTML error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API's language (Accept-Language, Spanish by default) is picked by
        # openlima.middleware.LocaleMiddleware.
        if _has_nul(request):
            if is_api_path(request.path):
                return api_error(
                    request, 400, _("La consulta contiene un carácter no válido (NUL).")
                )
            return HttpResponseBadRequest(
                _("La consulta contiene un carácter no válido (NUL)."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            # One line, no traceback or error text (it names hosts and users).
            logger.warning(
                "Database unavailable (%s): %s", type(exception).__name__, request.path
            )
            return service_unavailable(request)
        if not is_api_path(request.path):
            return None
        logger.exception("Unhandled error under /api/: %s", request.path)
        return api_error(request, 500, _("Error interno del servidor."))


def bad_request(request, exception=None):
    if is_api_path(request.path):
        return api_error(request, 400, _("Solicitud incorrecta."))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if is_api_path(request.path):
        return api_error(request, 403, _("No tiene permiso para realizar esta acción."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api_path(request.path):
        return api_error(request, 404, _("No encontrado."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    # Django calls this inside its `except` block: an outage raised by a middleware
    # (a session or user lookup) is still a 503, not a 500.
    if is_database_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    if is_api_path(request.path):
        return api_error(request, 500, _("Error interno del servidor."))
    return defaults.server_error(request)
