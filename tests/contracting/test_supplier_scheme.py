"""Suppliers' identifier scheme and the ocid segment come from the city profile
(legal.supplier_id, legal.ocds_publisher.ocid_segment; docs/city-profile.md): a RUC
(PE-RUC) and "mml" in Lima, a NIT (BO-NIT) and "gamlp" in La Paz. The La Paz tests are
marked `city_lapaz`; the others check that Lima is unchanged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracting import services
from contracting.models import Award, Bid, Supplier, validate_supplier_id
from contracting.services.releases import _supplier_get_or_create, ocid_new
from openlima.models import District, OrgUnit

pytestmark = pytest.mark.django_db
V = Bid.Status.VALID


# --- Lima (the default profile): unchanged -----------------------------------------------


def test_lima_suppliers_are_identified_by_ruc(make_process, client):
    validate_supplier_id("20600000011")
    for wrong in ("1000000011", "30600000011", "2060000001", "20-600000011"):
        with pytest.raises(ValidationError, match="RUC"):
            validate_supplier_id(wrong)
    assert str(Supplier._meta.get_field("ruc").verbose_name) == "RUC"
    process = make_process(bids=[(1, "90000", V)], award=(1, "90000"))
    assert process.ocid.startswith("ocds-") and "-mml-" in process.ocid
    assert "-mml-" in ocid_new()
    parties = {p["id"]: p for p in process.compiled["parties"]}
    supplier = Supplier.objects.get()
    assert parties[f"PE-RUC-{supplier.ruc}"]["identifier"]["scheme"] == "PE-RUC"
    assert any(pid.startswith("PE-RUC-20131380951") for pid in parties)
    page = client.get(f"/contrataciones/{process.ocid}/").content.decode()
    assert '<th scope="col">RUC</th>' in page
    page = client.get(supplier.get_absolute_url()).content.decode()
    assert "<dt>RUC</dt>" in page
    assert client.get("/contrataciones/proveedores/1000000011/").status_code == 404
    policy = client.get("/contrataciones/politica-de-publicacion/").content.decode()
    assert "Los proveedores se identifican con su RUC (esquema PE-RUC)." in policy


def test_lima_import_takes_only_pe_ruc_parties():
    assert _supplier_get_or_create(party_id="PE-RUC-20600000011", name="A").ruc == (
        "20600000011"
    )
    assert _supplier_get_or_create(party_id="BO-NIT-1000000011", name="B") is None
    assert _supplier_get_or_create(party_id="PE-RUC-123", name="C") is None


# --- La Paz -------------------------------------------------------------------------------


@pytest.mark.city_lapaz
def test_la_paz_suppliers_are_identified_by_nit(lapaz, client):
    validate_supplier_id("1020703023")
    validate_supplier_id("4827193")
    for wrong in ("123456", "1234567890123", "1020703023-1", "NIT1020703"):
        with pytest.raises(ValidationError, match="NIT"):
            validate_supplier_id(wrong)
    assert str(Supplier._meta.get_field("ruc").verbose_name) == "NIT"
    # The same field in the migration state under both profiles: "RUC", one validator.
    _name, path, _args, kwargs = Supplier._meta.get_field("ruc").deconstruct()
    assert path == "django.db.models.CharField" and kwargs["verbose_name"] == "RUC"
    assert kwargs["validators"] == [validate_supplier_id]

    unit = OrgUnit.objects.get(slug="gerencia-municipal")
    process = services.process_create(
        user=None,
        data={
            "title": "[Demostración] Proceso de prueba",
            "buyer_unit": unit,
            "district": District.objects.get(ubigeo="LPZ-01"),
            "budget_amount": Decimal("100000"),
            "is_published": True,
        },
    )
    assert "-gamlp-" in process.ocid and "mml" not in process.ocid
    from django.utils import timezone

    process.method = "open"
    process.tender_start = timezone.now() - timezone.timedelta(days=30)
    process.tender_end = timezone.now() - timezone.timedelta(days=10)
    process.save()
    supplier = Supplier.objects.create(ruc="1020703023", name="Empresa de prueba")
    Bid.objects.create(
        process=process,
        supplier=supplier,
        amount=Decimal("90000"),
        submitted_at=process.tender_end,
    )
    Award.objects.create(process=process, supplier=supplier, amount=Decimal("90000"))
    services.release_write(process=process)
    process.refresh_from_db()
    parties = {p["id"]: p for p in process.compiled["parties"]}
    assert parties["BO-NIT-1020703023"]["identifier"]["scheme"] == "BO-NIT"
    assert parties["BO-NIT-1020703023"]["roles"] == ["tenderer", "supplier"]
    assert not any(pid.startswith("PE-") for pid in parties)
    assert any(pid.startswith("BO-NIT-") for pid in parties)  # the buyer

    page = client.get(f"/contrataciones/{process.ocid}/").content.decode()
    assert '<th scope="col">NIT</th>' in page and "RUC" not in page
    assert ">Empresa de prueba</a>" in page
    page = client.get("/contrataciones/proveedores/1020703023/").content.decode()
    assert "<dt>NIT</dt>" in page and "RUC" not in page
    policy = client.get("/contrataciones/politica-de-publicacion/").content.decode()
    assert "Los proveedores se identifican con su NIT (esquema BO-NIT)." in policy
    listing = client.get("/contrataciones/").content.decode()
    assert "Proveedor (NIT o nombre)" in listing
    found = client.get("/contrataciones/?supplier=1020703023")
    assert [p.pk for p in found.context["processes"]] == [process.pk]

    projects = client.get("/api/oc4ids/projects/").json()
    text = str(projects)
    assert "PE-RUC" not in text


@pytest.mark.city_lapaz
def test_la_paz_import_takes_bo_nit_parties(lapaz):
    assert _supplier_get_or_create(party_id="BO-NIT-1000000011", name="A").ruc == (
        "1000000011"
    )
    assert _supplier_get_or_create(party_id="PE-RUC-20600000011", name="B") is None
    assert _supplier_get_or_create(party_id="BO-NIT-12", name="C") is None
