"""`restore_check:opendata` (docs/operations.md, "Restore drill"): every dataset file
(each version of each resource, each transparency document) is in the restored storage
and its SHA-256 is the one recorded when it was uploaded."""

import hashlib

from .models import ResourceVersion


def _sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def restore_check(*, using, storages, keys):
    versions = ResourceVersion.objects.using(using).exclude(file="")
    checked, bad = 0, []
    for version in versions.only("pk", "file", "sha256"):
        checked += 1
        try:
            actual = _sha256(storages["default"], version.file.name)
        except OSError:
            actual = None
        if actual != version.sha256:
            bad.append(version.pk)
    return [
        {
            "check": "dataset files SHA-256",
            "ok": not bad,
            "detail": f"{checked} files checked, {len(bad)} missing or different"
            + (f" (resource versions {bad[:20]})" if bad else ""),
        }
    ]
