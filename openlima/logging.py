import logging
import re

_IP = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"  # IPv4
    r"|(?<![\w:])(?:[0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}(?![\w:])"  # full IPv6
    r"|(?<![\w:])[0-9a-f:]*::[0-9a-f:]*(?![\w:])",  # compressed IPv6 (::1, fe80::1)
    re.I,
)


class StripClientDataFilter(logging.Filter):
    """Removes client addresses from log records (docs/threat-model.md: nothing identifies a reporter).

    Django's request logging attaches the request; we drop it and mask anything that
    looks like an IP address in the message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        try:
            message = record.getMessage()
        except Exception:
            return True
        if _IP.search(message):
            record.msg = _IP.sub("[addr]", message)
            record.args = ()
        return True


# --- Request ids and JSON lines (docs/operations.md, "Logs and errors") -----------------

import contextvars  # noqa: E402
import json  # noqa: E402
import uuid  # noqa: E402

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


def request_id_from(incoming: str) -> str:
    """The proxy's id when it looks like one (8-128 letters, digits, `.`, `_`, `-`),
    else a new one: a client cannot inject text into the logs. Used by the middleware
    and by gunicorn's pre_request hook (openlima/gunicorn_hooks.py)."""
    return incoming if _REQUEST_ID.fullmatch(incoming or "") else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (openlima.middleware.RequestIdMiddleware) on every
    record as `request_id` ("-" outside a request: workers, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def mask(text: str) -> str:
    """The address masking of StripClientDataFilter, for any text."""
    return _IP.sub("[addr]", text) if isinstance(text, str) else text


def _mask_deep(value):
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _mask_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_deep(v) for v in value]
    return value


def sentry_before_send(event, hint):
    """Sentry's `before_send`: the same masking as the logs. Drops the request's headers,
    cookies, environment and the user (send_default_pii=False already keeps most of them
    out) and masks addresses anywhere else in the event."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("headers", "cookies", "env", "data", "query_string"):
            request.pop(key, None)
    event.pop("user", None)
    return _mask_deep(event)


def sentry_init(dsn: str, *, environment: str = "", traces_sample_rate: float = 0.0):
    """Error reporting to Sentry (optional: only when SENTRY_DSN is set)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=sentry_before_send,
        before_send_transaction=sentry_before_send,
        traces_sample_rate=traces_sample_rate,
    )
