class ApplicationError(Exception):
    """A domain rule was broken. Views show `message`; the API answers 400 with it.

    `field_errors` maps a field name to a list of messages for form/API display.
    """

    def __init__(self, message, *, field_errors=None, status_code=400):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.status_code = status_code


def form_add_application_error(form, exc: ApplicationError) -> None:
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
