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
