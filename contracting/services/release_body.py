"""Building an OCDS release from the process's tables (docs/contracting.md, "Releases
and records")."""

from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city

from .. import selectors
from ..models import (
    ContractingProcess,
    Stage,
    Supplier,
)

CURRENCY = "PEN"

# --- building a release from the tables ------------------------------------------------


def _money(amount) -> dict | None:
    if amount is None:
        return None
    amount = Decimal(amount)
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def _iso(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).isoformat(timespec="seconds")


def _prune(value):
    """Drop None, empty strings, empty lists and empty objects (OCDS omits them)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        pruned = [_prune(v) for v in value]
        return [v for v in pruned if v not in (None, "", [], {})]
    return value


def _org(supplier: Supplier) -> dict:
    return {"id": supplier.party_id, "name": supplier.name}


def buyer_party(process: ContractingProcess) -> dict:
    from django.conf import settings

    unit = process.buyer_unit
    name = settings.OCDS_PUBLISHER_NAME + (f" — {unit.name}" if unit else "")
    suffix = f"-{unit.slug}" if unit else ""
    return {
        "id": f"{settings.OCDS_PUBLISHER_SCHEME}-{settings.OCDS_PUBLISHER_RUC}{suffix}",
        "name": name,
        "identifier": {
            "scheme": settings.OCDS_PUBLISHER_SCHEME,
            "id": settings.OCDS_PUBLISHER_RUC,
            "legalName": settings.OCDS_PUBLISHER_NAME,
        },
        "roles": ["buyer", "procuringEntity"],
    }


def local_stage(process: ContractingProcess) -> str:
    contracts = list(process.contracts.all())
    if any(c.payments.all() or c.milestones.all() for c in contracts):
        return Stage.IMPLEMENTATION
    if contracts:
        return Stage.CONTRACT
    if list(process.awards.all()):
        return Stage.AWARD
    if process.tender_end or process.method:
        return Stage.TENDER
    return Stage.PLANNING


def release_body(process: ContractingProcess) -> dict:
    """The process's current state as an OCDS release, without id, date and tag."""
    bids = list(process.bids.select_related("supplier"))
    awards = list(process.awards.select_related("supplier"))
    contracts = list(
        process.contracts.prefetch_related("amendments", "milestones", "payments")
    )
    documents = list(process.documents.all())
    stage = local_stage(process)
    buyer = buyer_party(process)

    parties = {buyer["id"]: buyer}
    scheme = city.supplier_scheme()  # suppliers' org-id scheme (docs/city-profile.md)
    for bid in bids:
        party = parties.setdefault(
            bid.supplier.party_id,
            {
                **_org(bid.supplier),
                "identifier": {
                    "scheme": scheme,
                    "id": bid.supplier.ruc,
                    "legalName": bid.supplier.name,
                },
                "roles": [],
            },
        )
        if "tenderer" not in party["roles"]:
            party["roles"].append("tenderer")
    for award in awards:
        party = parties.setdefault(
            award.supplier.party_id,
            {
                **_org(award.supplier),
                "identifier": {
                    "scheme": scheme,
                    "id": award.supplier.ruc,
                    "legalName": award.supplier.name,
                },
                "roles": [],
            },
        )
        if "supplier" not in party["roles"]:
            party["roles"].append("supplier")

    def docs(section):
        return [
            {
                "id": str(d.pk),
                "documentType": d.document_type,
                "title": d.title,
                "url": selectors.document_public_url(d),
                "format": d.media_type or None,
                "datePublished": _iso(d.published_on),
                "language": "es",
            }
            for d in documents
            if d.section == section
        ]

    if process.tender_cancelled:
        tender_status = "cancelled"
    elif stage == Stage.PLANNING:
        tender_status = "planned"
    elif stage == Stage.TENDER:
        tender_status = "active"
    else:
        tender_status = "complete"
    tenderers = []
    for bid in bids:
        if _org(bid.supplier) not in tenderers:
            tenderers.append(_org(bid.supplier))

    body = {
        "ocid": process.ocid,
        "initiationType": "tender",
        "language": "es",
        "parties": list(parties.values()),
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "planning": {
            "rationale": process.budget_rationale,
            "budget": {
                "description": process.title,
                "amount": _money(process.budget_amount),
            },
            "documents": docs("planning"),
        },
        "tender": {
            "id": f"{process.ocid}-tender",
            "title": process.title,
            "description": process.description,
            "status": tender_status,
            "procurementMethod": process.method,
            "procurementMethodDetails": process.get_method_display()
            if process.method
            else "",
            "mainProcurementCategory": process.category,
            "value": _money(process.tender_amount),
            "tenderPeriod": {
                "startDate": _iso(process.tender_start),
                "endDate": _iso(process.tender_end),
            },
            "enquiryPeriod": {"endDate": _iso(process.enquiry_end)},
            "items": [
                {
                    "id": "1",
                    "description": process.title,
                    "quantity": 1,
                }
            ],
            "numberOfTenderers": len(tenderers) if bids else None,
            "tenderers": tenderers,
            "documents": docs("tender"),
        },
        "bids": {
            "details": [
                {
                    "id": str(b.pk),
                    "date": _iso(b.submitted_at),
                    "status": b.status,
                    "tenderers": [_org(b.supplier)],
                    "value": _money(b.amount),
                }
                for b in bids
            ]
        },
        "awards": [
            {
                "id": str(a.pk),
                "title": process.title,
                "status": a.status,
                "date": _iso(a.date),
                "value": _money(a.amount),
                "suppliers": [_org(a.supplier)],
                "documents": docs("award") if n == 0 else [],
            }
            for n, a in enumerate(awards)
        ],
        "contracts": [
            {
                "id": str(c.pk),
                "awardID": str(c.award_id),
                "title": process.title,
                "status": c.status,
                "value": _money(c.amount),
                "dateSigned": _iso(c.signed_on),
                "period": {
                    "startDate": _iso(c.start_on),
                    "endDate": _iso(c.end_on),
                },
                "documents": docs("contract") if n == 0 else [],
                "amendments": [
                    {
                        "id": str(m.pk),
                        "date": _iso(m.date),
                        "rationale": m.rationale,
                        "description": (
                            _(
                                "Monto del contrato después de la modificación: "
                                "%(symbol)s %(amount)s"
                            )
                            % {
                                "symbol": city.raw()["currency"]["symbol"],
                                "amount": m.new_amount,
                            }
                            if m.new_amount is not None
                            else ""
                        ),
                    }
                    for m in c.amendments.all()
                ],
                "implementation": {
                    "transactions": [
                        {
                            "id": str(p.pk),
                            "source": "",
                            "date": _iso(p.date),
                            "value": _money(p.amount),
                            "payer": {"id": buyer["id"], "name": buyer["name"]},
                            "payee": _org(c.award.supplier),
                        }
                        for p in c.payments.all()
                    ],
                    "milestones": [
                        {
                            "id": str(m.pk),
                            "title": m.title,
                            "type": "delivery",
                            "dueDate": _iso(m.due_on),
                            "dateMet": _iso(m.met_on),
                            "status": m.status,
                        }
                        for m in c.milestones.all()
                    ],
                },
            }
            for n, c in enumerate(contracts)
        ],
    }
    return _prune(body)


def _tag_for(*, previous_stage: str | None, stage: str, cancelled: bool) -> str:
    if cancelled:
        return "tenderCancellation"
    if previous_stage != stage:
        return str(stage)
    return f"{stage}Update"
