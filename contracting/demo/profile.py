"""A city profile's own demo works and processes (its demo_content.contracting,
docs/city-profile.md)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from openlima.models import OrgUnit

from .. import services
from ..models import (
    Award,
    Bid,
    ContractingProcess,
    InfrastructureProject,
    Supplier,
)
from .common import _district, _release


def load_profile(spec: dict, *, stdout=None) -> None:
    """A city profile's demo works and processes (its demo_content.contracting,
    docs/city-profile.md), all `is_demo`, bought by the profile's unit; amounts are in the
    profile's currency. Suppliers are invented and identified in the profile's scheme
    (legal.supplier_id: a NIT in La Paz); a process may list their bids and its award."""
    now = timezone.now()
    today = timezone.localdate()
    unit = OrgUnit.objects.filter(slug=spec["buyer_unit"]).first()
    if unit is None:
        return
    suppliers = _profile_suppliers(spec.get("suppliers", []))
    works = {}
    for item in spec.get("works", []):
        work = _profile_work(item, unit=unit, today=today)
        if work is not None:
            works[item["slug"]] = work
    for item in spec.get("processes", []):
        p = _profile_process(item, unit=unit, works=works, now=now)
        _profile_bids_and_award(p, item, suppliers=suppliers)
    if stdout:
        stdout.write(
            f"contracting: {ContractingProcess.objects.filter(is_demo=True).count()} "
            f"procesos y {len(works)} obras de demostración"
        )


def _profile_suppliers(items: list) -> list:
    suppliers = []
    for item in items:
        supplier = Supplier(ruc=item["id"], name=item["name"])
        supplier.full_clean(validate_unique=False)  # the profile's scheme (a NIT)
        supplier, _created = Supplier.objects.get_or_create(
            ruc=item["id"], defaults={"name": item["name"]}
        )
        suppliers.append(supplier)
    return suppliers


def _profile_work(item: dict, *, unit, today):
    """One demo work of the profile; None when its territorial unit is not loaded."""
    district = _district(item["district_code"])
    if district is None:
        return None
    progress = item.get("progress", 0)
    budget = Decimal(item["budget"])
    return InfrastructureProject.objects.create(
        slug=item["slug"],
        title=item["title"],
        description=(
            f"{item['title']}. Obra de demostración: datos inventados para probar "
            "el portal."
        ),
        district=district,
        unit=unit,
        status=item["status"],
        sector=item.get("sector", ""),
        budget_amount=budget,
        cost_amount=budget * progress / 100 if progress else None,
        progress=progress,
        start_on=today - timedelta(days=60),
        end_on=today + timedelta(days=240),
        is_published=True,
        is_demo=True,
    )


def _profile_process(item: dict, *, unit, works: dict, now):
    """One demo process of the profile, open, with its call when it lists one."""
    p = services.process_create(
        user=None,
        data={
            "title": item["title"],
            "description": (
                f"{item['title']}. Proceso de demostración con datos inventados."
            ),
            "buyer_unit": unit,
            "district": _district(item["district_code"]),
            "budget_amount": Decimal(item["budget"]),
            "budget_rationale": "Programado en el plan anual de contrataciones "
            "(demostración).",
            "project": works.get(item.get("work", "")),
            "is_published": True,
            "is_demo": True,
        },
    )
    p.category = item["category"]
    p.method = "open"
    tender = item.get("tender")
    if tender:
        p.tender_amount = Decimal(tender["amount"])
        p.tender_start = now - timedelta(days=tender["days_ago"])
        p.tender_end = p.tender_start + timedelta(days=tender["days_open"])
        p.enquiry_end = p.tender_start + timedelta(days=tender["days_open"] // 2)
    p.save()
    _release(p)
    return p


def _profile_bids_and_award(p, item: dict, *, suppliers: list) -> None:
    for bid in item.get("bids", []):
        Bid.objects.create(
            process=p,
            supplier=suppliers[bid["supplier"]],
            amount=Decimal(bid["amount"]),
            submitted_at=p.tender_end - timedelta(hours=2),
            status=bid.get("status", Bid.Status.VALID),
        )
    award = item.get("award")
    if award:
        Award.objects.create(
            process=p,
            supplier=suppliers[award["supplier"]],
            amount=Decimal(award["amount"]),
            date=p.tender_end + timedelta(days=5),
        )
    if item.get("bids") or award:
        _release(p)
