"""The receipt after filing, kept only in the reporter's browser.

After a complaint is filed the browser is redirected to the receipt page (post/redirect/
get), which must show the code again on reload. Nothing is kept on the server: the code,
the complaint's number and the file count travel in a cookie encrypted with a server key
(XSalsa20-Poly1305), HttpOnly, SameSite=Strict, for RECEIPT_TTL seconds; "Ya anoté el
código" deletes it at once."""

import base64
import hashlib
import json
import time

import nacl.exceptions
import nacl.secret
from django.conf import settings

from . import crypto
from .models import Complaint

COOKIE = "ol_complaint_receipt"
RECEIPT_TTL = 10 * 60


def _box() -> nacl.secret.SecretBox:
    key = hashlib.sha256(b"complaints-receipt:" + settings.SECRET_KEY.encode())
    return nacl.secret.SecretBox(key.digest())


def remember(*, request, response, code: str, complaint, files: int) -> None:
    data = {"c": code, "id": complaint.pk, "f": files, "t": int(time.time())}
    token = base64.urlsafe_b64encode(bytes(_box().encrypt(json.dumps(data).encode())))
    response.set_cookie(
        COOKIE,
        token.decode(),
        max_age=RECEIPT_TTL,
        path="/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def recall(*, request) -> dict | None:
    token = request.COOKIES.get(COOKIE, "")
    if not token or len(token) > 1000:
        return None
    try:
        data = json.loads(_box().decrypt(base64.urlsafe_b64decode(token.encode())))
    except (ValueError, TypeError, nacl.exceptions.CryptoError):
        return None
    if not 0 <= time.time() - float(data.get("t") or 0) <= RECEIPT_TTL:
        return None
    complaint = Complaint.objects.filter(pk=data.get("id")).first()
    if complaint is None:
        return None
    return {
        "code": crypto.code_format(str(data.get("c"))),
        "complaint": complaint,
        "files": int(data.get("f") or 0),
    }


def forget(*, response) -> None:
    response.delete_cookie(COOKIE, path="/", samesite="Strict")
