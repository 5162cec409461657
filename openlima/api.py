"""Shared REST pieces: pagination with stable ordering and the one exception handler."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination as DrfCursorPagination
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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
