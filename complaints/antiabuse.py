"""Anti-abuse without tracking: proof of work (ALTCHA) or a text question, and global
per-window counters in the cache. No address, cookie or fingerprint is ever used."""

import datetime
import hashlib
import hmac
import secrets
import time

import altcha
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from openlima.jobs import window_hit

ALTCHA_TTL = 20 * 60
TEXT_TTL = 30 * 60
NUMBERS = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
]


def _hmac_key() -> str:
    base = getattr(settings, "COMPLAINT_ALTCHA_HMAC_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"complaints-altcha:" + base.encode()).hexdigest()


def altcha_challenge() -> dict:
    expires = datetime.datetime.fromtimestamp(time.time() + ALTCHA_TTL)
    challenge = altcha.create_challenge(
        hmac_key=_hmac_key(),
        max_number=int(getattr(settings, "COMPLAINT_ALTCHA_MAX_NUMBER", 100_000)),
        expires=expires,
    )
    return challenge.to_dict()


def altcha_verify(payload: str) -> bool:
    """Valid, unexpired and never used before (replay is refused through the cache)."""
    if not payload or len(payload) > 2000:
        return False
    try:
        ok, _error = altcha.verify_solution(payload, _hmac_key(), check_expires=True)
    except Exception:
        return False
    if not ok:
        return False
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return cache.add(f"complaints:altcha-used:{digest}", 1, ALTCHA_TTL + 60)


def text_challenge_new() -> dict:
    """An accessible question for browsers without JavaScript."""
    a, b = secrets.randbelow(6) + 1, secrets.randbelow(4) + 1
    token = signing.dumps(
        {"n": secrets.token_hex(8), "a": a + b}, salt="complaints.text-challenge"
    )
    question = _("¿Cuánto es %(a)s más %(b)s? Escriba el resultado en números.") % {
        "a": NUMBERS[a],
        "b": NUMBERS[b],
    }
    return {"question": question, "token": token}


def text_challenge_verify(token: str, answer: str) -> bool:
    try:
        data = signing.loads(
            token or "", salt="complaints.text-challenge", max_age=TEXT_TTL
        )
    except signing.BadSignature:
        return False
    if not hmac.compare_digest(str(data.get("a")), (answer or "").strip()):
        return False
    return cache.add(f"complaints:text-used:{data.get('n')}", 1, TEXT_TTL + 60)


def _window_key(kind: str) -> str:
    window = int(getattr(settings, "COMPLAINT_SUBMIT_WINDOW_SECONDS", 3600))
    return f"complaints:submit:{kind}:{int(time.time() // window)}", window


def _take(kind: str, limit: int) -> bool:
    key, window = _window_key(kind)
    return window_hit(key, window=window + 60) <= limit


def submission_allowed(*, proof: str) -> bool:
    """Global window limits; the no-JavaScript path has its own, stricter one."""
    total = int(getattr(settings, "COMPLAINT_SUBMISSIONS_PER_WINDOW", 300))
    if proof == "text":
        nojs = int(getattr(settings, "COMPLAINT_NOJS_SUBMISSIONS_PER_WINDOW", 30))
        if not _take("text", nojs):
            return False
    return _take("all", total)


def bench_bypass(request) -> bool:
    """Benchmarks only: skip proof of work and window limits when a secret header matches
    the setting COMPLAINT_BENCH_TOKEN, which only the bench settings module
    (openlima/settings/bench.py) defines; no environment variable is read here, and the
    base and production settings have no such setting (docs/threat-model.md, attack 6).
    """
    token = getattr(settings, "COMPLAINT_BENCH_TOKEN", "") or ""
    if len(token) < 24:
        return False
    sent = request.headers.get("X-Complaints-Bench-Token", "")
    return hmac.compare_digest(sent.encode(), token.encode())
