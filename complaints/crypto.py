"""Cryptography of Lima Honesta (libsodium through PyNaCl, argon2id through argon2-cffi).

- Every complaint has a random 32-byte key (XSalsa20-Poly1305 `SecretBox`) that encrypts
  its text, messages, notes, attachments and file names.
- That key is *sealed* (`SealedBox`, X25519) to each integrity member's public key and to
  the recovery public key, and encrypted under a key derived from the reporter's code.
- A member's private key is encrypted under a key derived from their password (argon2id).
- The tracking code is never stored: one argon2id run over it yields 64 bytes, the first
  half is the stored verifier, the second half the key that opens the reporter's grant.

Nothing here touches the database; services.py decides what is stored.
"""

import base64
import hashlib
import hmac
import secrets

import nacl.exceptions
import nacl.secret
import nacl.utils
from argon2.low_level import Type, hash_secret_raw
from nacl.public import PrivateKey, PublicKey, SealedBox

from . import conf

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE  # 32
SALT_BYTES = 16
CODE_DIGITS = 16

# OWASP (2024) first recommendation for argon2id is m=47104 (46 MiB), t=1, p=1; we spend a
# little more memory and two passes. Stored with each row, so changing it later is safe.
DEFAULT_ARGON2 = {"t": 2, "m": 65536, "p": 1}


class DecryptionError(Exception):
    """A key or ciphertext did not match (wrong password/code, tampering)."""


def argon2_params() -> dict:
    params = dict(DEFAULT_ARGON2)
    params.update(conf.argon2_overrides())
    return {k: int(params[k]) for k in ("t", "m", "p")}


def argon2_raw(secret: str, salt: bytes, params: dict, length: int = 64) -> bytes:
    return hash_secret_raw(
        secret=secret.encode(),
        salt=salt,
        time_cost=params["t"],
        memory_cost=params["m"],
        parallelism=params["p"],
        hash_len=length,
        type=Type.ID,
    )


def random_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def random_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def encrypt(key: bytes, data: bytes) -> bytes:
    return bytes(nacl.secret.SecretBox(key).encrypt(data))


def decrypt(key: bytes, data: bytes) -> bytes:
    try:
        return nacl.secret.SecretBox(key).decrypt(bytes(data))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc


def keypair() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte X25519 keys."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def fingerprint(public_key: bytes) -> str:
    """Short public identifier of a public key: which key a grant is sealed to."""
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]


def public_from_private(private_key: bytes) -> bytes:
    return bytes(PrivateKey(bytes(private_key)).public_key)


def seal(public_key: bytes, data: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(data))


def unseal(private_key: bytes, data: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(data))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError from exc


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(bytes(data)).decode()


def unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode())
    except (ValueError, TypeError) as exc:
        raise DecryptionError from exc


# --- Tracking codes ---------------------------------------------------------------------


def code_generate() -> str:
    """16 random digits from `secrets` (53 bits), as the canonical string without spaces."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def code_normalise(text: str) -> str:
    """Digits only; anything else (spaces, dashes) a reporter typed is dropped."""
    return "".join(ch for ch in (text or "") if ch.isdigit())


def code_format(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _index_keys() -> list[str]:
    return conf.code_index_keys()


def code_index(code: str, key: str | None = None) -> str:
    """A short keyed index (16 bits) that narrows a look-up to ~N/65536 rows.

    HMAC keyed with a server secret (COMPLAINT_CODE_INDEX_KEY, else SECRET_KEY): a
    database dump alone cannot test codes against it, and with the secret it removes only
    16 of the code's 53 bits.
    """
    key = key or _index_keys()[0]
    digest = hmac.new(key.encode(), b"complaint-code:" + code.encode(), hashlib.sha256)
    return digest.hexdigest()[:4]


def code_index_candidates(code: str) -> list[str]:
    """Indexes under the current key and, after a SECRET_KEY rotation, the fallbacks."""
    return sorted({code_index(code, key) for key in _index_keys()})


def code_derive(code: str, salt: bytes, params: dict) -> tuple[bytes, bytes]:
    """(verifier, reporter_key) from one argon2id run over the code."""
    raw = argon2_raw(code, salt, params, 64)
    return raw[:32], raw[32:]


def verifier_matches(stored: bytes, computed: bytes) -> bool:
    return hmac.compare_digest(bytes(stored), bytes(computed))


def password_key(password: str, salt: bytes, params: dict) -> bytes:
    return argon2_raw(password, salt, params, KEY_BYTES)
