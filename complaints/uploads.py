"""Attachment checks: size capped while streaming; type sniffed from content and image
metadata removed by the shared `openlima.uploads` (this module keeps the complaint policy:
allowed kinds, limits, wording)."""

from dataclasses import dataclass

from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    SkipFile,
    StopUpload,
)
from django.utils.translation import gettext_lazy as _

from openlima import uploads

from . import conf

# What a reporter may attach (judged by content; the name's extension must fit it).
ALLOWED_KINDS = frozenset(
    {"pdf", "doc", "xls", "docx", "xlsx", "pptx", "odt", "ods"}
    | uploads.IMAGE_KINDS
    | uploads.AUDIO_KINDS
)
MESSAGES = {
    "empty": _("«%(name)s» está vacío."),
    "too_big": _("«%(name)s» supera el tamaño máximo permitido."),
    "not_allowed": _(
        "«%(name)s» no es de un tipo permitido (PDF, imágenes, documentos de "
        "oficina o audio). Se revisa el contenido, no solo la extensión."
    ),
    "mismatch": _(
        "«%(name)s» no coincide con su contenido: la extensión no corresponde al "
        "tipo de archivo."
    ),
    "bad_image": _("«%(name)s» no es una imagen válida."),
}


def max_attachments() -> int:
    return conf.max_attachments()


def max_attachment_bytes() -> int:
    return conf.max_attachment_bytes()


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


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Django's memory handler, active whatever the request's size (Django switches to a
    temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE): a complaint attachment is never
    written to disk in clear. Memory is bounded by CappedUploadHandler in front of it
    (COMPLAINT_MAX_ATTACHMENTS files of COMPLAINT_MAX_ATTACHMENT_BYTES at most)."""

    def handle_raw_input(self, *args, **kwargs):
        super().handle_raw_input(*args, **kwargs)
        self.activated = True


@dataclass
class CleanFile:
    name: str
    mime: str
    data: bytes


class FileRefused(Exception):
    pass


def clean_upload(uploaded) -> CleanFile:
    """Check one uploaded file and return it ready to encrypt, or raise FileRefused."""
    name = uploads.display_filename(uploaded.name)
    refuse = {"field": None, "messages": MESSAGES, "name": name}
    try:
        uploads.check_size(uploaded.size, max_bytes=max_attachment_bytes(), **refuse)
        uploaded.seek(0)
        data = uploaded.read()
        sniffed = uploads.sniff(
            data, allowed=ALLOWED_KINDS, filename=name, check_extension=True, **refuse
        )
        if sniffed.kind in uploads.IMAGE_KINDS:
            data = uploads.image_clean(
                data, allowed={sniffed.kind}, jpeg_quality=90, **refuse
            ).data
    except uploads.UploadRefused as exc:
        raise FileRefused(exc.message) from None
    return CleanFile(name=name, mime=sniffed.media_type, data=data)
