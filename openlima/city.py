"""The city profile: everything that makes this installation Lima's (or La Paz's, or another
OGP Local city's) portal, read once from `profiles/<name>/profile.json` (docs/city-profile.md,
format in docs/city-profile.schema.json).

`settings.CITY_PROFILE` (env `CITY_PROFILE`, default "lima") names a profile folder under
`profiles/` or gives the path of a profile.json (or of its folder). Texts in a profile are
either a string or an object by language code ({"es": "...", "en": "..."}); `city()` returns
them resolved for the active language (Spanish when a language is missing).

This module reads files only; `city_profile_load` (writes to the database) is in services.py.
"""

import datetime
import functools
import json
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROFILES_DIR = BASE_DIR / "profiles"
SCHEMA_PATH = BASE_DIR / "docs" / "city-profile.schema.json"
DEFAULT_PROFILE = "lima"


class ProfileError(ValueError):
    """A profile that cannot be found or does not follow docs/city-profile.schema.json."""


def profile_path(name_or_path: str) -> Path:
    """The profile.json named by `name_or_path`: a folder name under profiles/, a folder, or
    a .json file."""
    value = str(name_or_path or DEFAULT_PROFILE)
    candidate = Path(value)
    if candidate.suffix == ".json" and candidate.is_file():
        return candidate.resolve()
    if candidate.is_dir() and (candidate / "profile.json").is_file():
        return (candidate / "profile.json").resolve()
    if "/" not in value and "\\" not in value and value not in (".", ".."):
        named = PROFILES_DIR / value / "profile.json"
        if named.is_file():
            return named
    raise ProfileError(f"no city profile at {value!r} (see docs/city-profile.md)")


