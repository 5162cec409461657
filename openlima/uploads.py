"""Shared upload checks: what a file really is, how big it may be, images without metadata.

Every app keeps its own policy at the call site (which kinds it accepts, its size limit
setting, its own wording); this module only answers the questions the same way everywhere:

- `sniff(data, allowed=...)` judges the CONTENT (magic bytes; OOXML/ODF told apart by the
  members of their ZIP archive; CSV/JSON/GeoJSON by parsing text) and returns a normalised
  `Sniffed(kind, media_type, extension)`, or raises `UploadRefused`.
- `check_size` / `read_upload` refuse empty and oversized files before anything is stored.
- `image_clean(data, ...)` re-encodes an image from its pixels: EXIF (GPS, camera), XMP,
  ICC profiles and comments are dropped, EXIF orientation applied first, decompression
  bombs refused with a clear message instead of a 500 (defined in `openlima.images`,
  importable from here like `CleanImage` and `max_image_pixels`).
- `safe_filename` / `storage_name` give names that are safe to store or show.

`UploadRefused` is an `ApplicationError` whose `reason` ("empty", "too_big", "not_allowed",
"mismatch", "bad_image", "too_many_pixels") and `kind` (what the content turned out to be,
if anything) let a call site swap in its own message.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
from django.utils.translation import gettext_lazy as _

from openlima.errors import Invalid

from . import conf

MB = 1024 * 1024


# --- Kinds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str  # normalised kind, e.g. "jpeg", "docx", "geojson"
    media_type: str
    extension: str  # the extension we store the file with
    extensions: frozenset[str]  # extensions a user's file name may carry for it
    label: str  # short human name for messages ("PDF", "JPEG", "Word")


def _k(name, media_type, extension, label, *more_extensions):
    return Kind(
        name, media_type, extension, frozenset({extension, *more_extensions}), label
    )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _k("pdf", "application/pdf", "pdf", "PDF"),
        _k("jpeg", "image/jpeg", "jpg", "JPEG", "jpeg"),
        _k("png", "image/png", "png", "PNG"),
        _k("gif", "image/gif", "gif", "GIF"),
        _k("webp", "image/webp", "webp", "WebP"),
        _k(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "Word",
        ),
        _k(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "Excel",
        ),
        _k(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
            "PowerPoint",
        ),
        _k("odt", "application/vnd.oasis.opendocument.text", "odt", "ODT"),
        _k("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
        _k("odp", "application/vnd.oasis.opendocument.presentation", "odp", "ODP"),
        _k("doc", "application/msword", "doc", "Word 97"),
        _k("xls", "application/vnd.ms-excel", "xls", "Excel 97"),
        _k("ppt", "application/vnd.ms-powerpoint", "ppt", "PowerPoint 97"),
        _k("csv", "text/csv", "csv", "CSV", "txt", "tsv"),
        _k("json", "application/json", "json", "JSON"),
        _k("geojson", "application/geo+json", "geojson", "GeoJSON", "json"),
        _k("mp3", "audio/mpeg", "mp3", "MP3"),
        _k("ogg", "audio/ogg", "ogg", "Ogg", "oga", "opus"),
        _k("wav", "audio/wav", "wav", "WAV"),
        _k("flac", "audio/flac", "flac", "FLAC"),
        _k("m4a", "audio/mp4", "m4a", "M4A"),
        _k("amr", "audio/amr", "amr", "AMR"),
        # Recognised so refusals can say what the file is; no app allows them.
        _k("zip", "application/zip", "zip", "ZIP"),
    )
}
IMAGE_KINDS = frozenset({"jpeg", "png", "gif", "webp"})
OOXML_KINDS = frozenset({"docx", "xlsx", "pptx"})
ODF_KINDS = frozenset({"odt", "ods", "odp"})
OFFICE_KINDS = OOXML_KINDS | ODF_KINDS | {"doc", "xls", "ppt"}
TEXT_KINDS = frozenset({"csv", "json", "geojson"})
AUDIO_KINDS = frozenset({"mp3", "ogg", "wav", "flac", "m4a", "amr"})

# What `filetype` reports -> our kind (ZIP-based office files are re-checked below).
_FILETYPE_MIME = {
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/amr": "amr",
}
_ODF_MIMETYPE = {KINDS[k].media_type: k for k in ODF_KINDS}
_OOXML_FOLDER = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
GEOJSON_TYPES = frozenset(
    {
        "FeatureCollection",
        "Feature",
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)
_TEXT_NAME_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class Sniffed:
    kind: str
    media_type: str
    extension: str


# --- Refusals ---------------------------------------------------------------------------

MESSAGES = {
    "empty": _("El archivo está vacío."),
    "too_big": _("El archivo supera el tamaño máximo permitido (%(mb)s MB)."),
    "not_allowed": _(
        "Tipo de archivo no permitido. Se aceptan: %(kinds)s. Se revisa el contenido, "
        "no solo la extensión."
    ),
    "mismatch": _("La extensión del archivo no corresponde a su contenido."),
    "bad_image": _("El archivo no es una imagen válida."),
    "too_many_pixels": _("La imagen tiene demasiados píxeles."),
    "archive_bomb": _(
        "El archivo comprimido se expande a un tamaño desproporcionado y no se abre."
    ),
}


class UploadRefused(Invalid):
    """An upload was refused. `reason` says why; `kind` is what the content is (or None).

    A call site may word the refusal itself: `messages` maps a reason to a message, or to
    a (message, field message) pair where a None field message means no field error.
    Messages are formatted with `params` (`name`, `mb`, `kinds`). `field=None`: no field
    errors at all."""

    def __init__(
        self,
        reason: str,
        *,
        kind: str | None = None,
        field: str | None = "file",
        messages: Mapping | None = None,
        **params,
    ):
        custom = (messages or {}).get(reason)
        if isinstance(custom, tuple):
            message, field_message = custom
        else:
            message = custom or MESSAGES[reason]
            field_message = message
        message = _format(message, params)
        field_errors = {}
        if field and field_message is not None:
            field_errors = {field: [_format(field_message, params)]}
        super().__init__(message, field_errors=field_errors)
        self.reason = reason
        self.kind = kind
        self.params = params


def _format(message, params) -> str:
    message = str(message)
    return message % params if "%(" in message else message


def kinds_label(kinds: Iterable[str]) -> str:
    """ "PDF, JPEG, PNG" — the human names of `kinds`, in KINDS order, without repeats."""
    wanted = set(kinds)
    labels = []
    for name, kind in KINDS.items():
        if name in wanted and kind.label not in labels:
            labels.append(kind.label)
    return ", ".join(labels)


# --- Sniffing ---------------------------------------------------------------------------


# ZIP-based files (OOXML, ODF) are judged by their central directory before any member
# is decompressed: a member may not declare more than ZIP_MAX_MEMBER_BYTES, all together
# more than ZIP_MAX_TOTAL_BYTES, nor a compression ratio above ZIP_MAX_RATIO (for members
# above 1 MiB). zipfile never inflates a member past its declared size, so the declared
# sizes bound what any later reader (openpyxl for a dataset preview) can inflate.
# docs/threat-model.md, attack 3.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_RATIO = 200
ZIP_RATIO_FLOOR = MB


def zip_limits() -> tuple[int, int]:
    return conf.upload_zip_limits()


class ArchiveBomb(Exception):
    pass


def zip_check(archive: zipfile.ZipFile) -> list[str]:
    """The member names, or ArchiveBomb if the directory declares a bomb."""
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ArchiveBomb
    max_member, max_total = zip_limits()
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > max_member
            or total > max_total
            or (info.file_size > ZIP_RATIO_FLOOR and ratio > ZIP_MAX_RATIO)
        ):
            raise ArchiveBomb
    return [info.filename for info in infos]


def zip_read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of a member, inflating no more than that."""
    with archive.open(name) as member:
        return member.read(limit)


