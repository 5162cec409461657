"""Helpers shared by the pages of this package."""

from openlima.errors import ApplicationError


def _form_errors(form, exc: ApplicationError) -> None:
    for name, errs in exc.field_errors.items():
        for err in errs:
            form.add_error(name if name in form.fields else None, err)
    if not exc.field_errors:
        form.add_error(None, exc.message)


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _page(value) -> int:
    try:
        return max(1, min(int(value), 10000))
    except (TypeError, ValueError):
        return 1
