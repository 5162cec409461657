"""Shared REST pieces: pagination with stable ordering and the one exception handler."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination as DrfCursorPagination
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import jsonfast
from .errors import ApplicationError, http_status


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CursorPagination(DrfCursorPagination):
    """DRF's cursor pagination where a hand-made cursor whose position does not fit the
    ordering field (base64 of `p=abc` on an integer id) is DRF's "Invalid cursor" 404,
    not a 500 from the database."""

    def paginate_queryset(self, queryset, request, view=None):
        from django.db import DataError

        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError, DataError):
            raise exceptions.NotFound(self.invalid_cursor_message) from None


def exception_handler(exc, context):
    """ApplicationError and model ValidationError become a 4xx with a message (never a 500);
    the status of a domain error comes from its class (`openlima.errors.HTTP_STATUS`)."""
    if isinstance(exc, ApplicationError):
        data = {"detail": exc.message}
        if exc.field_errors:
            data["errors"] = exc.field_errors
        return Response(data, status=http_status(exc))
    if isinstance(exc, OverflowError | DataError):
        # A number too large for the database (e.g. ?commitment=2**63 on SQLite).
        return Response(
            {"detail": _("Número fuera de rango.")}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(
                {"detail": "invalid", "errors": exc.message_dict},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, exceptions.APIException):
        response = Response({"detail": str(exc)}, status=exc.status_code)
    return response


# Accept headers under which DRF's negotiation picks the JSON renderer with no options.
_PLAIN_JSON_ACCEPT = frozenset(("", "*/*", "application/json"))


class LeanPostMixin:
    """A hot JSON write answered without DRF's request machinery (docs/performance.md,
    "Levers used"): for the common case only, the same checks and the same answer.

    The common case is a POST with no query string and no `Authorization` header, that
    accepts plain JSON, from an active user signed in with the session. Then the view's
    `lean_post(request, **kwargs)` runs on Django's own request after the very check
    DRF's SessionAuthentication makes (CSRF), and its dict is answered as
    ORJSONRenderer would, with the headers DRF adds (`Allow`, `Vary: Accept`). Anything
    else (a token, another method, `?format=`, an `Accept` that could pick another
    renderer, a CSRF failure, an anonymous visitor) goes through DRF's `dispatch`,
    which answers it exactly as before; an exception `lean_post` raises is turned into
    DRF's answer by the view's own exception handling.

    Put it before APIView in the bases. The view defines `lean_post(request, **kwargs)`
    returning the answer's dict, and still declares everything DRF and the schema need
    (permission classes, a `post` that answers `Response(self.lean_post(...))`)."""

    def _lean_applies(self, request) -> bool:
        meta = request.META
        if (
            request.method != "POST"
            or meta.get("QUERY_STRING")
            or "HTTP_AUTHORIZATION" in meta
            or meta.get("HTTP_ACCEPT", "") not in _PLAIN_JSON_ACCEPT
        ):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        try:
            SessionAuthentication().enforce_csrf(request)
        except exceptions.PermissionDenied:
            return False  # DRF's dispatch answers it with its own message
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self._lean_applies(request):
            return super().dispatch(request, *args, **kwargs)
        self.args, self.kwargs = args, kwargs
        self.headers = self.default_response_headers
        try:
            data = self.lean_post(request, **kwargs)
        except Exception as exc:  # noqa: BLE001 (handed to DRF's own handling)
            self.request = self.initialize_request(request, *args, **kwargs)
            response = self.handle_exception(exc)
            self.response = self.finalize_response(
                self.request, response, *args, **kwargs
            )
            return self.response
        response = HttpResponse(
            jsonfast.dumps_api(data), content_type="application/json"
        )
        for key, value in self.headers.items():
            response[key] = value
        return response
