"""Documents and progress photos uploaded by staff, through the project's upload rules
(openlima/uploads.py): the content is sniffed (not the name), sizes are capped, images are
re-encoded from their pixels (no EXIF/GPS) and everything is written through the storage
API (docs/contracting.md, "Documents and photos")."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from openlima import uploads

DOCUMENT_KINDS = frozenset(
    {"pdf", "docx", "xlsx", "odt", "ods", "doc", "xls", "jpeg", "png", "webp"}
)
PHOTO_KINDS = frozenset({"jpeg", "png", "webp"})
DOCUMENT_MAX_BYTES = 20 * uploads.MB
PHOTO_MAX_BYTES = 8 * uploads.MB
PHOTO_MAX_SIDE = 2000
PHOTO_MESSAGES = {
    "not_allowed": _("La foto debe ser JPEG, PNG o WebP."),
    "empty": _("La foto está vacía."),
}


def _image(data: bytes, *, field: str, messages=None) -> uploads.CleanImage:
    return uploads.image_clean(
        data,
        allowed=PHOTO_KINDS,
        output="web",
        max_side=PHOTO_MAX_SIDE,
        field=field,
        messages=messages,
    )


def document_file_clean(upload) -> tuple[ContentFile, str]:
    """A checked document ready to store (unguessable name) and its media type, or
    `UploadRefused` with the reason."""
    max_bytes = getattr(settings, "CONTRACTING_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES)
    data = uploads.read_upload(upload, max_bytes=max_bytes, field="file")
    found = uploads.sniff(
        data,
        allowed=DOCUMENT_KINDS,
        filename=getattr(upload, "name", "") or "",
        check_extension=True,
        field="file",
    )
    if found.kind in uploads.IMAGE_KINDS:
        image = _image(data, field="file")
        data, extension, media_type = image.data, image.extension, image.media_type
    else:
        extension, media_type = found.extension, found.media_type
    return ContentFile(data, name=uploads.storage_name(extension)), media_type


def photo_clean(upload) -> ContentFile:
    """A progress photo re-encoded without metadata, ready to store."""
    max_bytes = getattr(settings, "CONTRACTING_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)
    data = uploads.read_upload(
        upload,
        max_bytes=max_bytes,
        field="photo",
        messages=PHOTO_MESSAGES,
    )
    image = _image(data, field="photo", messages=PHOTO_MESSAGES)
    return ContentFile(image.data, name=uploads.storage_name(image.extension))
