"""Attachment checks: size capped while streaming, type sniffed from content, image
metadata removed by re-encoding with Pillow."""

import io
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    SkipFile,
    StopUpload,
)
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Sniffed MIME type -> file name extensions a reporter's file may carry.
ALLOWED_TYPES = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/webp": {"webp"},
    "image/gif": {"gif"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
        "pptx"
    },
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/msword": {"doc"},
    "application/vnd.ms-excel": {"xls"},
    "audio/mpeg": {"mp3"},
    "audio/ogg": {"ogg", "oga", "opus"},
    "audio/x-wav": {"wav"},
    "audio/x-flac": {"flac"},
    "audio/mp4": {"m4a"},
    "audio/m4a": {"m4a"},
    "audio/amr": {"amr"},
}
IMAGE_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/gif": "GIF",
}


def max_attachments() -> int:
    return int(getattr(settings, "COMPLAINT_MAX_ATTACHMENTS", 5))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "COMPLAINT_MAX_ATTACHMENT_BYTES", 30 * 1024 * 1024))


class CappedUploadHandler(FileUploadHandler):
    """First in the chain: counts each file's bytes and drops a file as soon as it passes
    the limit (nothing more of it is read into memory or onto disk). Too many files stop
    the upload. What was refused is recorded on the request for a clear form message."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self._size = 0
        problems = self.request.__dict__.setdefault("complaint_upload_problems", [])
        count = self.request.__dict__.get("complaint_upload_count", 0) + 1
        self.request.complaint_upload_count = count
        if count > max_attachments():
            problems.append(("too_many", file_name))
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self._size += len(raw_data)
        if self._size > max_attachment_bytes():
            self.request.complaint_upload_problems.append(("too_big", self.file_name))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@dataclass
class CleanFile:
    name: str
    mime: str
    data: bytes


class FileRefused(Exception):
    pass


def _safe_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:150] or "archivo"


def clean_upload(uploaded) -> CleanFile:
    """Check one uploaded file and return it ready to encrypt, or raise FileRefused."""
    name = _safe_name(uploaded.name)
    if uploaded.size > max_attachment_bytes():
        raise FileRefused(
            _("«%(name)s» supera el tamaño máximo permitido.") % {"name": name}
        )
    uploaded.seek(0)
    data = uploaded.read()
    if not data:
        raise FileRefused(_("«%(name)s» está vacío.") % {"name": name})
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if mime not in ALLOWED_TYPES:
        raise FileRefused(
            _(
                "«%(name)s» no es de un tipo permitido (PDF, imágenes, documentos de "
                "oficina o audio). Se revisa el contenido, no solo la extensión."
            )
            % {"name": name}
        )
    if extension not in ALLOWED_TYPES[mime]:
        raise FileRefused(
            _(
                "«%(name)s» no coincide con su contenido: la extensión no corresponde al "
                "tipo de archivo."
            )
            % {"name": name}
        )
    if mime in IMAGE_FORMATS:
        data = strip_image_metadata(data, IMAGE_FORMATS[mime], name=name)
    return CleanFile(name=name, mime=mime, data=data)


def strip_image_metadata(data: bytes, fmt: str, *, name: str = "") -> bytes:
    """Re-encode the pixels only: EXIF (GPS, camera, dates), XMP, comments are dropped."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = image.copy() if fmt == "GIF" else ImageOps.exif_transpose(image)
            clean.info = {}
            out = io.BytesIO()
            options = {}
            if fmt == "JPEG":
                if clean.mode not in ("RGB", "L", "CMYK"):
                    clean = clean.convert("RGB")
                options = {"quality": 90}
            clean.save(out, fmt, **options)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise FileRefused(
            _("«%(name)s» no es una imagen válida.") % {"name": name}
        ) from None
