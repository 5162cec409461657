"""Anti-abuse without tracking: proof of work (ALTCHA) or a text question whose cost rises
with the service's load. No address, cookie or fingerprint is ever used."""

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time

# ALTCHA protocol v2 on both sides: altcha-lib-py 2.x's unprefixed API and the vendored
# widget 3.x (static/complaints/vendor/altcha-3.2.2). Upgrade both sides together
# (docs/operations.md, "Dependencies").
import altcha
import nacl.exceptions
import nacl.secret
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from openlima.jobs import window_hit

from . import conf

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
    base = conf.altcha_hmac_key()
    return hashlib.sha256(b"complaints-altcha:" + base.encode()).hexdigest()


def _hmac_derived_key() -> str:
    """Signs the expected solution inside the challenge (`keySignature`), so a proof is
    checked with one HMAC instead of re-deriving the key."""
    base = conf.altcha_hmac_key()
    return hashlib.sha256(b"complaints-altcha-key:" + base.encode()).hexdigest()


# --- Load: how many submissions/look-ups the whole service saw in the last minutes -------
# One client cannot close a channel for everyone: instead of a hard window that refuses
# every reporter once a flood filled it, the cost of each proof rises with the load (the
# proof of work gets harder, the no-JavaScript question must wait longer before it is
# accepted). docs/threat-model.md, attack 4.

LOAD_WINDOW = 60


def _load_key(kind: str, offset: int = 0) -> str:
    return f"complaints:load:{kind}:{int(time.time() // LOAD_WINDOW) - offset}"


def load_hit(kind: str) -> None:
    window_hit(_load_key(kind), window=LOAD_WINDOW * 3)


def load(kind: str) -> int:
    """Hits of `kind` in this minute and the previous one."""
    values = cache.get_many([_load_key(kind), _load_key(kind, 1)])
    return sum(int(v or 0) for v in values.values())


def load_step() -> int:
    return conf.load_step()


