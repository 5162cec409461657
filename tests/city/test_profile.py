"""The city profile (docs/city-profile.md): format, loader, load_city_profile, the identity
document validators and money formatting. Runs under the default (Lima) profile."""

import json
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budgets.identity import bo_ci_parse
from openlima import city
from openlima.models import District, OrgUnit
from openlima.reference_data import city_profile_load


def test_both_bundled_profiles_follow_the_schema():
    lima = city.read_profile("lima")
    lapaz = city.read_profile("la-paz")
    assert lima["currency"]["code"] == "PEN" and lima["timezone"] == "America/Lima"
    assert lapaz["currency"]["code"] == "BOB" and lapaz["timezone"] == "America/La_Paz"
    assert lapaz["identity_document"]["validator"] == "bo-ci" and lapaz["demo"] is True


def test_default_profile_is_lima_with_todays_values(settings):
    assert settings.CITY_PROFILE == "lima" and settings.TIME_ZONE == "America/Lima"
    assert city.text("portal_name", "es") == "Open Lima"
    assert city.text("participation_name", "es") == "Lima Activa"
    assert city.text("complaints_name", "es") == "Lima Honesta"
    assert (
        settings.OPENLIMA["MUNICIPALITY_NAME"] == "Municipalidad Metropolitana de Lima"
    )


def test_lima_profile_keeps_the_licence_notice_of_its_polygons():
    notice = (city.PROFILES_DIR / "lima" / "LICENSE-districts.md").read_text()
    assert (
        "Mozilla Public License 2.0" in notice and "juaneladio/peru-geojson" in notice
    )
    data = json.loads((city.PROFILES_DIR / "lima" / "districts.geojson").read_text())
    assert len(data["features"]) == 43


def test_lapaz_polygons_are_labelled_as_invented_demo_data():
    data = json.loads(
        (city.PROFILES_DIR / "la-paz" / "macrodistricts.demo.geojson").read_text()
    )
    assert "DEMO" in data["name"] and "INVENTED" in data["description"]
    assert len(data["features"]) == 9


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda p: p.pop("currency"), "currency"),
        (lambda p: p["currency"].update(code="soles"), "currency"),
        (lambda p: p["identity_document"].update(validator="xx-id"), "validator"),
        (lambda p: p.update(name=""), "name"),
        (lambda p: p.update(name={"en": "no Spanish"}), "name"),
        (lambda p: p["territory"].update(units="../../etc/passwd"), "units"),
        (lambda p: p["legal"].update(holidays=["31/12/2026"]), "holidays"),
        (lambda p: p.update(unknown_key=1), "unknown_key"),
        (lambda p: p.update(slug="<script>"), "slug"),
    ],
)
def test_a_bad_profile_is_refused_with_where_it_is_wrong(tmp_path, change, message):
    folder = tmp_path / "bad"
    shutil.copytree(city.PROFILES_DIR / "lima", folder)
    data = json.loads((folder / "profile.json").read_text())
    change(data)
    (folder / "profile.json").write_text(json.dumps(data))
    with pytest.raises(city.ProfileError, match=message):
        city.read_profile(str(folder))


@pytest.mark.parametrize(
    "content", ["", "{", "\x00", "[]", "null", '"lima"', '{"slug": 1}']
)
def test_a_profile_that_is_not_a_json_object_is_refused(tmp_path, content):
    (tmp_path / "profile.json").write_text(content)
    with pytest.raises(city.ProfileError):
        city.read_profile(str(tmp_path))


@pytest.mark.parametrize("name", ["nowhere", "../profiles/lima", "", "/etc", ".."])
def test_an_unknown_profile_name_is_refused(name):
    if name == "":
        assert city.profile_path(name).parent.name == "lima"  # the default
        return
    with pytest.raises(city.ProfileError):
        city.profile_path(name) if name != "../profiles/lima" else city.profile_path(
            "../nothing"
        )