def _zip_kind(source) -> str:
    """OOXML and ODF files are ZIP archives: tell them apart by their members.
    `source` is the bytes or a seekable file. "bomb" for a decompression bomb."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            names = zip_check(archive)
            if "mimetype" in names:
                value = zip_read_member(archive, "mimetype", 100)
                value = value.decode("ascii", "ignore").strip()
                return _ODF_MIMETYPE.get(value, "zip")
            if "[Content_Types].xml" in names:
                for folder, kind in _OOXML_FOLDER.items():
                    if any(n.startswith(folder) for n in names):
                        return kind
    except ArchiveBomb:
        return "bomb"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        KeyError,
        ValueError,
        NotImplementedError,
        EOFError,
    ):
        pass
    finally:
        source.seek(0)
    return "zip"


def decode_text(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or Windows-1252 text; None for binary data."""
    if b"\x00" in data[:65536]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _text_kind(data: bytes, filename: str) -> str | None:
    """JSON/GeoJSON when the text parses; CSV only for a .csv/.txt/.tsv name whose text
    is not markup and has a first row (any text would pass as CSV otherwise)."""
    text = decode_text(data)
    if text is None:
        return None
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        if isinstance(parsed, dict) and parsed.get("type") in GEOJSON_TYPES:
            return "geojson"
        return "json"
    if not stripped.startswith("<") and filename.lower().endswith(_TEXT_NAME_SUFFIXES):
        try:
            rows = list(csv.reader(io.StringIO(text[:65536])))
        except csv.Error:
            return None
        if rows and rows[0]:
            return "csv"
    return None


