"""Every write of the contracting app. A change to a process writes one immutable OCDS
release and recompiles the process (docs/contracting.md, "Releases and records")."""

import secrets
from datetime import datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import ApplicationError
from openlima.services import audit_log_record

from . import flags, ocds, selectors
from .models import (
    ContractingProcess,
    Follow,
    InfrastructureProject,
    ProcessParty,
    RedFlag,
    Release,
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
        "id": f"PE-RUC-{settings.OCDS_PUBLISHER_RUC}{suffix}",
        "name": name,
        "identifier": {
            "scheme": "PE-RUC",
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
    for bid in bids:
        party = parties.setdefault(
            bid.supplier.party_id,
            {
                **_org(bid.supplier),
                "identifier": {
                    "scheme": "PE-RUC",
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
                    "scheme": "PE-RUC",
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
                "url": d.url,
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
                            _("Monto del contrato después de la modificación: S/ %s")
                            % m.new_amount
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


# --- writing releases --------------------------------------------------------------------


def ocid_new() -> str:
    return f"{ocds.ocid_prefix()}mml-{timezone.now():%Y}-{secrets.token_hex(4)}"


@transaction.atomic
def release_write(
    *, process: ContractingProcess, user=None, tag: str | None = None
) -> Release | None:
    """Write a new release if the process changed since its last release (repeat-safe),
    then recompile it. Returns the release, or None when nothing changed."""
    process = ContractingProcess.objects.select_for_update().get(pk=process.pk)
    if process.source != ContractingProcess.Source.LOCAL:
        raise ApplicationError(
            _("Los procesos importados se actualizan solo con import_ocds.")
        )
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


def _summary_from_compiled(compiled: dict) -> dict:
    """The filterable columns of a process, read from its compiled release."""

    def total(items, key="value"):
        amounts = [
            Decimal(str(i[key]["amount"]))
            for i in items
            if isinstance(i.get(key), dict) and i[key].get("amount") is not None
        ]
        return sum(amounts) if amounts else None

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
    implementation = any(
        (c.get("implementation") or {}).get("transactions")
        or (c.get("implementation") or {}).get("milestones")
        for c in contracts
    )
    if implementation:
        stage = Stage.IMPLEMENTATION
    elif contracts:
        stage = Stage.CONTRACT
    elif awards:
        stage = Stage.AWARD
    elif tender.get("tenderPeriod") or tender.get("status") in (
        "active",
        "complete",
        "cancelled",
    ):
        stage = Stage.TENDER
    else:
        stage = Stage.PLANNING
    period = tender.get("tenderPeriod") or {}
    from .flags import _instant

    summary = {
        "stage": stage,
        "title": (tender.get("title") or compiled.get("ocid") or "")[:300],
        "description": (tender.get("description") or "")[:5000],
        "method": tender.get("procurementMethod") or "",
        "category": tender.get("mainProcurementCategory") or "",
        "tender_amount": total([tender]) if tender.get("value") else None,
        "tender_start": _instant(period.get("startDate")),
        "tender_end": _instant(period.get("endDate")),
        "tender_cancelled": tender.get("status") == "cancelled",
        "value_awarded": total(awards),
        "value_contracted": total(contracts),
        "value_paid": total(transactions),
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
    if not party_id.startswith("PE-RUC-"):
        return None
    ruc = party_id.removeprefix("PE-RUC-")
    if len(ruc) != 11 or not ruc.isdigit():
        return None
    supplier, _created = Supplier.objects.get_or_create(
        ruc=ruc, defaults={"name": (name or ruc)[:300]}
    )
    return supplier


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
    process.compiled = compiled
    process.stage = summary["stage"]
    process.value_awarded = summary["value_awarded"]
    process.value_contracted = summary["value_contracted"]
    process.value_paid = summary["value_paid"]
    process.value_max = summary["value_max"]
    process.last_release_at = max(
        (Release.objects.filter(process=process).values_list("date", flat=True)),
        default=None,
    )
    fields = [
        "compiled",
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

    roles = set()
    for tenderer in (compiled.get("tender") or {}).get("tenderers") or []:
        roles.add((tenderer.get("id") or "", tenderer.get("name") or "", "tenderer"))
    for bid in (compiled.get("bids") or {}).get("details") or []:
        for tenderer in bid.get("tenderers") or []:
            roles.add(
                (tenderer.get("id") or "", tenderer.get("name") or "", "tenderer")
            )
    for award in compiled.get("awards") or []:
        if award.get("status") == "active":
            for s in award.get("suppliers") or []:
                roles.add((s.get("id") or "", s.get("name") or "", "supplier"))
    ProcessParty.objects.filter(process=process).delete()
    parties = []
    for party_id, name, role in sorted(roles):
        supplier = _supplier_get_or_create(party_id=party_id, name=name)
        if supplier is not None:
            parties.append(ProcessParty(process=process, supplier=supplier, role=role))
    ProcessParty.objects.bulk_create(parties, ignore_conflicts=True)

    RedFlag.objects.filter(process=process).delete()
    RedFlag.objects.bulk_create(
        [
            RedFlag(process=process, code=code)
            for code in flags.compute(
                compiled, releases=releases, today=timezone.localdate()
            )
        ]
    )
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


# --- import ------------------------------------------------------------------------------


@transaction.atomic
def releases_import(*, releases: list[dict]) -> dict:
    """Store releases not yet known (by ocid + release id) and recompile the processes
    they belong to. Validation happens before (importer.py); all or nothing."""
    created = skipped = 0
    touched: dict[str, ContractingProcess] = {}
    for data in releases:
        ocid, release_id = data["ocid"], data["id"]
        if Release.objects.filter(ocid=ocid, release_id=release_id).exists():
            skipped += 1
            continue
        process = touched.get(ocid)
        if process is None:
            process, _created = ContractingProcess.objects.get_or_create(
                ocid=ocid,
                defaults={
                    "source": ContractingProcess.Source.IMPORT,
                    "title": ocid,
                    "is_published": True,
                },
            )
            if process.source != ContractingProcess.Source.IMPORT:
                raise ApplicationError(
                    _("El ocid %(ocid)s ya es de un proceso del portal.")
                    % {"ocid": ocid}
                )
            touched[ocid] = process
        date = datetime.fromisoformat(data["date"].replace("Z", "+00:00"))
        try:
            with transaction.atomic():
                Release.objects.create(
                    process=process,
                    ocid=ocid,
                    release_id=release_id,
                    date=date,
                    tag=data.get("tag") or [],
                    data=data,
                )
        except IntegrityError:
            skipped += 1
            continue
        created += 1
    for process in touched.values():
        process_compile(process=process)
    return {"created": created, "skipped": skipped, "processes": len(touched)}


# --- projects, publication, follows -----------------------------------------------------


@transaction.atomic
def project_saved(*, user, project: InfrastructureProject) -> None:
    selectors.access_project_for_edit(user=user, project_id=project.pk)
    InfrastructureProject.objects.filter(pk=project.pk).update(
        updated_at=timezone.now()
    )
    audit_log_record(actor=user, action="contracting.project_save", obj=project)


def publish_and_notify(*, now) -> dict:
    """Publisher hook (every minute): publish what is due, then e-mail followers."""
    return {"published": publish_due(now=now), "notified": follows_notify(now=now)}


def publish_due(*, now) -> int:
    """Processes and projects whose `publish_at` has come."""
    count = ContractingProcess.objects.filter(
        is_published=False, publish_at__isnull=False, publish_at__lte=now
    ).update(is_published=True)
    count += InfrastructureProject.objects.filter(
        is_published=False, publish_at__isnull=False, publish_at__lte=now
    ).update(is_published=True)
    return count


def follow_create(*, user, query: str, label: str) -> Follow:
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError(_("Inicie sesión para seguir una búsqueda."))
    query = (query or "")[:500]
    follow, _created = Follow.objects.get_or_create(
        user=user, query=query, defaults={"label": (label or "")[:300]}
    )
    return follow


def follow_delete(*, user, follow_id: int) -> None:
    Follow.objects.filter(user=user, pk=follow_id).delete()


def follows_notify(*, now=None) -> int:
    """E-mail each follower the published processes that match their search and appeared
    since their last notice. Idempotent: last_notified_at moves forward."""
    from django.core.mail import send_mail
    from django.http import QueryDict

    from openlima.selectors import absolute_url

    now = now or timezone.now()
    sent = 0
    for follow in Follow.objects.select_related("user").filter(user__is_active=True):
        filters = selectors.process_filters_clean(QueryDict(follow.query))
        since = follow.last_notified_at
        appeared = Q(
            publish_at__isnull=True, created_at__gt=since, created_at__lte=now
        ) | Q(publish_at__gt=since, publish_at__lte=now)
        new = list(
            selectors.process_list(filters=filters).filter(appeared).order_by("id")[:20]
        )
        if new:
            lines = [f"- {p.title}: {absolute_url(p.get_absolute_url())}" for p in new]
            send_mail(
                subject=_("Nuevos procesos de contratación: %(label)s")
                % {"label": follow.label},
                message=_(
                    "Hay procesos nuevos que coinciden con la búsqueda que sigue en Open Lima:"
                )
                + "\n\n"
                + "\n".join(lines)
                + "\n\n"
                + _("Deje de seguirla en %(url)s")
                % {"url": absolute_url("/contrataciones/siguiendo/")},
                from_email=None,
                recipient_list=[follow.user.email],
            )
            sent += 1
        Follow.objects.filter(pk=follow.pk).update(last_notified_at=now)
    return sent


def erase_personal_data(*, user) -> None:
    Follow.objects.filter(user=user).delete()
