"""Writing releases: every change to a process writes one immutable OCDS release and
recompiles the process (docs/contracting.md, "Releases and records")."""

import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city
from openlima.errors import Invalid
from openlima.services import audit_log_record

from .. import flags, ocds, selectors
from ..models import (
    CompiledRelease,
    ContractingProcess,
    ProcessParty,
    RedFlag,
    Release,
    Stage,
    Supplier,
    supplier_id_valid,
)
from .release_body import _tag_for, local_stage, release_body

# --- writing releases --------------------------------------------------------------------


def ocid_new() -> str:
    """A new ocid: the registered prefix, the buyer's short name from the city profile
    (legal.ocds_publisher.ocid_segment: "mml" in Lima) and the year."""
    segment = city.ocid_segment()
    return f"{ocds.ocid_prefix()}{segment}-{timezone.now():%Y}-{secrets.token_hex(4)}"


@transaction.atomic
def release_write(
    *, process: ContractingProcess, user=None, tag: str | None = None
) -> Release | None:
    """Write a new release if the process changed since its last release (repeat-safe),
    then recompile it. Returns the release, or None when nothing changed."""
    process = ContractingProcess.objects.select_for_update().get(pk=process.pk)
    if process.source != ContractingProcess.Source.LOCAL:
        raise Invalid(_("Los procesos importados se actualizan solo con import_ocds."))
    body = release_body(process)
    last = process.releases.order_by("-date", "-id").first()
    if last is not None:
        previous = {
            k: v for k, v in last.data.items() if k not in ("id", "date", "tag")
        }
        if previous == body and not tag:
            return None
    stage = local_stage(process)
    tag = tag or _tag_for(
        previous_stage=process.stage if last else None,
        stage=stage,
        cancelled=process.tender_cancelled
        and not (last and "tenderCancellation" in last.tag),
    )
    now = timezone.now()
    if last is not None and now <= last.date:
        now = last.date + timezone.timedelta(microseconds=1)
    sequence = process.releases.count() + 1
    release_id = f"{process.ocid}-{sequence:04d}"
    data = {
        "ocid": process.ocid,
        "id": release_id,
        "date": now.isoformat(),
        "tag": [tag],
        **{k: v for k, v in body.items() if k != "ocid"},
    }
    release = Release.objects.create(
        process=process,
        ocid=process.ocid,
        release_id=release_id,
        date=now,
        tag=[tag],
        data=data,
    )
    process_compile(process=process)
    if user is not None:
        audit_log_record(
            actor=user,
            action="contracting.release_write",
            obj=process,
            details={"release_id": release_id, "tag": tag},
        )
    return release


def _total(items, key="value"):
    """The sum of the items' `key` amounts (None when none has one)."""
    amounts = [
        Decimal(str(i[key]["amount"]))
        for i in items
        if isinstance(i.get(key), dict) and i[key].get("amount") is not None
    ]
    return sum(amounts) if amounts else None


def _stage_from_compiled(tender: dict, awards: list, contracts: list) -> str:
    """The furthest stage the compiled release shows."""
    implementation = any(
        (c.get("implementation") or {}).get("transactions")
        or (c.get("implementation") or {}).get("milestones")
        for c in contracts
    )
    if implementation:
        return Stage.IMPLEMENTATION
    if contracts:
        return Stage.CONTRACT
    if awards:
        return Stage.AWARD
    if tender.get("tenderPeriod") or tender.get("status") in (
        "active",
        "complete",
        "cancelled",
    ):
        return Stage.TENDER
    return Stage.PLANNING


def _summary_from_compiled(compiled: dict) -> dict:
    """The filterable columns of a process, read from its compiled release."""
    tender = compiled.get("tender") or {}
    awards = [a for a in compiled.get("awards") or [] if a.get("status") != "cancelled"]
    contracts = [
        c for c in compiled.get("contracts") or [] if c.get("status") != "cancelled"
    ]
    transactions = [
        t
        for c in contracts
        for t in (c.get("implementation") or {}).get("transactions") or []
    ]
    stage = _stage_from_compiled(tender, awards, contracts)
    period = tender.get("tenderPeriod") or {}
    from ..flags import _instant

    summary = {
        "stage": stage,
        "title": (tender.get("title") or compiled.get("ocid") or "")[:300],
        "description": (tender.get("description") or "")[:5000],
        "method": tender.get("procurementMethod") or "",
        "category": tender.get("mainProcurementCategory") or "",
        "tender_amount": _total([tender]) if tender.get("value") else None,
        "tender_start": _instant(period.get("startDate")),
        "tender_end": _instant(period.get("endDate")),
        "tender_cancelled": tender.get("status") == "cancelled",
        "value_awarded": _total(awards),
        "value_contracted": _total(contracts),
        "value_paid": _total(transactions),
    }
    budget = ((compiled.get("planning") or {}).get("budget") or {}).get("amount")
    summary["budget_amount"] = (
        Decimal(str(budget["amount"]))
        if isinstance(budget, dict) and budget.get("amount") is not None
        else None
    )
    amounts = [
        summary[k]
        for k in (
            "budget_amount",
            "tender_amount",
            "value_awarded",
            "value_contracted",
        )
        if summary[k] is not None
    ]
    summary["value_max"] = max(amounts) if amounts else None
    return summary


