"""Reporter's tracking code look-up: find a case by its code at the same cost whether
the code exists or not, and tell when look-ups must carry a proof of work."""

import json

from django.core.cache import cache

from .. import conf, crypto
from ..models import Complaint

_DUMMY = {}


def _dummy_fields() -> tuple[bytes, dict]:
    params = crypto.argon2_params()
    key = json.dumps(params, sort_keys=True)
    if key not in _DUMMY:
        _DUMMY[key] = crypto.random_salt()
    return _DUMMY[key], params


def lookup_max_failures() -> int:
    return conf.lookup_max_failures()


def lookup_window() -> int:
    return conf.lookup_window_seconds()


FAIL_KEY = "complaints:lookup-failures"


def lookup_throttled() -> bool:
    """Too many failed look-ups lately (from anyone): from now on each look-up must carry
    a proof of work or an answered question (whose cost rises with the failures), until
    the window ends. Nobody is locked out, and a right code does not reset the counter
    (docs/threat-model.md, attack 4)."""
    return int(cache.get(FAIL_KEY) or 0) >= lookup_max_failures()


def complaint_find_by_code(*, code: str) -> tuple[Complaint, bytes] | None:
    """The case and its key for a reporter's code, or None (a pure read: the service
    `complaint_access_by_code` counts the failures).

    Same work whether the code exists or not: the short keyed index selects the (usually
    zero or one) candidate rows and argon2id always runs at least once, against a dummy
    when there is no candidate.
    """
    code = crypto.code_normalise(code)
    candidates = []
    if len(code) == crypto.CODE_DIGITS:
        candidates = list(
            Complaint.objects.filter(
                code_index__in=crypto.code_index_candidates(code),
                purged_at__isnull=True,
            )
        )
    found = None
    if not candidates:
        salt, params = _dummy_fields()
        crypto.code_derive(code or "0", salt, params)
    for complaint in candidates:
        verifier, reporter_key = crypto.code_derive(
            code, bytes(complaint.code_salt), complaint.code_params
        )
        if found is None and crypto.verifier_matches(complaint.code_verifier, verifier):
            try:
                key = crypto.decrypt(reporter_key, bytes(complaint.reporter_grant))
            except crypto.DecryptionError:
                continue
            found = (complaint, key)
    return found
