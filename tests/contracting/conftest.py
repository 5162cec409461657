"""Fixtures for the contracting tests: processes built through the services, so each one
has real releases and a compiled release."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contracting import services
from contracting.models import Award, Bid, Contract, Supplier
from openlima import roles
from openlima.models import District, OrgUnit
from tests.factories import StaffFactory


@pytest.fixture
def logistics(db):
    return OrgUnit.objects.get(slug="logistica")


@pytest.fixture
def comas(db):
    return District.objects.get(ubigeo="150110")


@pytest.fixture
def procurement_editor(logistics):
    return StaffFactory(roles=[roles.PROCUREMENT_EDITOR], org_unit=logistics)


@pytest.fixture
def coordinator(db):
    return StaffFactory(roles=[roles.OGP_COORDINATOR])


def supplier(n: int) -> Supplier:
    s, _ = Supplier.objects.get_or_create(
        ruc=f"2060000{n:04d}", defaults={"name": f"Proveedor de prueba {n} S.A.C."}
    )
    return s


@pytest.fixture
def make_process(logistics, comas):
    """make_process(title=..., tender=dict, bids=[(n, amount, status)], award=(n, amount),
    contract=amount) -> a published local process with one release per step."""

    def make(
        title="Construcción de losa deportiva",
        *,
        method="open",
        category="works",
        estimate="100000",
        days_open=20,
        starts_ago=30,
        bids=None,
        award=None,
        contract=None,
        published=True,
        district=None,
        unit=None,
    ):
        now = timezone.now()
        p = services.process_create(
            user=None,
            data={
                "title": title,
                "description": "Proceso de prueba",
                "buyer_unit": unit or logistics,
                "district": district or comas,
                "budget_amount": Decimal(estimate),
                "is_published": published,
            },
        )
        if estimate is not None and method:
            p.method = method
            p.category = category
            p.tender_amount = Decimal(estimate)
            p.tender_start = now - timedelta(days=starts_ago)
            p.tender_end = p.tender_start + timedelta(days=days_open)
            p.save()
            services.release_write(process=p)
        for n, amount, status in bids or []:
            Bid.objects.create(
                process=p, supplier=supplier(n), amount=Decimal(amount), status=status
            )
        a = None
        if award:
            a = Award.objects.create(
                process=p, supplier=supplier(award[0]), amount=Decimal(award[1])
            )
            services.release_write(process=p)
        if contract:
            today = timezone.localdate()
            Contract.objects.create(
                process=p,
                award=a,
                amount=Decimal(contract),
                signed_on=today,
                start_on=today,
                end_on=today + timedelta(days=100),
            )
            services.release_write(process=p)
        p.refresh_from_db()
        return p

    return make
