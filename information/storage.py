"""Answer documents live in PRIVATE_STORAGE_ROOT/information/ (outside the web root,
served by views after a permission check), under random names. A file stored inside a
transaction that rolls back is deleted (openlima/stored_files.py)."""

from pathlib import Path

from django.conf import settings

from openlima import stored_files, uploads


def _root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "information"


def save(data: bytes, *, extension: str) -> str:
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    name = uploads.storage_name(extension)
    (root / name).write_bytes(data)
    # deleted again if the transaction that stores its row rolls back
    stored_files.track(delete, name)
    return name


def read(name: str) -> bytes:
    path = (_root() / Path(name).name).resolve()
    return path.read_bytes()


def delete(name: str) -> None:
    if name:
        (_root() / Path(name).name).unlink(missing_ok=True)
