class ApplicationError(Exception):
    """A domain rule was broken. Views show `message`; the API answers 400 with it.

    `field_errors` maps a field name to a list of messages for form/API display.
    """

    def __init__(self, message, *, field_errors=None, status_code=400):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.status_code = status_code
