"""Keeping an integrity member's private key usable between requests without storing it
readable on the server (see README.md, "Key unlocking").

The unlocked private key is encrypted with a random 32-byte *wrap key*. The ciphertext
goes into the (server-side) session; the wrap key goes only to the member's browser, in
an HttpOnly, SameSite=Strict cookie whose path is the workspace, set on the response of
the very request that had the password (the password step of the login, or the unlock
form). No server-side state (database, cache, session, logs, task messages) ever holds
the wrap key, at any step of the login: a snapshot of the database and of Redis opens
nothing (tests/complaints/test_attack_snapshot.py). A stolen cookie lacks the session;
logging out flushes the session, which makes the cookie worthless.
"""

from django.urls import reverse
from django.utils import translation

from . import crypto

SESSION_KEY = "complaints.wrapped_key"
COOKIE_NAME = "ol_complaints_wk"
# Set by the password step on the request; complaints.middleware puts it in the cookie of
# whatever response that request gets (the TOTP page): the wrap key never waits on the
# server between the password and the TOTP step (docs/threat-model.md, attack 2).
REQUEST_ATTR = "complaints_wrap_key"


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


def hand_to_browser(*, request, wrap_key: bytes) -> None:
    """The cookie is set on this request's response by complaints.middleware."""
    setattr(request, REQUEST_ATTR, wrap_key)


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
