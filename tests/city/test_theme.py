"""Colours and logo from the city profile, within the accessible palette; contact, public
URL and date format shown (docs/city-profile.md, issue 15 i)."""

import datetime
import json
import shutil

import pytest
from django.template import Context, Template

from openlima import city

pytestmark = pytest.mark.django_db


@pytest.fixture
def lima(settings):
    settings.CITY_PROFILE = "lima"
    city.clear_cache()
    yield
    city.clear_cache()


def _copy(tmp_path, name="lima"):
    folder = tmp_path / "profile"
    shutil.copytree(city.PROFILES_DIR / name, folder)
    return folder


def _write(folder, change):
    path = folder / "profile.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_contrast_ratio_matches_wcag():
    assert round(city.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(city.contrast_ratio("#767676", "#ffffff"), 2) == 4.54


@pytest.mark.parametrize(
    "key, colour",
    [("primary", "#6fa8dc"), ("accent", "#ff6666"), ("primary_dark", "#8a8a8a")],
)
def test_a_colour_below_4_5_to_1_is_refused(tmp_path, key, colour):
    folder = _copy(tmp_path)
    path = _write(folder, lambda d: d["theme"].__setitem__(key, colour))
    with pytest.raises(city.ProfileError, match=f"theme/{key}: .* at least 4.5:1"):
        city.read_profile(str(path))


def test_load_city_profile_refuses_a_low_contrast_profile(tmp_path):
    from django.core.management import CommandError, call_command

    folder = _copy(tmp_path)
    _write(folder, lambda d: d["theme"].__setitem__("primary", "#9fc5e8"))
    with pytest.raises((CommandError, city.ProfileError), match="4.5:1"):
        call_command("load_city_profile", str(folder))


@pytest.mark.parametrize(
    "logo", ["../lima/profile.json", "profile.json", "missing.svg"]
)
def test_a_logo_outside_the_folder_or_not_an_image_is_refused(tmp_path, logo):
    folder = _copy(tmp_path)
    path = _write(folder, lambda d: d["theme"].__setitem__("logo", logo))
    with pytest.raises(city.ProfileError):
        city.read_profile(str(path))


def test_both_profiles_pass_the_palette_check():
    for name in ("lima", "la-paz"):
        profile = city.read_profile(name)
        for key in ("primary", "primary_dark", "accent"):
            assert city.contrast_ratio(profile["theme"][key], "#ffffff") >= 4.5


def test_lima_theme_css_logo_and_footer(client, lima, django_assert_max_num_queries):
    css = client.get("/perfil/tema.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert "--primary: #0b4f8a;" in css.content.decode()
    logo = client.get("/perfil/logo")
    assert logo["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in logo["Content-Security-Policy"]
    # The very first home on an empty database (no indicator snapshot yet: every part's
    # figures computed once, then stored): 26 with or without the theme. A cold cache
    # with a snapshot, and a warm home, stay within the public pages' bound of 10
    # (tests/openlima/test_public_page_queries.py).
    with django_assert_max_num_queries(26):
        home = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/perfil/tema.css">' in home
    assert 'src="/perfil/logo"' in home
    assert " style=" not in home.split("<body", 1)[1]  # no inline style (CSP)
    assert "Jr. de la Unión 300" in home and "https://www.munlima.gob.pe/" in home


def test_city_date_applies_the_profile_format(lima, settings, tmp_path):
    template = Template("{% load openlima %}{{ day|city_date }}")
    day = datetime.date(2026, 3, 2)
    assert template.render(Context({"day": day})) == "02/03/2026"
    folder = _copy(tmp_path)
    _write(folder, lambda d: d.__setitem__("date_format", "Y-m-d"))
    settings.CITY_PROFILE = str(folder)
    city.clear_cache()
    assert template.render(Context({"day": day})) == "2026-03-02"


@pytest.mark.city_lapaz
def test_la_paz_colours_logo_and_contact(client, lapaz):
    css = client.get("/perfil/tema.css").content.decode()
    assert "--primary: #006b3f;" in css and "--accent: #b01e2f;" in css
    assert b"demostraci" in client.get("/perfil/logo").content
    home = client.get("/").content.decode()
    assert "Calle Mercado esq. Ayacucho" in home and "https://www.lapaz.bo/" in home
    assert "Sitio web oficial de La Paz" in home
