"""The nightly bulk files (docs/contracting.md, "Bulk files"): every published release as
a release package (JSON) and as JSON lines, and the compiled releases flattened into a
spreadsheet by flattentool (one CSV per sheet, zipped). Each is written to a temporary
file in keyset chunks (bounded memory, whatever the number of releases), hashed on the
way, then saved through the storage API under a content-addressed name; a `BulkFile`
row says which stored file is current (the catalogue dataset holds it as a resource)."""

import csv
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
import zipfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from openlima.selectors import absolute_url
from openlima.storage import public_storage

from .. import ocds, selectors
from ..models import BulkFile, ContractingProcess

logger = logging.getLogger(__name__)

PREFIX = "contracting/bulk/"
FLATTEN_CHUNK = 5000  # compiled releases per flattentool run (bounds its memory)
# Stored files kept per bulk file: the one just written and the previous one, which the
# catalogue still lists until its refresh (02:00); the catalogue lists only the current
# file of a platform resource, so every listed download exists (docs/contracting.md).
KEEP_GENERATIONS = 2


class _Hashing:
    """A binary file that hashes and counts what is written to it."""

    def __init__(self, handle):
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sha.update(data)
        self.size += len(data)
        self.handle.write(data)


def _release_package_chunks():
    meta = ocds.package_metadata(
        uri=absolute_url("/api/ocds/bulk/releases.json"),
        published_date=timezone.now().isoformat(),
    )
    yield json.dumps(meta, ensure_ascii=False)[:-1] + ', "releases": ['
    first = True
    for release in selectors.release_iterator():
        yield ("" if first else ",") + json.dumps(release, ensure_ascii=False)
        first = False
    yield "]}"


def _jsonl_chunks():
    for release in selectors.release_iterator():
        yield json.dumps(release, ensure_ascii=False) + "\n"


def _compiled_chunks(size: int):
    """Lists of at most `size` compiled releases, by process id (keyset)."""
    last = 0
    while True:
        rows = list(
            selectors.process_public_qs()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "compiled_release__data")[:size]
        )
        if not rows:
            return
        yield [c for _pk, c in rows if c]
        last = rows[-1][0]


def _flatten_zip(target, workdir: str, *, chunk: int = FLATTEN_CHUNK) -> None:
    """flattentool over the compiled releases, `chunk` at a time (its memory grows with
    its input), with the bundled release schema (offline); the sheets of every chunk are
    then merged sheet by sheet under the union of their columns and zipped."""
    from flattentool import flatten

    schema = str(ocds.OCDS_DIR / "release-schema.json")
    parts = []
    for n, compiled in enumerate(_compiled_chunks(chunk)):
        if not compiled:
            continue
        source = os.path.join(workdir, f"in-{n}.json")
        with open(source, "w", encoding="utf-8") as f:
            json.dump({"releases": compiled}, f, ensure_ascii=False)
        out = os.path.join(workdir, f"out-{n}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Skipping field …" for schema-only fields
            flatten(
                source,
                output_name=out,
                output_format="csv",
                schema=schema,
                root_list_path="releases",
                main_sheet_name="releases",
                root_id="ocid",
                use_ijson=True,
            )
        os.remove(source)
        parts.append(out)
    sheets: dict[str, list[str]] = {}  # sheet -> union of columns, first seen first
    for out in parts:
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name), newline="", encoding="utf-8") as f:
                header = next(csv.reader(f), [])
            columns = sheets.setdefault(name, [])
            columns.extend(c for c in header if c not in columns)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns in sheets.items():
            with archive.open(name, "w") as member:
                text = _TextSink(member)
                writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                for out in parts:
                    path = os.path.join(out, name)
                    if not os.path.exists(path):
                        continue
                    with open(path, newline="", encoding="utf-8") as f:
                        for row in csv.DictReader(f):
                            writer.writerow(row)
    for out in parts:
        shutil.rmtree(out, ignore_errors=True)


class _TextSink:
    def __init__(self, member):
        self.member = member

    def write(self, text):
        self.member.write(text.encode("utf-8"))


# (name, title, format, media type)
FILES = [
    ("releases.json", "Paquete de releases OCDS (JSON)", "JSON", "application/json"),
    ("releases.jsonl", "Releases OCDS (JSON lines)", "JSONL", "application/x-ndjson"),
    (
        "releases-flat.zip",
        "Releases compilados aplanados con flattentool (CSV por hoja, ZIP)",
        "ZIP",
        "application/zip",
    ),
]


def _write(name: str, path: str, workdir: str, chunk: int) -> tuple[str, int]:
    with open(path, "wb") as raw:
        sink = _Hashing(raw)
        if name == "releases.json":
            for piece in _release_package_chunks():
                sink.write(piece)
        elif name == "releases.jsonl":
            for piece in _jsonl_chunks():
                sink.write(piece)
        else:
            _flatten_zip(raw, workdir, chunk=chunk)
    if name.endswith(".zip"):  # written by zipfile: hash the finished file
        sha, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                sha.update(block)
                size += len(block)
        return sha.hexdigest(), size
    return sink.sha.hexdigest(), sink.size


def bulk_export(*, flatten_chunk: int = FLATTEN_CHUNK) -> dict:
    """Nightly job body: write the three bulk files; a file whose content did not change
    keeps its stored copy and its date."""
    storage = public_storage()
    result = {}
    workdir = tempfile.mkdtemp(prefix="ocds-bulk-")
    try:
        for name, title, fmt, media_type in FILES:
            path = os.path.join(workdir, name)
            sha, size = _write(name, path, workdir, flatten_chunk)
            current = BulkFile.objects.filter(name=name).first()
            if (
                current
                and current.sha256 == sha
                and storage.exists(current.storage_name)
            ):
                result[name] = "unchanged"
                os.remove(path)
                continue
            stem, ext = name.split(".", 1)
            with open(path, "rb") as f:
                stored = storage.save(f"{PREFIX}{stem}-{sha[:16]}.{ext}", File(f))
            os.remove(path)
            with transaction.atomic():
                BulkFile.objects.update_or_create(
                    name=name,
                    defaults={
                        "title": title,
                        "format": fmt,
                        "media_type": media_type,
                        "storage_name": stored,
                        "size": size,
                        "sha256": sha,
                        "modified_at": timezone.now(),
                        "processes": ContractingProcess.objects.filter(
                            is_published=True
                        ).count(),
                    },
                )
            _prune_old(storage, stem, ext, keep=stored)
            result[name] = size
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _prune_old(storage, stem: str, ext: str, *, keep: str) -> None:
    """Older stored copies of a bulk file beyond KEEP_GENERATIONS are deleted; the
    catalogue no longer lists them (it lists only the current copy, and the one before
    it until its refresh)."""
    try:
        _dirs, names = storage.listdir(PREFIX.rstrip("/"))
    except (FileNotFoundError, NotImplementedError):
        return
    mine = [
        n
        for n in names
        if n.startswith(f"{stem}-") and n.endswith(f".{ext}") and f"{PREFIX}{n}" != keep
    ]
    mine.sort(key=lambda n: storage.get_modified_time(f"{PREFIX}{n}"), reverse=True)
    for n in mine[KEEP_GENERATIONS - 1 :]:
        storage.delete(f"{PREFIX}{n}")
