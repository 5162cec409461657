from django import template
from django.conf import settings
from django.urls import get_script_prefix, translate_url
from django.utils.translation import get_language, get_language_info

from openlima import conf

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """Links to the current page in every language (plain links: no cookie, no JavaScript)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.filter
def percent(value, total):
    """value/total as an integer percentage (0 when total is 0)."""
    try:
        return round(100 * float(value) / float(total)) if float(total) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def city_date(value):
    """A date in the city profile's `date_format` (Django date format: "d/m/Y")."""
    from django.utils.dateformat import format as date_format

    from openlima import city

    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value)
    return date_format(value, city.raw().get("date_format", "d/m/Y"))


@register.filter
def money(value):
    """An amount in the city profile's currency and number format ("S/ 1,234.50",
    "Bs 1.234,50"); empty for an empty value."""
    from decimal import InvalidOperation

    from openlima import city

    if value in (None, ""):
        return ""
    try:
        return city.format_money(value)
    except (InvalidOperation, ValueError, TypeError):
        return value


@register.simple_tag
def city_text(path):
    """A text of the city profile in the active language, e.g. {% city_text "portal_name" %}
    (for templates rendered without the `city` context: e-mails, error pages)."""
    from openlima import city

    return city.text(path)


@register.filter
def code_groups(code) -> str:
    """ "1234-5678" → each group in a no-wrap span with the dashes between them (issue 12):
    a code may wrap after a dash, never inside a group; its text is unchanged."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    text = str(code or "")
    if not text:
        return ""
    return mark_safe(
        "-<wbr>".join(
            format_html('<span class="code-group">{}</span>', g)
            for g in text.split("-")
        )
    )


@register.simple_tag(takes_context=True)
def feedback_form(context, moment: str = "page"):
    """`{% feedback_form %}` in the footer, `{% feedback_form "complaint" %}` at the end of
    a journey: the "¿Le fue útil?" form for this part of the portal (docs/feedback.md).
    Its HTML depends only on the language, the URL prefix, the part and the moment, so
    it is rendered once per process for each (docs/performance.md); not with DEBUG, so
    an edited template shows at once."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from openlima.feedback import part_for

    request = context.get("request")
    part = part_for(getattr(request, "resolver_match", None))
    html = _memoised(
        ("feedback", get_language(), get_script_prefix(), part, moment),
        lambda: render_to_string(
            "openlima/includes/feedback_form.html",
            {
                "part": part,
                "moment": moment,
                "journey": moment != "page",
                "scores": range(1, 6),
            },
        ),
    )
    return mark_safe(html)  # noqa: S308 (our own template, autoescaped)


@register.filter
def suppressed(value, below=5):
    """A published figure, or the one wording used everywhere for a figure withheld to
    protect people (complaints: home and /denuncias/, issue 12): "menos de 5"."""
    from django.utils.translation import gettext

    if value is None or value == "":
        return gettext("menos de %(n)s") % {"n": below or 5}
    return value


@register.simple_tag(takes_context=True)
def contact_href(context) -> str:
    """Where "póngase en contacto" points (issue 12): the city profile's contact e-mail,
    else the contact block in the footer of every page (docs/city-profile.md)."""
    contact = (context.get("city") or {}).get("contact") or {}
    email = contact.get("email")
    return f"mailto:{email}" if email else "#contacto"


# --- {% memo %}: parts of the page frame rendered once per process ----------------------

_MEMO_HTML: dict[tuple, str] = {}
_MEMO_MAX = 4096  # entries (a few hundred bytes each); emptied when full


def _memoised(key: tuple, render) -> str:
    """The HTML kept for `key` in this process, or `render()` kept from now on (not with
    DEBUG, so an edited template shows at once): the footer form and `{% memo %}`."""
    html = _MEMO_HTML.get(key)
    if html is None:
        html = render()
        if not settings.DEBUG:
            if len(_MEMO_HTML) >= _MEMO_MAX:
                _MEMO_HTML.clear()
            _MEMO_HTML[key] = html
    return html


class MemoNode(template.Node):
    def __init__(self, nodelist, name: str, vary: list):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        key = (
            "memo:" + self.name,
            get_language(),
            get_script_prefix(),
            conf.city_profile_name(),
            *(str(value.resolve(context)) for value in self.vary),
        )
        return _memoised(key, lambda: self.nodelist.render(context))


@register.tag
def memo(parser, token):
    """`{% memo "name" value … %}…{% endmemo %}`: the enclosed part rendered once per
    process for each language, URL prefix, city profile and the values named, then reused
    (docs/performance.md, "The page frame"). Only for parts that depend on nothing else:
    no user, no CSRF token, no database content. Not kept with DEBUG, so an edited
    template shows at once (like `feedback_form`)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memo %} needs a name")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return MemoNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])


def memo_clear() -> None:
    """Forget the memoised parts (tests that change templates' inputs in-process)."""
    _MEMO_HTML.clear()
