"""Keeping an integrity member's private key usable between requests without storing it
readable on the server (see README.md, "Key unlocking").

The unlocked private key is encrypted with a random 32-byte *wrap key*. The ciphertext
goes into the (server-side) session; the wrap key goes only to the member's browser, in
an HttpOnly, SameSite=Strict cookie whose path is the workspace. Neither half alone opens
anything: a database/session dump lacks the wrap key, a stolen cookie lacks the session.
Logging out flushes the session, which makes the cookie worthless.
"""

from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from . import crypto

SESSION_KEY = "complaints.wrapped_key"
PENDING_SESSION_KEY = "complaints.pending_unlock"
COOKIE_NAME = "ol_complaints_wk"
# Between the password step and the TOTP step of a login, the wrap key waits here for at
# most this long (the session holds only the ciphertext and a random lookup token).
PENDING_TTL = 300


def workspace_cookies() -> list[tuple[str, str]]:
    """(cookie name, path) per language prefix of the workspace. One cookie per path,
    each with its own name: a response can carry only one cookie of a given name."""
    out = []
    for code in ("es", "en"):
        with translation.override(code):
            path = reverse("complaints:workspace")
        name = COOKIE_NAME if not out else f"{COOKIE_NAME}_{code}"
        if path not in [p for _n, p in out]:
            out.append((name, path))
    return out


def wrap_into_session(*, request, private_key: bytes) -> bytes:
    """Store the encrypted private key in the session; returns the wrap key for the cookie."""
    wrap_key = crypto.random_key()
    request.session[SESSION_KEY] = crypto.b64(crypto.encrypt(wrap_key, private_key))
    return wrap_key


def park_wrap_key(*, request, wrap_key: bytes) -> None:
    """Keep the wrap key for the few seconds until the login completes (TOTP step)."""
    token = crypto.b64(crypto.random_key())
    cache.set(f"complaints:pending-unlock:{token}", crypto.b64(wrap_key), PENDING_TTL)
    request.session[PENDING_SESSION_KEY] = token


def take_parked_wrap_key(*, request) -> bytes | None:
    token = request.session.pop(PENDING_SESSION_KEY, None)
    if not token:
        return None
    cache_key = f"complaints:pending-unlock:{token}"
    value = cache.get(cache_key)
    cache.delete(cache_key)
    return crypto.unb64(value) if value else None


def set_cookie(*, request, response, wrap_key: bytes) -> None:
    for name, path in workspace_cookies():
        response.set_cookie(
            name,
            crypto.b64(wrap_key),
            max_age=None,
            path=path,
            secure=request.is_secure(),
            httponly=True,
            samesite="Strict",
        )


def delete_cookie(*, response) -> None:
    for name, path in workspace_cookies():
        response.delete_cookie(name, path=path, samesite="Strict")


def private_key_from_request(request) -> bytes | None:
    wrapped = request.session.get(SESSION_KEY)
    if not wrapped:
        return None
    for name, _path in workspace_cookies():
        wrap_key = request.COOKIES.get(name)
        if not wrap_key:
            continue
        try:
            return crypto.decrypt(crypto.unb64(wrap_key), crypto.unb64(wrapped))
        except crypto.DecryptionError:
            continue
    return None
