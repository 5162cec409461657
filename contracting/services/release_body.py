"""Building an OCDS release from the process's tables (docs/contracting.md, "Releases
and records")."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city

from .. import ocds, selectors
from ..models import (
    ContractingProcess,
    Stage,
    Supplier,
)

# --- building a release from the tables ------------------------------------------------


_money = ocds.money


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


def _party_add(parties: dict, supplier: Supplier, role: str) -> None:
    """The supplier as an OCDS party with `role` (once per supplier, roles merged)."""
    party = parties.setdefault(
        supplier.party_id,
        {
            **_org(supplier),
            "identifier": {
                # suppliers' org-id scheme (docs/city-profile.md)
                "scheme": city.supplier_scheme(),
                "id": supplier.ruc,
                "legalName": supplier.name,
            },
            "roles": [],
        },
    )
    if role not in party["roles"]:
        party["roles"].append(role)


def _parties(buyer: dict, bids: list, awards: list) -> list[dict]:
    """The buyer, then every bidder (tenderer) and winner (supplier), once each."""
    parties = {buyer["id"]: buyer}
    for bid in bids:
        _party_add(parties, bid.supplier, "tenderer")
    for award in awards:
        _party_add(parties, award.supplier, "supplier")
    return list(parties.values())


def _documents(documents: list, section: str) -> list[dict]:
    """The process's public documents of one section (planning, tender, award, contract)."""
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


def _tender_status(process: ContractingProcess, stage: str) -> str:
    if process.tender_cancelled:
        return "cancelled"
    if stage == Stage.PLANNING:
        return "planned"
    if stage == Stage.TENDER:
        return "active"
    return "complete"


def _tender(process: ContractingProcess, *, stage: str, bids: list, documents: list):
    tenderers: list[dict] = []
    for bid in bids:
        if _org(bid.supplier) not in tenderers:
            tenderers.append(_org(bid.supplier))
    return {
        "id": f"{process.ocid}-tender",
        "title": process.title,
        "description": process.description,
        "status": _tender_status(process, stage),
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
        "documents": _documents(documents, "tender"),
    }


def _amendment(amendment) -> dict:
    return {
        "id": str(amendment.pk),
        "date": _iso(amendment.date),
        "rationale": amendment.rationale,
        "description": (
            _("Monto del contrato después de la modificación: %(symbol)s %(amount)s")
            % {
                "symbol": city.raw()["currency"]["symbol"],
                "amount": amendment.new_amount,
            }
            if amendment.new_amount is not None
            else ""
        ),
    }


def _implementation(contract, buyer: dict) -> dict:
    """The contract's payments (transactions from the buyer) and milestones."""
    return {
        "transactions": [
            {
                "id": str(p.pk),
                "source": "",
                "date": _iso(p.date),
                "value": _money(p.amount),
                "payer": {"id": buyer["id"], "name": buyer["name"]},
                "payee": _org(contract.award.supplier),
            }
            for p in contract.payments.all()
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
            for m in contract.milestones.all()
        ],
    }


def _contract(process, contract, *, documents: list, buyer: dict) -> dict:
    """One contract; `documents` are the contract documents (the first contract's)."""
    return {
        "id": str(contract.pk),
        "awardID": str(contract.award_id),
        "title": process.title,
        "status": contract.status,
        "value": _money(contract.amount),
        "dateSigned": _iso(contract.signed_on),
        "period": {
            "startDate": _iso(contract.start_on),
            "endDate": _iso(contract.end_on),
        },
        "documents": documents,
        "amendments": [_amendment(m) for m in contract.amendments.all()],
        "implementation": _implementation(contract, buyer),
    }


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
    body = {
        "ocid": process.ocid,
        "initiationType": "tender",
        "language": "es",
        "parties": _parties(buyer, bids, awards),
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "planning": {
            "rationale": process.budget_rationale,
            "budget": {
                "description": process.title,
                "amount": _money(process.budget_amount),
            },
            "documents": _documents(documents, "planning"),
        },
        "tender": _tender(process, stage=stage, bids=bids, documents=documents),
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
                "documents": _documents(documents, "award") if n == 0 else [],
            }
            for n, a in enumerate(awards)
        ],
        "contracts": [
            _contract(
                process,
                c,
                documents=_documents(documents, "contract") if n == 0 else [],
                buyer=buyer,
            )
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