def _supplier_get_or_create(*, party_id: str, name: str) -> Supplier | None:
    """The supplier of an imported party id in the profile's scheme ("PE-RUC-2060…",
    "BO-NIT-1020…"); None for another scheme or a malformed identifier."""
    prefix = f"{city.supplier_scheme()}-"
    if not party_id.startswith(prefix):
        return None
    ruc = party_id.removeprefix(prefix)
    if not supplier_id_valid(ruc):
        return None
    supplier, _created = Supplier.objects.get_or_create(
        ruc=ruc, defaults={"name": (name or ruc)[:300]}
    )
    return supplier


def _award_shares(compiled: dict) -> dict[str, Decimal]:
    """Each supplier's share of the active awards, by party id. OCDS gives an award's
    value, not each supplier's part, so an award to n suppliers (a consortium) counts
    value / n for each, rounded to the cent (docs/contracting.md, "Suppliers' totals")."""
    shares: dict[str, Decimal] = {}
    for award in compiled.get("awards") or []:
        if award.get("status") != "active":
            continue
        value = award.get("value")
        ids = sorted({s.get("id") for s in award.get("suppliers") or [] if s.get("id")})
        if not ids or not isinstance(value, dict) or value.get("amount") is None:
            continue
        share = (Decimal(str(value["amount"])) / len(ids)).quantize(Decimal("0.01"))
        for party_id in ids:
            shares[party_id] = shares.get(party_id, Decimal(0)) + share
    return shares


def _summary_save(process: ContractingProcess, summary: dict, *, local: bool) -> None:
    """Store the summary's columns; an imported process also takes its descriptive
    ones from the compiled release (a local one keeps what its editor typed)."""
    fields = [
        "stage",
        "value_awarded",
        "value_contracted",
        "value_paid",
        "value_max",
        "last_release_at",
    ]
    if not local:
        for key in (
            "title",
            "description",
            "method",
            "category",
            "tender_amount",
            "tender_start",
            "tender_end",
            "tender_cancelled",
            "budget_amount",
        ):
            setattr(process, key, summary[key])
            fields.append(key)
        if not process.title:
            process.title = process.ocid
    process.save(update_fields=fields)


def _parties_refresh(process: ContractingProcess, compiled: dict) -> None:
    """The process's tenderers and winning suppliers (with their share of the awards)."""
    roles = set()
    for tenderer in (compiled.get("tender") or {}).get("tenderers") or []:
        roles.add((tenderer.get("id") or "", tenderer.get("name") or "", "tenderer"))
    for bid in (compiled.get("bids") or {}).get("details") or []:
        for tenderer in bid.get("tenderers") or []:
            roles.add(
                (tenderer.get("id") or "", tenderer.get("name") or "", "tenderer")
            )
    shares = _award_shares(compiled)
    for award in compiled.get("awards") or []:
        if award.get("status") == "active":
            for s in award.get("suppliers") or []:
                roles.add((s.get("id") or "", s.get("name") or "", "supplier"))
    ProcessParty.objects.filter(process=process).delete()
    parties = []
    for party_id, name, role in sorted(roles):
        supplier = _supplier_get_or_create(party_id=party_id, name=name)
        if supplier is not None:
            parties.append(
                ProcessParty(
                    process=process,
                    supplier=supplier,
                    role=role,
                    awarded_amount=shares.get(party_id) if role == "supplier" else None,
                )
            )
    ProcessParty.objects.bulk_create(parties, ignore_conflicts=True)


def _red_flags_refresh(process: ContractingProcess, compiled: dict, releases) -> None:
    RedFlag.objects.filter(process=process).delete()
    RedFlag.objects.bulk_create(
        [
            RedFlag(process=process, code=code)
            for code in flags.compute(
                compiled, releases=releases, today=timezone.localdate()
            )
        ]
    )


@transaction.atomic
def process_compile(*, process: ContractingProcess) -> ContractingProcess:
    """Merge the process's releases (ocdsmerge) and refresh its summary, parties and
    red flags from the compiled release."""
    releases = list(
        process.releases.order_by("date", "id").values_list("data", flat=True)
    )
    compiled = ocds.compile_releases(releases)
    summary = _summary_from_compiled(compiled)
    local = process.source == ContractingProcess.Source.LOCAL
    stored, _created = CompiledRelease.objects.update_or_create(
        process=process, defaults={"data": compiled}
    )
    process.compiled_release = stored
    process.stage = summary["stage"]
    process.value_awarded = summary["value_awarded"]
    process.value_contracted = summary["value_contracted"]
    process.value_paid = summary["value_paid"]
    process.value_max = summary["value_max"]
    process.last_release_at = max(
        (Release.objects.filter(process=process).values_list("date", flat=True)),
        default=None,
    )
    _summary_save(process, summary, local=local)
    _parties_refresh(process, compiled)
    _red_flags_refresh(process, compiled, releases)
    return process


@transaction.atomic
def process_create(*, user, data: dict) -> ContractingProcess:
    """A new local process in planning (or tender, if its call is given), first release."""
    process = ContractingProcess(ocid=ocid_new(), **data)
    if user is not None:  # None: the system itself (demo loader)
        selectors.access_check_unit(user=user, unit_id=process.buyer_unit_id)
    process.full_clean()
    process.save()
    release_write(process=process, user=user)
    return process


def process_saved(*, user, process: ContractingProcess) -> Release | None:
    """After staff saved a process and its parts in /gestion/: write its release."""
    selectors.access_process_for_edit(user=user, process_id=process.pk)
    return release_write(process=process, user=user)
