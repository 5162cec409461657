"""Domain errors. Services and selectors raise them without knowing about HTTP; the one
mapping to HTTP statuses is `HTTP_STATUS` below, used by the API's exception handler
(`openlima.api.exception_handler`) and by views through `http_status()`."""

from typing import TYPE_CHECKING, Any

from django.forms import BaseForm

if TYPE_CHECKING:  # the stubs' type of a lazy translation; nothing at run time
    from django_stubs_ext import StrPromise


class ApplicationError(Exception):
    """A domain rule was broken. Views show `message`; the API answers 4xx with it.

    `field_errors` maps a field name to a list of messages for form/API display.
    Raise the subclass that says what went wrong (`Invalid`, `NotFound`, `Forbidden`,
    `Conflict`, `Throttled`); `status_code` is read from the mapping below, so no
    service or selector names an HTTP status.
    """

    def __init__(
        self,
        message: "str | StrPromise",
        *,
        field_errors: dict[str, list[Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}

    @property
    def status_code(self) -> int:
        return http_status(self)


class Invalid(ApplicationError):
    """The input breaks a rule (a field, a format, a limit)."""


class NotFound(ApplicationError):
    """The thing asked for does not exist, or is not visible to the person asking."""


class Forbidden(ApplicationError):
    """The person asking may not do this."""


class Conflict(ApplicationError):
    """The thing is not in a state that allows this (closed, already done, taken)."""


class Throttled(ApplicationError):
    """Too many attempts in a short time."""


HTTP_STATUS: dict[type[ApplicationError], int] = {
    Invalid: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Throttled: 429,
}


def http_status(exc: ApplicationError) -> int:
    """The HTTP status of a domain error: by its class (the base class answers 400)."""
    for cls in type(exc).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def form_add_application_error(form: BaseForm, exc: ApplicationError) -> None:
    """Show a refused write on the form it came from (the one way every view does it).

    Each field error goes on its field (on the form as a whole when the form has no
    such field), then the error's message on the form as a whole, unless that same
    text is already there. The page's error summary lists both.
    """
    for name, messages in exc.field_errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    if str(exc.message) not in [str(e) for e in form.non_field_errors()]:
        form.add_error(None, exc.message)
