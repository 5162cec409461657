"""Citizen text and images made safe: a Markdown subset cleaned by nh3, images re-encoded
without metadata after sniffing their real type."""

import io

import filetype
import markdown
import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from openlima.errors import ApplicationError

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
}
ALLOWED_IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def render_markdown(text: str) -> str:
    """Markdown (headings shifted under the page's h2) → HTML with only safe tags."""
    html = markdown.markdown(text or "", extensions=[], output_format="html")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )


def render_plain(text: str) -> str:
    """Plain text → escaped paragraphs (comments)."""
    from django.utils.html import linebreaks

    return linebreaks(text or "", autoescape=True)


def image_clean(upload) -> ContentFile:
    """Check size and sniffed type, then re-encode the pixels only (no EXIF/GPS)."""
    from PIL import Image, UnidentifiedImageError

    max_bytes = getattr(settings, "PROPOSAL_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
    if upload.size > max_bytes:
        raise ApplicationError(
            _("La imagen es demasiado grande (máximo %(mb)s MB).")
            % {"mb": max_bytes // (1024 * 1024)},
            field_errors={"image": [_("Imagen demasiado grande.")]},
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_IMAGE_TYPES:
        raise ApplicationError(
            _("La imagen debe ser JPEG, PNG o WebP."),
            field_errors={"image": [_("Tipo de archivo no permitido.")]},
        )
    try:
        image = Image.open(upload)
        if image.width * image.height > 40_000_000:
            raise ApplicationError(_("La imagen tiene demasiados píxeles."))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ApplicationError(
            _("No se pudo leer la imagen."),
            field_errors={"image": [_("Imagen dañada o no válida.")]},
        ) from exc
    image.thumbnail((1600, 1600))
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
    clean = Image.new(mode, image.size)
    clean.putdata(list(image.convert(mode).getdata()))
    out = io.BytesIO()
    if mode == "RGBA":
        clean.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        clean.save(out, format="JPEG", quality=85)
        ext = "jpg"
    return ContentFile(out.getvalue(), name=f"propuesta.{ext}")