def detect_kind(source, *, filename: str = "", text: bool = True) -> str | None:
    """What `source` (bytes, or a seekable uploaded file) is, judged by its content; the
    name only matters for the CSV guess. Reads a file's head, its ZIP directory for
    office files, and all of it only for text kinds."""
    is_file = not isinstance(source, bytes | bytearray)
    if is_file:
        source.seek(0)
        head = source.read(8192)
        source.seek(0)
    else:
        head = source[:8192]
    if not head:
        return None
    if head[:4] == b"PK\x03\x04":
        return _zip_kind(source)
    guess = filetype.guess(head)
    if guess is not None:
        if guess.mime == "application/zip":
            return "zip"
        return _FILETYPE_MIME.get(guess.mime)
    if text:
        if is_file:
            data = source.read()
            source.seek(0)
        else:
            data = source
        return _text_kind(data, filename)
    return None


def sniff(
    source,
    *,
    allowed: Iterable[str],
    filename: str = "",
    check_extension: bool = False,
    field: str | None = "file",
    messages: Mapping | None = None,
    **params,
) -> Sniffed:
    """The normalised kind of `source` (bytes or a seekable file) if it is one of
    `allowed`, else `UploadRefused` ("empty", "not_allowed", "mismatch").

    With `check_extension`, the file name's extension must also fit the content (a PDF
    called foto.jpg is refused even where PDFs are allowed)."""
    allowed = frozenset(allowed)
    unknown = allowed - KINDS.keys()
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    refuse = {"field": field, "messages": messages, **params}
    kind = detect_kind(source, filename=filename, text=bool(allowed & TEXT_KINDS))
    if kind == "bomb":
        raise UploadRefused("archive_bomb", kind="zip", **refuse)
    if kind is None and not _has_content(source):
        raise UploadRefused("empty", **refuse)
    if kind not in allowed:
        raise UploadRefused(
            "not_allowed", kind=kind, kinds=kinds_label(allowed), **refuse
        )
    if check_extension and file_extension(filename) not in KINDS[kind].extensions:
        raise UploadRefused("mismatch", kind=kind, **refuse)
    found = KINDS[kind]
    return Sniffed(
        kind=found.name, media_type=found.media_type, extension=found.extension
    )


def _has_content(source) -> bool:
    if isinstance(source, bytes | bytearray):
        return bool(source)
    source.seek(0)
    byte = source.read(1)
    source.seek(0)
    return bool(byte)


# --- Sizes ------------------------------------------------------------------------------


def check_size(
    size: int | None,
    *,
    max_bytes: int,
    field: str | None = "file",
    messages: Mapping | None = None,
    **params,
) -> None:
    """Refuse an empty file ("empty") or one above `max_bytes` ("too_big", with `mb`)."""
    if not size:
        raise UploadRefused("empty", field=field, messages=messages, **params)
    if size > max_bytes:
        raise UploadRefused(
            "too_big", field=field, messages=messages, mb=megabytes(max_bytes), **params
        )


def megabytes(max_bytes: int) -> int | float:
    """5242880 -> 5, 1572864 -> 1.5 (for messages)."""
    value = round(max_bytes / MB, 1)
    return int(value) if value == int(value) else value


def read_upload(uploaded, *, max_bytes: int, **refuse) -> bytes:
    """The bytes of an uploaded file after checking its declared size (nothing too big is
    read into memory) and its real size. `refuse`: `field`, `messages`, params."""
    check_size(getattr(uploaded, "size", None) or 0, max_bytes=max_bytes, **refuse)
    uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    uploaded.seek(0)
    check_size(len(data), max_bytes=max_bytes, **refuse)
    return data


# --- Images -----------------------------------------------------------------------------

# The re-encoding of images lives in `openlima.images` (it builds on the kinds, `sniff` and
# `UploadRefused` above). This module stays the public path of its names, which the apps
# use (`uploads.image_clean`, `uploads.CleanImage`): type checkers see a plain re-export;
# at run time they are loaded on first use, so either module may be imported first.
_IMAGE_NAMES = frozenset({"CleanImage", "image_clean", "max_image_pixels"})

if TYPE_CHECKING:
    from .images import CleanImage as CleanImage
    from .images import image_clean as image_clean
    from .images import max_image_pixels as max_image_pixels
else:

    def __getattr__(name: str):
        if name not in _IMAGE_NAMES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import images

        value = globals()[name] = getattr(images, name)
        return value


# --- Names ------------------------------------------------------------------------------


def file_extension(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def display_filename(
    name: str, *, default: str = "archivo", max_length: int = 150
) -> str:
    """The user's own file name to show: no folders, only printable characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:max_length] or default


def safe_filename(name: str, *, default: str = "archivo", max_length: int = 150) -> str:
    """A name safe to store: no folders, only letters, digits, '.', '-' and '_', never
    starting with a dot."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = re.sub(r"[^\w.-]+", "-", base).lstrip(".")[:max_length]
    return base or default


def storage_name(extension: str, *, prefix: str = "") -> str:
    """An unguessable storage name carrying only our own normalised extension."""
    return f"{prefix}{uuid.uuid4().hex}.{extension}"
