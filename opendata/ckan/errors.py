"""Errors of CKAN's Action API, each with its CKAN `__type` and HTTP status."""


class ActionError(Exception):
    status = 400
    type = "Bad Request"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def as_dict(self):
        body = {"__type": self.type, "message": self.message}
        body.update(self.fields)
        return body


class NotFound(ActionError):
    status = 404
    type = "Not Found Error"


class ValidationError(ActionError):
    """CKAN's validation error: the field errors beside `__type`, no `message`."""

    status = 409
    type = "Validation Error"

    def as_dict(self):
        return {"__type": self.type, **self.fields}


class SearchQueryError(ActionError):
    status = 400
    type = "Search Query Error"


class NotAuthorized(ActionError):
    status = 403
    type = "Authorization Error"
