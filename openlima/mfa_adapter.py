"""allauth MFA adapter: TOTP secrets and recovery-code seeds are encrypted at rest.

allauth stores the TOTP secret and the recovery-code seed in `mfa_authenticator.data`;
with the default adapter they are in clear, so a database dump or a superuser could read
them and produce valid codes (docs/threat-model.md, attack 1). Here they are encrypted
(XSalsa20-Poly1305) under a key from settings: `MFA_ENCRYPTION_KEY`, else one derived from
`SECRET_KEY` (and, to decrypt after a rotation, `SECRET_KEY_FALLBACKS`). A value written
before this adapter existed (no prefix) is read as it is and encrypted at its next write.
"""

import base64
import hashlib

import nacl.exceptions
import nacl.secret
from allauth.mfa.adapter import DefaultMFAAdapter

from . import conf

PREFIX = "enc1:"


def _keys() -> list[bytes]:
    explicit = conf.mfa_encryption_key()
    bases = [explicit] if explicit else conf.secret_keys()
    return [hashlib.sha256(b"openlima-mfa:" + b.encode()).digest() for b in bases]


def encrypt_text(text: str) -> str:
    box = nacl.secret.SecretBox(_keys()[0])
    return PREFIX + base64.urlsafe_b64encode(bytes(box.encrypt(text.encode()))).decode()


def decrypt_text(value: str) -> str:
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return value
    raw = base64.urlsafe_b64decode(value[len(PREFIX) :].encode())
    for key in _keys():
        try:
            return nacl.secret.SecretBox(key).decrypt(raw).decode()
        except nacl.exceptions.CryptoError:
            continue
    raise ValueError("MFA secret cannot be decrypted with the configured keys")


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)