def _level(hits: int) -> int:
    """0 under normal load, then one level per COMPLAINT_LOAD_STEP hits, at most 6."""
    return min(6, hits // load_step())


def altcha_max_number() -> int:
    base = conf.altcha_max_number()
    return base * 2 ** _level(load("submit") + load("lookup-fail"))


# One SHA-256 per try, the browser searching counters 0, 1, 2… for the one the server
# drew below altcha_max_number(): the same cost per try as protocol v1, so the load
# levels keep their meaning (widget 3.x's `sha` worker; docs/operations.md).
ALTCHA_ALGORITHM = "SHA-256"


def altcha_challenge() -> dict:
    challenge = altcha.create_challenge(
        ALTCHA_ALGORITHM,
        1,
        counter=secrets.randbelow(altcha_max_number()),
        expires_at=int(time.time()) + ALTCHA_TTL,
        hmac_secret=_hmac_key(),
        hmac_key_secret=_hmac_derived_key(),
    )
    return challenge.to_dict()


def _altcha_signature(payload: str) -> str | None:
    try:
        data = json.loads(base64.b64decode(payload.encode(), validate=False))
        signature = data["challenge"]["signature"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    return signature if isinstance(signature, str) and signature else None


def _use_once(key: str, ttl: int) -> bool:
    """True the first time `key` is spent, False on every later try (any web node).
    The cache would say "already used" whenever Redis is down and close intake."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .models import UsedProof

    now = timezone.now()
    UsedProof.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedProof.objects.create(
                key=key, expires_at=now + datetime.timedelta(seconds=ttl)
            )
    except IntegrityError:
        return False
    return True


def altcha_verify(payload: str) -> bool:
    """Valid, unexpired and never used before. "Used" is keyed on the challenge's
    signature (which covers its salt), not on the payload's bytes: the same solution
    re-encoded (other JSON spacing or key order, other base64) is the same challenge."""
    if not payload or len(payload) > 2000:
        return False
    try:
        result = altcha.verify_solution(
            payload, _hmac_key(), hmac_key_secret=_hmac_derived_key()
        )
        ok = result.verified
    except Exception:
        return False
    signature = _altcha_signature(payload) if ok else None
    if signature is None:
        return False
    digest = hashlib.sha256(signature.encode()).hexdigest()
    return _use_once(f"altcha:{digest}", ALTCHA_TTL + 60)


# --- The no-JavaScript question ------------------------------------------------------------
# Its token is encrypted (not only signed): the answer is not readable from the page.


def _text_box() -> nacl.secret.SecretBox:
    key = hashlib.sha256(b"complaints-text-challenge:" + settings.SECRET_KEY.encode())
    return nacl.secret.SecretBox(key.digest())


def _text_token(data: dict) -> str:
    raw = _text_box().encrypt(json.dumps(data).encode())
    return base64.urlsafe_b64encode(bytes(raw)).decode()


def text_token_read(token: str) -> dict | None:
    try:
        raw = base64.urlsafe_b64decode((token or "").encode())
        data = json.loads(_text_box().decrypt(raw))
    except (ValueError, TypeError, nacl.exceptions.CryptoError):
        return None
    return data if isinstance(data, dict) else None


def text_challenge_new() -> dict:
    """An accessible question for browsers without JavaScript."""
    a, b = secrets.randbelow(6) + 1, secrets.randbelow(4) + 1
    token = _text_token(
        {"n": secrets.token_hex(8), "a": a + b, "q": [a, b], "t": int(time.time())}
    )
    return {"question": _question(a, b), "token": token}


def text_challenge_again(token: str) -> dict:
    """The same question again (after TEXT_WAIT), else a new one."""
    data = text_token_read(token)
    try:
        a, b = (int(n) for n in data["q"])
        return {"question": _question(a, b), "token": token}
    except (TypeError, KeyError, ValueError, IndexError):
        return text_challenge_new()


def _question(a: int, b: int) -> str:
    return _("¿Cuánto es %(a)s más %(b)s? Escriba el resultado en números.") % {
        "a": NUMBERS[a % len(NUMBERS)],
        "b": NUMBERS[b % len(NUMBERS)],
    }


def text_min_age() -> int:
    """Seconds a question must have been on screen before its answer is accepted: none
    under normal load, then doubling with each load level (a person takes minutes to
    write a complaint; a bot that floods the channel has to wait)."""
    level = _level(load("text") + load("lookup-fail"))
    if level == 0:
        return 0
    base = conf.nojs_base_wait_seconds()
    return min(TEXT_TTL // 2, base * 2 ** (level - 1))


TEXT_OK, TEXT_WAIT, TEXT_BAD = "ok", "wait", "bad"


def text_challenge_check(token: str, answer: str) -> str:
    """TEXT_OK (and the question is used up), TEXT_WAIT (right answer, asked too
    recently for the current load: try again shortly, the question stays valid) or
    TEXT_BAD."""
    data = text_token_read(token)
    if data is None:
        return TEXT_BAD
    age = time.time() - float(data.get("t") or 0)
    if not 0 <= age <= TEXT_TTL:
        return TEXT_BAD
    if not hmac.compare_digest(str(data.get("a")), (answer or "").strip()):
        return TEXT_BAD
    if age < text_min_age():
        return TEXT_WAIT
    if not _use_once(f"text:{data.get('n')}", TEXT_TTL + 60):
        return TEXT_BAD
    return TEXT_OK


def text_challenge_verify(token: str, answer: str) -> bool:
    return text_challenge_check(token, answer) == TEXT_OK


PASS_TTL = 30 * 60


def lookup_pass(code: str) -> str:
    """Given with a case page: the reporter's next actions on that page (reply, rating)
    with the same code need no new proof while look-ups are challenged. Bound to the
    code (a hash of it, encrypted), so it is useless for trying other codes."""
    digest = hashlib.sha256(b"complaints-pass:" + code.encode()).hexdigest()[:32]
    return _text_token({"c": digest, "t": int(time.time())})


def lookup_pass_valid(token: str, code: str) -> bool:
    data = text_token_read(token)
    if not data:
        return False
    digest = hashlib.sha256(b"complaints-pass:" + code.encode()).hexdigest()[:32]
    age = time.time() - float(data.get("t") or 0)
    return 0 <= age <= PASS_TTL and hmac.compare_digest(str(data.get("c")), digest)


def submission_record(*, proof: str) -> None:
    """Count an accepted submission towards the load (raises the next proofs' cost)."""
    load_hit("submit")
    if proof == "text":
        load_hit("text")


def bench_bypass(request) -> bool:
    """Benchmarks only: skip proof of work and window limits when a secret header matches
    the setting COMPLAINT_BENCH_TOKEN, which only the bench settings module
    (config/settings/bench.py) defines; no environment variable is read here, and the
    base and production settings have no such setting (docs/threat-model.md, attack 6).
    """
    token = conf.bench_token()
    if len(token) < 24:
        return False
    sent = request.headers.get("X-Complaints-Bench-Token", "")
    return hmac.compare_digest(sent.encode(), token.encode())
