"""A supplier's awarded total counts only its share of each award (docs/contracting.md,
"Suppliers' totals"): an award to several suppliers (a consortium) is divided equally, as
OCDS gives no per-supplier amount; awards of other lots to other suppliers are not its."""

from decimal import Decimal

import pytest

from contracting import selectors, services
from contracting.models import Award, Supplier

pytestmark = pytest.mark.django_db

OCID = "ocds-dgv273-seacev3-910001"
A = {"id": "PE-RUC-20512345678", "name": "Constructora A S.A.C."}
B = {"id": "PE-RUC-20598765432", "name": "Ingenieros B S.A.C."}
C = {"id": "PE-RUC-20511112222", "name": "Consorcio C S.A.C."}


def _release(n, date, awards):
    return {
        "ocid": OCID,
        "id": f"{OCID}-{n}",
        "date": date,
        "tag": ["award"],
        "initiationType": "tender",
        "tender": {"id": "1", "title": "Pistas y veredas en dos lotes"},
        "awards": awards,
    }


def _award(id_, amount, suppliers, status="active"):
    return {
        "id": id_,
        "status": status,
        "value": {"amount": amount, "currency": "PEN"},
        "suppliers": suppliers,
    }


def _total(ruc):
    supplier = Supplier.objects.get(ruc=ruc)
    return selectors.supplier_detail(supplier=supplier)["won_total"]


def test_a_consortium_award_is_divided_and_other_lots_are_not_counted():
    services.releases_import(
        releases=[
            _release(
                1,
                "2026-05-01T10:00:00-05:00",
                [
                    _award("lot-1", 100000, [A, B]),  # consortium: 50,000 each
                    _award("lot-2", 30000, [C]),
                    _award("lot-3", 999999, [A], status="cancelled"),
                ],
            )
        ]
    )
    assert _total("20512345678") == Decimal("50000")
    assert _total("20598765432") == Decimal("50000")
    assert _total("20511112222") == Decimal("30000")


def test_local_awards_of_two_lots_count_each_for_its_own_winner(make_process):
    p = make_process("Dos lotes", award=(1, "70000"))
    other, _ = Supplier.objects.get_or_create(
        ruc="20600000002", defaults={"name": "Proveedor de prueba 2 S.A.C."}
    )
    Award.objects.create(process=p, supplier=other, amount=Decimal("20000"))
    services.release_write(process=p)
    assert _total("20600000001") == Decimal("70000")
    assert _total("20600000002") == Decimal("20000")
