"""Spanish by default, English under /en/, and every English catalogue complete."""

import gettext
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p
    for pattern in (
        "locale/en/LC_MESSAGES/django.po",
        "*/locale/en/LC_MESSAGES/django.po",
    )
    for p in ROOT.glob(pattern)
    if ".venv" not in p.parts
)


def _entries(po: Path):
    """(msgid, msgstr, flags) of every entry but the header and obsolete ones; for a
    plural entry, msgstr is its first form."""
    for entry in polib.pofile(str(po)):
        if entry.obsolete or not entry.msgid:
            continue
        msgstr = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        yield entry.msgid, msgstr, " ".join(entry.flags)


def test_the_core_catalogue_exists():
    assert ROOT / "locale/en/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_english_msgstr_is_filled_and_compiled(po):
    entries = list(_entries(po))
    assert entries, f"{po} has no entries"
    empty = [msgid for msgid, msgstr, _ in entries if not msgstr.strip()]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert empty == [], f"untranslated in {po}: {empty[:10]}"
    assert fuzzy == [], f"fuzzy in {po}: {fuzzy[:10]}"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make messages and commit the .mo"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [e.msgid for e in _live(po) if _compiled_text(compiled, e) != _text(e)]
    assert stale == [], f"{mo} is out of date: {stale[:5]}"


def _live(po: Path):
    for entry in polib.pofile(str(po)):
        if not entry.obsolete and entry.msgid and "\x00" not in entry.msgid:
            yield entry


def _text(entry) -> str:
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def _compiled_text(compiled, entry) -> str:
    """What the .mo answers for the entry: a plural entry asked through ngettext (how
    `gettext()` treats a plural msgid differs between Python 3.11 patch releases)."""
    if entry.msgid_plural:
        if entry.msgctxt:
            return compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt:
        return compiled.pgettext(entry.msgctxt, entry.msgid)
    return compiled.gettext(entry.msgid)


def test_the_parser_sees_an_empty_msgstr(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "Hola"\nmsgstr ""\n\n'
        'msgid ""\n"Largo "\n"texto"\nmsgstr "Long text"\n',
        encoding="utf-8",
    )
    assert list(_entries(po)) == [
        ("Hola", "", ""),
        ("Largo texto", "Long text", ""),
    ]


@pytest.mark.django_db
def test_english_under_en_and_spanish_by_default(client):
    es = client.get("/").content.decode()
    en = client.get("/en/").content.decode()
    assert '<html lang="es">' in es and '<html lang="en">' in en
    for spanish, english in [
        ("Inicio", "Home"),
        ("Compromisos", "Commitments"),
        ("Datos abiertos", "Open data"),
        ("Iniciar sesión", "Sign in"),
        ("Saltar al contenido", "Skip to content"),
        ("Las cuatro partes del portal", "The four parts of the portal"),
    ]:
        assert spanish in es and english not in es.replace("Open Lima", "")
        assert english in en and spanish not in en


@pytest.mark.django_db
def test_english_account_pages(client):
    html = client.get("/en/cuenta/signup/").content.decode()
    assert "I have read the privacy policy" in html
    assert "(required)" in html
    assert "obligatorio" not in html
