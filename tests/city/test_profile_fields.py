"""Values that were still Lima's in the code and now come from the city profile
(docs/city-profile.md, issue 15 m): the amount's admin label, the public-profile help text,
the census CSV's columns, the datasets' bounding box and the OCDS publisher identifier."""

import datetime

import pytest

from openlima import city
from openlima.models import District

pytestmark = pytest.mark.django_db


def _lima(settings):
    settings.CITY_PROFILE = "lima"
    city.clear_cache()


@pytest.fixture
def lima(settings):
    _lima(settings)
    yield
    city.clear_cache()


def test_amount_label_and_help_text_are_limas_under_lima(lima):
    from budgets.admin import amount_label

    assert str(amount_label()) == "Monto (S/)"
    assert "vecino/a de su distrito" in str(city.public_profile_help())


@pytest.mark.city_lapaz
def test_amount_label_and_help_text_follow_la_paz(lapaz, admin_client):
    from budgets.admin import amount_label

    assert str(amount_label()) == "Monto (Bs)"
    assert "vecino/a de su macrodistrito" in str(city.public_profile_help())
    from openlima.forms import ProfileForm

    form = ProfileForm()
    assert "macrodistrito" in str(form.fields["public_profile"].help_text)
    assert str(form.fields["district"].label) == "Macrodistrito"


@pytest.mark.city_lapaz
def test_heading_admin_shows_the_amount_in_bolivianos(lapaz, rf):
    from django.contrib import admin

    from budgets.models import Heading

    heading_admin = admin.site._registry[Heading]
    field = heading_admin.formfield_for_dbfield(
        Heading._meta.get_field("amount"), rf.get("/")
    )
    assert str(field.label) == "Monto (Bs)"
    assert str(heading_admin.amount_shown.short_description) == "Monto (Bs)"


def _census(tmp_path, header, row):
    path = tmp_path / "census.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return str(path)


def test_census_csv_columns_under_lima(lima, settings, tmp_path):
    from budgets.backends import CensusCsvBackend

    district = District.objects.get(ubigeo="150101")
    settings.RESIDENT_CENSUS_CSV = _census(
        tmp_path, "dni,birth_date,ubigeo", "40771234,1980-05-01,150101"
    )
    decision = CensusCsvBackend().check(
        dni="40771234", birth_date=datetime.date(1980, 5, 1), district=district
    )
    assert decision.status == "verified"


@pytest.mark.city_lapaz
def test_census_csv_columns_follow_la_paz(lapaz, settings, tmp_path):
    from budgets.backends import CensusCsvBackend

    district = District.objects.get(ubigeo="LPZ-01")
    backend = CensusCsvBackend()
    # Lima's column names are not La Paz's: no match
    settings.RESIDENT_CENSUS_CSV = _census(
        tmp_path, "dni,birth_date,ubigeo", "4827193,1980-05-01,LPZ-01"
    )
    assert (
        backend.check(
            dni="4827193", birth_date=datetime.date(1980, 5, 1), district=district
        ).status
        == "rejected"
    )
    settings.RESIDENT_CENSUS_CSV = _census(
        tmp_path, "ci,birth_date,code", "4827193,1980-05-01,LPZ-01"
    )
    assert (
        backend.check(
            dni="4827193", birth_date=datetime.date(1980, 5, 1), district=district
        ).status
        == "verified"
    )


def test_bounding_box_is_limas_under_lima(lima):
    from opendata import geo

    w, s, e, n = geo.bbox()
    assert -77.3 < w < e < -76.5 and -12.6 < s < n < -11.5
    assert geo.city_name() == "Lima Metropolitana"


@pytest.mark.city_lapaz
def test_bounding_box_follows_la_paz(lapaz):
    from opendata import geo

    w, s, e, n = geo.bbox()
    # La Paz (Bolivia) is near 68°W, 16.5°S
    assert -69 < w < e < -67.5 and -17 < s < n < -16
    assert geo.city_name() == "Municipio de La Paz"
    assert set(geo.district_bboxes()) == set(
        District.objects.values_list("ubigeo", flat=True)
    )


def test_ocds_publisher_is_limas_ruc_under_lima(lima):
    from contracting import ocds

    assert ocds.publisher()["scheme"] == "PE-RUC"
    assert ocds.publisher()["uid"] == "20131380951"


@pytest.mark.city_lapaz
def test_ocds_publisher_follows_la_paz(lapaz):
    from contracting import ocds

    assert ocds.publisher()["scheme"] == "BO-NIT"
    assert ocds.publisher()["uid"] != "20131380951"