@functools.cache
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def read_profile(name_or_path: str) -> dict:
    """The profile as a dict, validated against the JSON Schema, with `_dir` (its folder)."""
    import jsonschema

    path = profile_path(name_or_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: not JSON ({exc})") from exc
    errors = sorted(
        jsonschema.Draft202012Validator(_schema()).iter_errors(data),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(root)"
        raise ProfileError(f"{path}: {where}: {errors[0].message}")
    data["_dir"] = str(path.parent)
    theme_check(data, where=str(path))
    return data


# --- colours: the accessible palette (WCAG 2.1 AA, 1.4.3: 4.5:1 for text) --------------

MIN_CONTRAST = 4.5
# Each theme colour is used as text or background against these (static/css/openlima.css).
THEME_BACKGROUNDS = {"white": "#ffffff", "light background": "#f3f5f8"}
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def theme_check(profile: dict, *, where: str = "profile") -> None:
    """Refuse a theme colour below 4.5:1 against white or the light background, and a
    logo that is not an SVG or PNG file inside the profile's folder."""
    theme = profile.get("theme")
    if not theme:
        return
    for name in ("primary", "primary_dark", "accent"):
        colour = theme[name]
        for label, background in THEME_BACKGROUNDS.items():
            ratio = contrast_ratio(colour, background)
            if ratio < MIN_CONTRAST:
                raise ProfileError(
                    f"{where}: theme/{name}: {colour} has a contrast of {ratio:.2f}:1 "
                    f"with {label} ({background}); at least {MIN_CONTRAST}:1 is required"
                )
    logo = theme.get("logo")
    if logo:
        path = resolve_file(logo, profile)
        if path.suffix.lower() not in LOGO_TYPES or not path.is_file():
            raise ProfileError(
                f"{where}: theme/logo: {logo!r} is not an SVG or PNG file"
            )


def theme_css(profile: dict | None = None) -> str:
    """The profile's colours as CSS custom properties (served as /perfil/tema.css)."""
    profile = profile or raw()
    theme = profile.get("theme") or {}
    names = {
        "primary": "--primary",
        "primary_dark": "--primary-dark",
        "accent": "--accent",
    }
    lines = [f"  {prop}: {theme[key]};" for key, prop in names.items() if key in theme]
    return ":root {\n" + "\n".join(lines) + "\n}\n" if lines else ""


def logo_file(profile: dict | None = None):
    """(path, media type) of the profile's logo, or None."""
    profile = profile or raw()
    logo = (profile.get("theme") or {}).get("logo")
    if not logo:
        return None
    path = resolve_file(logo, profile)
    return path, LOGO_TYPES[path.suffix.lower()]


@functools.cache
def raw(name_or_path: str | None = None) -> dict:
    """The profile of this installation (settings.CITY_PROFILE) or the one named, cached."""
    if name_or_path is None:
        from . import conf

        name_or_path = conf.city_profile_name()
    return read_profile(name_or_path)


def clear_cache() -> None:
    """Forget the cached profiles (tests that switch CITY_PROFILE)."""
    raw.cache_clear()
    _resolved.cache_clear()


def localize(value, language: str):
    """A profile text for `language`: {"es": ..., "en": ...} -> one string; nested too."""
    if isinstance(value, dict):
        if (
            value
            and all(isinstance(k, str) and len(k) == 2 for k in value)
            and all(isinstance(v, str) for v in value.values())
        ):
            return value.get(language) or value.get("es") or next(iter(value.values()))
        return {k: localize(v, language) for k, v in value.items()}
    if isinstance(value, list):
        return [localize(v, language) for v in value]
    return value


@functools.cache
def _resolved(language: str, key: str | None) -> dict:
    return localize(raw(key), language)


def city(language: str | None = None) -> dict:
    """The current profile with texts in `language` (the active one by default)."""
    if language is None:
        from django.utils.translation import get_language

        language = (get_language() or "es")[:2]
    return _resolved(language, None)


def text(path: str, language: str | None = None) -> str:
    """One value of the profile by dotted path, e.g. text("identity_document.label")."""
    value = city(language)
    for part in path.split("."):
        value = value[part]
    return value


def lazy_text(path: str, fallback=None):
    """A lazy string: the profile's text at `path` in the language active when it is shown,
    or `fallback` (e.g. a gettext_lazy string) when the profile leaves it out. For labels
    defined at import time (forms, model choices)."""
    from django.utils.functional import lazy

    def resolve():
        try:
            return str(text(path))
        except (KeyError, TypeError):
            if fallback is None:
                raise
            return str(fallback)

    return lazy(resolve, str)()


def lazy_format(message, **paths):
    """A lazy `message % {name: profile text}`: message is a gettext_lazy string with
    %(name)s placeholders, each filled from the profile path given for it; first letter in capitals (labels)."""
    from django.utils.functional import lazy
    from django.utils.text import capfirst

    def resolve():
        return capfirst(
            str(message) % {name: text(path) for name, path in paths.items()}
        )

    return lazy(resolve, str)()


# The currency symbol that labels are written with (Lima's, the embedded default).
WRITTEN_SYMBOL = "S/"


def currency_label(message):
    """A lazy label written with Lima's symbol ("Monto (S/)") shown with the profile's
    ("Monto (Bs)"), in the language active when shown. For model fields' labels, whose
    written text must not depend on the profile (openlima.fields.AmountField)."""
    from django.utils.functional import lazy

    def resolve():
        return str(message).replace(WRITTEN_SYMBOL, raw()["currency"]["symbol"])

    return lazy(resolve, str)()


def resolve_file(relative: str, profile: dict | None = None) -> Path:
    """A file named in the profile, relative to the profile's folder (never outside it)."""
    profile = profile or raw()
    base = Path(profile["_dir"]).resolve()
    target = (base / relative).resolve()
    if base != target and base not in target.parents:
        raise ProfileError(f"{relative!r} is outside the profile folder")
    return target


def demo_content(key: str, profile: dict | None = None):
    """The profile's own demo content under `key` (its `demo_content`, docs/city-profile.md).

    `None` when the profile has no `demo_content` at all: each app then loads its own demo
    (Lima's). A profile with `demo_content` but without `key` gets an empty value, so that
    no other city's demo is ever loaded under it."""
    profile = profile or raw()
    content = profile.get("demo_content")
    if content is None:
        return None
    return content.get(key) or {}


def holidays(profile: dict | None = None) -> list[datetime.date]:
    """Public holidays of the profile's business-day calendar."""
    profile = profile or raw()
    return [
        datetime.date.fromisoformat(d)
        for d in profile.get("legal", {}).get("holidays", [])
    ]


def format_money(value, profile: dict | None = None) -> str:
    """An amount in the profile's currency and number format: "S/ 1,234.50", "Bs 1.234,50"."""
    from decimal import Decimal

    profile = profile or raw()
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    return (
        f"{sign}{profile['currency']['symbol']} {format_amount(abs(amount), profile)}"
    )


def format_amount(value, profile: dict | None = None) -> str:
    """An amount without its symbol in the profile's number format: "1,234.50" (Lima),
    "1.234,50" (La Paz)."""
    from decimal import Decimal

    profile = profile or raw()
    digits = int(profile["currency"].get("decimals", 2))
    text_ = f"{Decimal(value):,.{digits}f}"
    thousands = profile.get("number_format", {}).get("thousands_separator", ",")
    decimal = profile.get("number_format", {}).get("decimal_separator", ".")
    return text_.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def public_profile_help():
    """Help text of the "public profile" choice: how a person is shown otherwise, with the
    profile's name of a territorial unit ("vecino/a de su distrito" / "macrodistrito")."""
    from django.utils.functional import lazy
    from django.utils.translation import gettext

    def resolve():
        return gettext(
            "Mostrar su nombre junto a sus aportes; si no, aparece como vecino/a de su "
            "%(unit)s."
        ) % {"unit": text("territory.unit_label")}

    return lazy(resolve, str)()


# The org-id schemes a supplier's identifier may follow (legal.supplier_id.scheme,
# docs/city-profile.md): the label shown when the profile gives none. Each scheme has its
# format check in contracting/models/common.py.
SUPPLIER_SCHEMES = {"PE-RUC": "RUC", "BO-NIT": "NIT"}
DEFAULT_SUPPLIER_SCHEME = "PE-RUC"


def supplier_scheme(profile: dict | None = None) -> str:
    """The OCDS org-id scheme of suppliers' identifiers ("PE-RUC", "BO-NIT")."""
    profile = profile or raw()
    supplier = profile.get("legal", {}).get("supplier_id") or {}
    return supplier.get("scheme", DEFAULT_SUPPLIER_SCHEME)


def supplier_label(language: str | None = None) -> str:
    """The name of a supplier's identifier ("RUC", "NIT") in `language`."""
    try:
        return str(text("legal.supplier_id.label", language))
    except (KeyError, TypeError):
        return SUPPLIER_SCHEMES.get(supplier_scheme(), supplier_scheme())


def lazy_supplier_label():
    """supplier_label() as a lazy string (model and form labels)."""
    from django.utils.functional import lazy

    return lazy(supplier_label, str)()


def ocid_segment(profile: dict | None = None) -> str:
    """What follows the ocid prefix in the ocids this portal writes: the buyer's short name
    (legal.ocds_publisher.ocid_segment; "mml" when the profile gives none)."""
    profile = profile or raw()
    publisher = profile.get("legal", {}).get("ocds_publisher") or {}
    return publisher.get("ocid_segment", "mml")


def role_unit_name(role: str, language: str | None = None) -> str:
    """The name of the municipal unit the profile gives a role (`roles`), e.g. the integrity
    unit's for "integrity_member"; "" when the profile names none."""
    profile = city(language)
    slug = (profile.get("roles", {}).get(role) or {}).get("unit")
    for unit in profile.get("municipal_units", []):
        if unit.get("slug") == slug:
            return unit["name"]
    return ""
