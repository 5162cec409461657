"""/gestion/: procurement editors work only for their unit; every save writes a release."""

import pytest

from contracting.models import ContractingProcess, Release, Supplier
from openlima import roles
from openlima.models import OrgUnit
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ADD = "/gestion/contracting/contractingprocess/add/"


def _inlines(**extra):
    data = {}
    for prefix in ("bids", "awards", "documents"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(extra)
    return data


def _form(unit, **extra):
    data = _inlines(
        title="Adquisición de equipos de cómputo",
        description="Para las oficinas de atención",
        buyer_unit=str(unit.pk),
        budget_amount="120000",
        method="open",
        category="goods",
        tender_amount="118000",
        tender_start_0="2026-12-01",
        tender_start_1="09:00",
        tender_end_0="2026-12-30",
        tender_end_1="17:00",
        is_published="on",
    )
    data.update(extra)
    return data


def test_editor_publishes_a_tender_and_a_release_is_written(
    staff_client_factory, procurement_editor, logistics
):
    client = staff_client_factory(procurement_editor)
    response = client.post(ADD, _form(logistics))
    assert response.status_code == 302, response.content.decode()[:2000]
    p = ContractingProcess.objects.get()
    assert p.buyer_unit == logistics
    assert list(p.releases.values_list("tag", flat=True)) == [["tender"]]
    assert p.compiled["tender"]["value"]["amount"] == 118000
    # Adding a bid and the award in the same page: one new release, tagged award.
    supplier = Supplier.objects.create(ruc="20512345678", name="Cómputo S.A.C.")
    change = f"/gestion/contracting/contractingprocess/{p.pk}/change/"
    data = _form(
        logistics,
        **{
            "bids-TOTAL_FORMS": "1",
            "bids-0-supplier": str(supplier.pk),
            "bids-0-amount": "117000",
            "bids-0-status": "valid",
            "awards-TOTAL_FORMS": "1",
            "awards-0-supplier": str(supplier.pk),
            "awards-0-amount": "117000",
            "awards-0-date_0": "2027-01-05",
            "awards-0-date_1": "10:00",
            "awards-0-status": "active",
        },
    )
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    tags = list(p.releases.order_by("date", "id").values_list("tag", flat=True))
    assert tags == [["tender"], ["award"]]
    p.refresh_from_db()
    assert set(p.red_flags.values_list("code", flat=True)) == {
        "single_bidder",
        "price_close_to_estimate",
    }


def test_editor_cannot_use_another_unit_or_see_its_processes(
    staff_client_factory, procurement_editor, make_process
):
    other = OrgUnit.objects.get(slug="sgdi")
    theirs = make_process("De otra unidad", unit=other)
    client = staff_client_factory(procurement_editor)
    response = client.post(ADD, _form(other))
    assert response.status_code == 200  # the form refuses the choice
    assert ContractingProcess.objects.count() == 1
    listing = client.get("/gestion/contracting/contractingprocess/")
    assert "De otra unidad" not in listing.content.decode()
    change = f"/gestion/contracting/contractingprocess/{theirs.pk}/change/"
    assert client.get(change).status_code in (302, 403, 404)
    before = Release.objects.count()
    client.post(change, _form(other, title="Cambiado"))
    theirs.refresh_from_db()
    assert theirs.title == "De otra unidad"
    assert Release.objects.count() == before


def test_coordinator_sees_every_unit(staff_client_factory, coordinator, make_process):
    make_process("De logística")
    make_process("De SGDI", unit=OrgUnit.objects.get(slug="sgdi"))
    client = staff_client_factory(coordinator)
    html = client.get("/gestion/contracting/contractingprocess/").content.decode()
    assert "De logística" in html and "De SGDI" in html


def test_other_staff_and_citizens_are_kept_out(staff_client_factory, make_process):
    make_process()
    editor = StaffFactory(roles=[roles.UNIT_EDITOR])
    client = staff_client_factory(editor)
    assert client.get("/gestion/contracting/contractingprocess/").status_code == 403
    assert (
        client.post(ADD, _form(OrgUnit.objects.get(slug="logistica"))).status_code
        == 403
    )
    assert ContractingProcess.objects.count() == 1


@pytest.mark.parametrize(
    "field,value",
    [
        ("title", ""),
        ("title", "x" * 301),
        ("budget_amount", "-1"),
        ("budget_amount", "1e400"),
        ("budget_amount", "abc"),
        ("tender_amount", "99999999999999999999"),
        ("method", "bribery"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    staff_client_factory, procurement_editor, logistics, field, value
):
    client = staff_client_factory(procurement_editor)
    data = _form(logistics)
    data[field] = value
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert ContractingProcess.objects.count() == 0
    assert Release.objects.count() == 0


def test_releases_are_read_only_in_the_admin(
    staff_client_factory, coordinator, make_process
):
    p = make_process()
    release = p.releases.first()
    client = staff_client_factory(coordinator)
    url = f"/gestion/contracting/release/{release.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"data": "{}"})
    release.refresh_from_db()
    assert release.data["ocid"] == p.ocid
    assert client.get("/gestion/contracting/release/add/").status_code == 403
