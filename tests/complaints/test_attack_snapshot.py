"""Attack 2 (docs/threat-model.md): a copy of the database and of the cache taken at any
moment of a member's login must not decrypt the member's private key (and so no case).

At each step (password, TOTP, unlocked workspace, after logout) the test takes the
database (pg_dump on PostgreSQL, every row of every table elsewhere) and every cache key
(every Redis key with REDIS_URL, the local-memory cache otherwise), and then plays the
thief: every 32-byte value found in either dump is tried as a key against every
ciphertext found in either dump, and as a private key against every sealed grant."""

import base64
import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from complaints import crypto, services, unlock
from complaints.models import KeyGrant
from openlima.totp import totp_code_now

from .conftest import MEMBER_PASSWORD, make_member

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
B64 = re.compile(rb"[A-Za-z0-9_\-+/]{40,}={0,2}")


def _db_dump() -> bytes:
    if settings.IS_POSTGRES and shutil.which("pg_dump"):
        s = connection.settings_dict
        result = subprocess.run(
            [
                shutil.which("pg_dump"),
                "-h",
                s.get("HOST") or "127.0.0.1",
                "-p",
                str(s.get("PORT") or 5432),
                "-U",
                s.get("USER") or "postgres",
                "--data-only",
                s["NAME"],
            ],
            capture_output=True,
            env=dict(os.environ, PGPASSWORD=s.get("PASSWORD") or ""),
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[:500]
        dump = result.stdout
    else:
        chunks = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
                for row in cursor.fetchall():
                    for value in row:
                        if isinstance(value, memoryview | bytes):
                            chunks.append(bytes(value).hex().encode())
                            chunks.append(base64.b64encode(bytes(value)))
                        else:
                            chunks.append(str(value).encode())
        dump = b"\n".join(chunks)
    # Session data is signed, not encrypted: a thief reads it without any key.
    decoded = [repr(s.get_decoded()).encode() for s in Session.objects.all()]
    return dump + b"\n" + b"\n".join(decoded)


def _cache_dump() -> bytes:
    if settings.REDIS_URL:
        import redis

        r = redis.Redis.from_url(settings.REDIS_URL)
        out = []
        for key in r.scan_iter(count=1000):
            out.append(key)
            dumped = r.dump(key)
            if dumped:
                out.append(dumped)
            if r.type(key) == b"string":
                out.append(r.get(key) or b"")
        return b"\n".join(out)
    from django.core.cache import cache

    store = getattr(cache, "_cache", {})
    return b"\n".join(bytes(v) for v in store.values() if isinstance(v, bytes))


def _candidates(blob: bytes) -> tuple[set[bytes], set[bytes]]:
    keys, ciphertexts = set(), set()
    for match in B64.findall(blob):
        for decoder in (base64.urlsafe_b64decode, base64.b64decode):
            text = match + b"=" * (-len(match) % 4)
            try:
                raw = decoder(text)
            except ValueError:
                continue
            if len(raw) == 32:
                keys.add(raw)
            elif len(raw) >= 32 + 40:
                ciphertexts.add(raw)
    # Raw 32-byte binary values (e.g. in pickles) as well, on a sliding window would be
    # too many; bytea columns are hex in pg_dump and are covered by this pattern:
    for match in re.findall(rb"\\\\x([0-9a-f]{64,})", blob):
        raw = bytes.fromhex(match.decode())
        (keys if len(raw) == 32 else ciphertexts).add(raw)
    return keys, ciphertexts


def _assert_nothing_decrypts(step: str, private: bytes, grants: list[bytes]):
    blob = _db_dump() + b"\n" + _cache_dump()
    assert crypto.b64(private).encode() not in blob, step
    assert private.hex().encode() not in blob, step
    keys, ciphertexts = _candidates(blob)
    for key in keys:
        assert key != private, f"{step}: the private key itself is in the dump"
        for ciphertext in ciphertexts:
            try:
                opened = crypto.decrypt(key, ciphertext)
            except crypto.DecryptionError:
                continue
            assert opened != private, f"{step}: the dumps decrypt the private key"
        for sealed in grants:
            with pytest.raises(crypto.DecryptionError):
                crypto.unseal(key, sealed)


@pytest.mark.django_db(transaction=True)
def test_no_snapshot_of_db_and_cache_decrypts_at_any_login_step():
    from django.core.cache import cache

    cache.clear()
    user, private = make_member()
    complaint, _code = services.complaint_submit(body={"what": "SECRETO-DEL-CASO"})
    grants = [bytes(g.sealed_key) for g in KeyGrant.objects.all()]
    client = Client()
    response = client.post(
        "/cuenta/login/", {"login": user.email, "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 302
    _assert_nothing_decrypts("password step", private, grants)
    response = client.post(response["Location"], {"code": totp_code_now(TOTP_SECRET)})
    assert response.status_code == 302
    _assert_nothing_decrypts("TOTP step", private, grants)
    page = client.get(f"/denuncias/unidad/casos/{complaint.pk}/")
    assert page.status_code == 200 and b"SECRETO-DEL-CASO" in page.content
    _assert_nothing_decrypts("unlocked workspace", private, grants)
    client.post("/cuenta/logout/")
    _assert_nothing_decrypts("after logout", private, grants)
    # The half the server never keeps is in the browser only.
    assert unlock.COOKIE_NAME in client.cookies
