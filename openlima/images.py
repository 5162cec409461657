"""Images re-encoded from their pixels only, so no metadata survives an upload.

`image_clean(data, ...)` drops EXIF (GPS, camera), XMP, ICC profiles (converted to sRGB) and
comments, applies the EXIF orientation first and refuses decompression bombs with a clear
message instead of a 500. It builds on the kinds, `sniff` and `UploadRefused` of
`openlima.uploads`, which re-exports `CleanImage`, `image_clean` and `max_image_pixels`:
the apps keep importing them from there.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import conf
from .uploads import IMAGE_KINDS, KINDS, UploadRefused, sniff

_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_PIL_KIND = {v: k for k, v in _PIL_FORMAT.items()}
_ALPHA_MODES = ("RGBA", "LA", "P", "PA", "RGBa", "La")


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    kind: str
    media_type: str
    extension: str
    width: int
    height: int


def max_image_pixels() -> int:
    return conf.upload_max_image_pixels()


def _to_srgb(image):
    """Bake an embedded ICC profile into sRGB pixels so dropping it keeps the colours."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except Exception:  # noqa: BLE001 (a broken profile: keep the pixels as they are)
        return image


def image_clean(
    data: bytes,
    *,
    allowed: Iterable[str] = IMAGE_KINDS,
    output: str = "same",
    max_pixels: int | None = None,
    max_side: int | None = None,
    jpeg_quality: int = 85,
    field: str | None = "file",
    messages: Mapping | None = None,
    **params,
) -> CleanImage:
    """Re-encode an image from its pixels only.

    `output="same"` keeps the format (JPEG, PNG, WebP, GIF: first frame);
    `output="web"` writes PNG when the image has transparency or a palette, else JPEG.
    The EXIF orientation is applied to the pixels first; EXIF (GPS, camera), XMP, ICC
    (converted to sRGB) and comments are not written. `max_side` shrinks big pictures.
    Anything Pillow cannot read ("bad_image"), or with more than `max_pixels` (default
    setting UPLOAD_MAX_IMAGE_PIXELS, else Pillow's own MAX_IMAGE_PIXELS), is refused
    ("too_many_pixels"); kinds outside `allowed` as in `sniff`."""
    if output not in ("same", "web"):
        raise ValueError(output)
    refuse = {"field": field, "messages": messages, **params}
    sniffed = sniff(data, allowed=frozenset(allowed) & IMAGE_KINDS, **refuse)
    refuse["kind"] = sniffed.kind
    image = _image_decode(
        data, kind=sniffed.kind, limit=_pixel_limit(max_pixels), refuse=refuse
    )
    if max_side:
        image.thumbnail((max_side, max_side))
    image = _to_srgb(image)
    image, kind = _image_convert(image, output=output, kind=sniffed.kind)
    clean, encoded = _image_encode(image, kind=kind, jpeg_quality=jpeg_quality)
    found = KINDS[kind]
    return CleanImage(
        data=encoded,
        kind=kind,
        media_type=found.media_type,
        extension=found.extension,
        width=clean.width,
        height=clean.height,
    )


def _pixel_limit(max_pixels: int | None) -> int:
    """The pixel count an image may have: the one asked for (else the setting), never
    above Pillow's own bomb limit."""
    from PIL import Image

    limit = max_pixels or max_image_pixels()
    if Image.MAX_IMAGE_PIXELS:  # Pillow's own bomb limit is never relaxed here
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    return limit


def _image_decode(data: bytes, *, kind: str, limit: int, refuse: dict):
    """The pixels, upright (EXIF orientation applied), of an image whose format is the
    sniffed `kind` and whose size is within `limit`, else UploadRefused."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        # Above MAX_IMAGE_PIXELS Pillow only warns (refused just below); above twice
        # that it raises DecompressionBombError before decoding anything.
        with Image.open(io.BytesIO(data)) as opened:
            if _PIL_KIND.get(opened.format) != kind:
                raise UploadRefused("bad_image", **refuse)
            if opened.width * opened.height > limit:
                raise UploadRefused("too_many_pixels", **refuse)
            opened.load()
            return ImageOps.exif_transpose(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused("too_many_pixels", **refuse) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UploadRefused("bad_image", **refuse) from None


def _image_convert(image, *, output: str, kind: str):
    """The image in a mode its output format can write, and that format's kind."""
    if output == "web":
        kind = "png" if image.mode in _ALPHA_MODES else "jpeg"
        image = image.convert("RGBA" if kind == "png" else "RGB")
    else:
        if kind == "jpeg" and image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        elif kind == "webp" and image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.mode in _ALPHA_MODES else "RGB")
    return image, kind


def _image_encode(image, *, kind: str, jpeg_quality: int):
    """A copy of the pixels with no metadata but transparency, and its encoded bytes."""
    keep = {"transparency"} if image.mode in ("P", "L", "RGB") else set()
    clean = image.copy()  # a new image: no EXIF object, palette kept
    clean.info = {k: v for k, v in image.info.items() if k in keep}
    options = {}
    if kind == "jpeg":
        options = {"quality": jpeg_quality}
    elif kind == "png":
        options = {"optimize": True}
    out = io.BytesIO()
    clean.save(out, _PIL_FORMAT[kind], **options)
    return clean, out.getvalue()
