"""Citizen text and images made safe: a Markdown subset cleaned by nh3, images re-encoded
without metadata after sniffing their real type."""

import markdown
import nh3
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from openlima import uploads

from . import conf

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
ALLOWED_IMAGE_KINDS = frozenset({"jpeg", "png", "webp"})


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


IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_SIDE = 1600
IMAGE_MESSAGES = {
    "too_big": (
        _("La imagen es demasiado grande (máximo %(mb)s MB)."),
        _("Imagen demasiado grande."),
    ),
    "not_allowed": (
        _("La imagen debe ser JPEG, PNG o WebP."),
        _("Tipo de archivo no permitido."),
    ),
    "too_many_pixels": (_("La imagen tiene demasiados píxeles."), None),
    "bad_image": (_("No se pudo leer la imagen."), _("Imagen dañada o no válida.")),
}
IMAGE_MESSAGES["empty"] = IMAGE_MESSAGES["not_allowed"]


def image_clean(upload) -> ContentFile:
    """Check size and sniffed type, then re-encode the pixels only (no EXIF/GPS)."""
    max_bytes = conf.image_max_bytes()
    refuse = {"field": "image", "messages": IMAGE_MESSAGES}
    uploads.check_size(upload.size, max_bytes=max_bytes, **refuse)
    upload.seek(0)
    image = uploads.image_clean(
        upload.read(),
        allowed=ALLOWED_IMAGE_KINDS,
        output="web",
        max_pixels=IMAGE_MAX_PIXELS,
        max_side=IMAGE_MAX_SIDE,
        **refuse,
    )
    return ContentFile(image.data, name=f"propuesta.{image.extension}")