def test_a_file_named_outside_the_profile_folder_is_refused():
    with pytest.raises(city.ProfileError, match="outside"):
        city.resolve_file("../la-paz/profile.json", city.read_profile("lima"))


@pytest.mark.django_db
def test_load_city_profile_is_idempotent_and_switches_cities():
    out = StringIO()
    call_command("load_city_profile", "lima", stdout=out)
    assert District.objects.count() == 43
    assert District.objects.exclude(geometry=None).count() == 42  # source lacks one
    call_command("load_city_profile", "lima", stdout=out)
    assert "0 created, 0 updated, 43 unchanged, 0 removed" in out.getvalue()

    call_command("load_city_profile", "la-paz", stdout=out)
    assert District.objects.count() == 9
    assert set(District.objects.values_list("name", flat=True)) >= {
        "Cotahuma",
        "Max Paredes",
        "Zongo",
    }
    assert District.objects.get(ubigeo="LPZ-01").geometry["type"] == "Polygon"
    assert OrgUnit.objects.get(slug="integridad").name.startswith(
        "Unidad de Transparencia"
    )
    assert not OrgUnit.objects.filter(is_active=True, name__contains="Lima").exists()
    call_command("load_city_profile", "la-paz", stdout=out)
    assert "0 created, 0 updated, 9 unchanged, 0 removed" in out.getvalue()

    call_command("load_city_profile", "lima", stdout=out)
    assert District.objects.count() == 43
    assert OrgUnit.objects.get(slug="integridad").name == (
        "Unidad de Integridad Institucional"
    )


@pytest.mark.django_db
def test_a_unit_still_referenced_is_kept_not_deleted(user):
    district = user.district
    assert district is not None
    result = city_profile_load(city.read_profile("la-paz"))
    assert district.ubigeo in result["kept"]
    user.refresh_from_db()
    assert user.district_id == district.pk  # nobody's data lost


@pytest.mark.django_db
def test_load_city_profile_refuses_an_unknown_profile():
    with pytest.raises(CommandError, match="no city profile"):
        call_command("load_city_profile", "atlantis", stdout=StringIO())


@pytest.mark.parametrize(
    "typed,canonical",
    [
        ("4827193", "4827193"),
        ("4827193 LP", "4827193"),
        ("4827193-1B", "4827193-1B"),
        ("4827193-1b lp", "4827193-1B"),
        ("4.827.193", "4827193"),
        ("123456789", "123456789"),
    ],
)
def test_bolivian_cedula_numbers_are_read_in_their_formats(typed, canonical):
    assert bo_ci_parse(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1234",
        "1234567890",
        "0482719",
        "4827193-B1",
        "4827193 XX",
        "12345678-K",
        "abc",
        "4827193\x00",
        "<b>4827193</b>",
        "9" * 200,
        None,
    ],
)
def test_bad_cedula_numbers_are_refused(typed):
    assert bo_ci_parse(typed) is None


def test_money_follows_the_profile_currency_and_number_format():
    lima, lapaz = city.read_profile("lima"), city.read_profile("la-paz")
    assert city.format_money(Decimal("1234567.5"), lima) == "S/ 1,234,567.50"
    assert city.format_money(Decimal("1234567.5"), lapaz) == "Bs 1.234.567,50"
    assert city.format_money(Decimal("-3"), lapaz) == "-Bs 3,00"


def test_the_soles_filter_gives_an_empty_text_for_what_is_not_an_amount():
    from budgets.templatetags.budgets_tags import soles

    assert soles("1000") == "S/ 1,000.00"
    for bad in [None, "", "abc", "NaN", "Infinity", object()]:
        assert soles(bad) == ""


def test_profile_texts_follow_the_active_language():
    assert city.text("territory.unit_label", "es") == "distrito"
    assert city.text("territory.unit_label", "en") == "district"
    assert city.text("portal_name", "fr") == "Open Lima"  # Spanish when missing
