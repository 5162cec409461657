"""Every read and permission check of the contracting app."""

import base64
import binascii
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import registry, roles
from openlima.selectors import absolute_url
from openlima.tableschema import schema_columns, table_schema

from . import ocds
from .flags import FLAGS
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

PROCUREMENT_EDITOR = "procurement_editor"
LOGISTICS_UNIT_SLUG = "logistica"

# --- permissions ------------------------------------------------------------------------


def _roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_contracting_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._contracting_roles = cached
    return cached


def user_is_coordinator(*, user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if not user.is_staff:
        return False
    return user.is_superuser or roles.OGP_COORDINATOR in _roles(user)


def user_is_procurement_editor(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.org_unit_id
        and PROCUREMENT_EDITOR in _roles(user)
    )


def user_may_manage(*, user) -> bool:
    return user_is_coordinator(user=user) or user_is_procurement_editor(user=user)


def access_check_unit(*, user, unit_id) -> None:
    """Editors work only for their own unit; coordinators for any."""
    if user_is_coordinator(user=user):
        return
    if user_is_procurement_editor(user=user) and unit_id == user.org_unit_id:
        return
    raise PermissionDenied


def processes_for_edit(*, user):
    qs = ContractingProcess.objects.select_related("buyer_unit", "district")
    if user_is_coordinator(user=user):
        return qs
    if user_is_procurement_editor(user=user):
        return qs.filter(buyer_unit_id=user.org_unit_id)
    return qs.none()


def access_process_for_edit(*, user, process_id: int) -> ContractingProcess:
    process = processes_for_edit(user=user).filter(pk=process_id).first()
    if process is None:
        raise PermissionDenied
    return process


def projects_for_edit(*, user):
    qs = InfrastructureProject.objects.select_related("unit", "district")
    if user_is_coordinator(user=user):
        return qs
    if user_is_procurement_editor(user=user):
        return qs.filter(unit_id=user.org_unit_id)
    return qs.none()


def access_project_for_edit(*, user, project_id: int) -> InfrastructureProject:
    project = projects_for_edit(user=user).filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied
    return project


# --- processes: public list and page ---------------------------------------------------


def process_filters_clean(data) -> dict:
    from .forms import ProcessFilterForm

    form = ProcessFilterForm(data)
    return form.cleaned_data if form.is_valid() else {}


def process_public_qs():
    return ContractingProcess.objects.filter(is_published=True)


def process_list(*, filters: dict):
    """Published processes matching `filters` (ProcessFilterForm.cleaned_data); calls
    for bids still open come first, soonest deadline first."""
    now = timezone.now()
    qs = (
        process_public_qs()
        .select_related("buyer_unit", "district")
        .defer("compiled", "description", "budget_rationale")
    )
    f = filters or {}
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(ocid__iexact=q)
        )
    if f.get("stage"):
        qs = qs.filter(stage=f["stage"])
    if f.get("district"):
        qs = qs.filter(district=f["district"])
    if f.get("unit"):
        qs = qs.filter(buyer_unit=f["unit"])
    if f.get("method"):
        qs = qs.filter(method=f["method"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("amount_min") is not None:
        qs = qs.filter(value_max__gte=f["amount_min"])
    if f.get("amount_max") is not None:
        qs = qs.filter(value_max__lte=f["amount_max"])
    if f.get("supplier"):
        s = f["supplier"]
        supplier_q = Q(supplier__name__icontains=s)
        if s.isdigit():
            supplier_q |= Q(supplier__ruc=s)
        qs = qs.filter(
            pk__in=ProcessParty.objects.filter(supplier_q).values("process_id")
        )
    if f.get("date_from"):
        qs = qs.filter(last_release_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(last_release_at__date__lte=f["date_to"])
    if f.get("flag"):
        qs = qs.filter(
            pk__in=RedFlag.objects.filter(code=f["flag"]).values("process_id")
        )
    open_now = Q(stage=Stage.TENDER, tender_cancelled=False, tender_end__gt=now)
    return qs.annotate(
        open_first=Case(
            When(open_now, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("open_first", "tender_end", "-last_release_at", "-id")


def flags_for(processes) -> dict[int, list]:
    """process id -> its red flags (FlagInfo), in one query."""
    out: dict[int, list] = {}
    for pid, code in RedFlag.objects.filter(
        process_id__in=[p.pk for p in processes]
    ).values_list("process_id", "code"):
        if code in FLAGS:
            out.setdefault(pid, []).append(FLAGS[code])
    return out


def process_get_public(*, ocid: str) -> ContractingProcess:
    process = (
        process_public_qs()
        .select_related("buyer_unit", "district", "project")
        .filter(ocid=ocid)
        .first()
    )
    if process is None:
        raise Http404
    return process


def _amount(value) -> Decimal | None:
    if isinstance(value, dict) and value.get("amount") is not None:
        try:
            return Decimal(str(value["amount"]))
        except ArithmeticError:
            return None
    return None


def _when(value):
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def process_detail(*, process: ContractingProcess) -> dict:
    """What the process page shows, read from the compiled release."""
    c = process.compiled or {}
    tender = c.get("tender") or {}
    planning = c.get("planning") or {}
    awards = c.get("awards") or []
    contracts = c.get("contracts") or []
    winners = {
        s.get("id")
        for a in awards
        if a.get("status") == "active"
        for s in a.get("suppliers") or []
    }
    bids = []
    for b in (c.get("bids") or {}).get("details") or []:
        for t in b.get("tenderers") or []:
            bids.append(
                {
                    "name": t.get("name") or t.get("id"),
                    "ruc": (t.get("id") or "").removeprefix("PE-RUC-"),
                    "amount": _amount(b.get("value")),
                    "status": b.get("status"),
                    "disqualified": b.get("status") == "disqualified",
                    "winner": t.get("id") in winners,
                }
            )
    if not bids:
        for t in tender.get("tenderers") or []:
            bids.append(
                {
                    "name": t.get("name"),
                    "ruc": (t.get("id") or "").removeprefix("PE-RUC-"),
                    "amount": None,
                    "status": "",
                    "disqualified": False,
                    "winner": t.get("id") in winners,
                }
            )
    bids.sort(key=lambda b: (b["amount"] is None, b["amount"] or 0))

    documents = []
    for _section, label, items in [
        ("planning", _("Planificación"), [planning]),
        ("tender", _("Convocatoria"), [tender]),
        ("award", _("Adjudicación"), awards),
        ("contract", _("Contrato"), contracts),
    ]:
        for item in items:
            for d in item.get("documents") or []:
                documents.append(
                    {
                        "section": label,
                        "title": d.get("title") or d.get("id"),
                        "url": d.get("url") or "",
                        "type": ocds.codelist("documentType").get(
                            d.get("documentType"), d.get("documentType") or ""
                        ),
                        "date": _when(d.get("datePublished")),
                    }
                )
    amendments, milestones, payments = [], [], []
    for contract in contracts:
        for m in contract.get("amendments") or []:
            amendments.append(
                {
                    "date": _when(m.get("date")),
                    "rationale": m.get("rationale") or "",
                    "description": m.get("description") or "",
                }
            )
        impl = contract.get("implementation") or {}
        for m in impl.get("milestones") or []:
            milestones.append(
                {
                    "title": m.get("title") or m.get("id"),
                    "due": _when(m.get("dueDate")),
                    "met": _when(m.get("dateMet")),
                    "status": m.get("status") or "",
                }
            )
        for t in impl.get("transactions") or []:
            payments.append(
                {"date": _when(t.get("date")), "amount": _amount(t.get("value"))}
            )

    period = tender.get("tenderPeriod") or {}
    first_release = None
    releases = list(
        process.releases.order_by("date", "id").values_list("date", "tag", "release_id")
    )
    if releases:
        first_release = releases[0][0]
    stage_order = [s for s, _label in Stage.choices]
    reached = stage_order.index(process.stage)
    timeline = [
        {
            "stage": Stage.PLANNING.label,
            "date": first_release,
            "done": True,
            "current": process.stage == Stage.PLANNING,
        },
        {
            "stage": Stage.TENDER.label,
            "date": _when(period.get("startDate")),
            "until": _when(period.get("endDate")),
            "done": reached >= 1,
            "current": process.stage == Stage.TENDER,
        },
        {
            "stage": Stage.AWARD.label,
            "date": min(
                (_when(a.get("date")) for a in awards if a.get("date")), default=None
            ),
            "done": reached >= 2,
            "current": process.stage == Stage.AWARD,
        },
        {
            "stage": Stage.CONTRACT.label,
            "date": min(
                (_when(x.get("dateSigned")) for x in contracts if x.get("dateSigned")),
                default=None,
            ),
            "done": reached >= 3,
            "current": process.stage == Stage.CONTRACT,
        },
        {
            "stage": Stage.IMPLEMENTATION.label,
            "date": min((p["date"] for p in payments if p["date"]), default=None),
            "done": reached >= 4,
            "current": process.stage == Stage.IMPLEMENTATION,
        },
    ]
    amounts = [
        (_("Presupuestado"), _amount((planning.get("budget") or {}).get("amount"))),
        (_("Valor estimado de la convocatoria"), _amount(tender.get("value"))),
        (_("Adjudicado"), process.value_awarded),
        (_("Contratado"), process.value_contracted),
        (_("Pagado"), process.value_paid),
    ]
    top = max((a for _l, a in amounts if a), default=None)
    amount_rows = [
        {
            "label": label,
            "amount": amount,
            "width": int(amount * 100 / top) if amount and top else 0,
        }
        for label, amount in amounts
    ]
    commitment = None
    summary = registry.provider("commitments.summary")
    if summary and process.commitment_id:
        commitment = summary(commitment_id=process.commitment_id)
    return {
        "timeline": timeline,
        "amounts": amount_rows,
        "bids": bids,
        "documents": documents,
        "amendments": amendments,
        "milestones": milestones,
        "payments": payments,
        "flags": [
            FLAGS[code]
            for code in process.red_flags.values_list("code", flat=True)
            if code in FLAGS
        ],
        "releases": [
            {"date": d, "tags": ", ".join(t), "id": rid} for d, t, rid in releases
        ],
        "tender_end": _when(period.get("endDate")),
        "enquiry_end": _when((tender.get("enquiryPeriod") or {}).get("endDate")),
        "buyer": (c.get("buyer") or {}).get("name") or "",
        "rationale": planning.get("rationale") or "",
        "commitment": commitment,
        "method_label": ocds.codelist("method").get(
            tender.get("procurementMethod"), ""
        ),
    }


# --- suppliers ----------------------------------------------------------------------------


def supplier_get_public(*, ruc: str) -> Supplier:
    supplier = Supplier.objects.filter(ruc=ruc).first()
    if (
        supplier is None
        or not supplier.process_parties.filter(process__is_published=True).exists()
    ):
        raise Http404
    return supplier


SUPPLIER_ROWS = 50


def supplier_detail(*, supplier: Supplier, page: int = 1) -> dict:
    """Totals over every published process of the supplier (aggregates), and one page of
    its processes, most recent first: a fixed number of queries at any size."""
    from django.core.paginator import Paginator
    from django.db.models import Sum

    parties = ProcessParty.objects.filter(supplier=supplier, process__is_published=True)
    won_ids = parties.filter(role=ProcessParty.Role.SUPPLIER).values("process_id")
    totals = parties.aggregate(
        bid=Count("process_id", distinct=True),
        won=Count(
            "process_id", distinct=True, filter=Q(role=ProcessParty.Role.SUPPLIER)
        ),
    )
    won_total = (
        ContractingProcess.objects.filter(pk__in=won_ids).aggregate(
            t=Sum("value_awarded")
        )["t"]
        or 0
    )
    flag_count = RedFlag.objects.filter(process_id__in=won_ids).count()
    processes = (
        process_public_qs()
        .filter(pk__in=parties.values("process_id"))
        .annotate(
            won=Count(
                "parties",
                filter=Q(
                    parties__supplier=supplier,
                    parties__role=ProcessParty.Role.SUPPLIER,
                ),
            )
        )
        .order_by("-last_release_at", "-id")
    )
    paginator = Paginator(processes, SUPPLIER_ROWS)
    page_obj = paginator.get_page(page)
    rows_processes = list(page_obj.object_list)
    flag_map = flags_for(rows_processes)
    rows = [
        {"process": p, "won": bool(p.won), "flags": flag_map.get(p.pk, [])}
        for p in rows_processes
    ]
    return {
        "rows": rows,
        "page": page_obj,
        "won": totals["won"],
        "bid": totals["bid"],
        "won_total": won_total,
        "flag_count": flag_count,
    }


# --- projects --------------------------------------------------------------------------------


def project_public_qs():
    return InfrastructureProject.objects.filter(is_published=True)


def project_list(*, filters: dict):
    qs = project_public_qs().select_related("district", "unit")
    if filters.get("district"):
        qs = qs.filter(district=filters["district"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("district__name", "title")


def project_get_public(*, slug: str) -> InfrastructureProject:
    project = (
        project_public_qs().select_related("district", "unit").filter(slug=slug).first()
    )
    if project is None:
        raise Http404
    return project


def project_detail(*, project: InfrastructureProject) -> dict:
    processes = list(
        project.processes.filter(is_published=True).order_by("created_at", "id")
    )
    contractors = sorted(
        {
            s.get("name")
            for p in processes
            for a in p.compiled.get("awards") or []
            if a.get("status") == "active"
            for s in a.get("suppliers") or []
            if s.get("name")
        }
    )
    proposal_url = None
    if project.proposal_id:
        try:
            proposal_url = reverse(
                "participation:proposal_detail", args=[project.proposal_id]
            )
        except Exception:  # noqa: BLE001 - the participation app may be absent
            proposal_url = None
    return {
        "processes": processes,
        "contractors": contractors,
        "reports": list(project.reports.all()),
        "proposal_url": proposal_url,
    }


def project_counts_by_district() -> dict[str, dict]:
    """ubigeo -> {"name", "total", "implementation"} for the map and its table."""
    out: dict[str, dict] = {}
    for ubigeo, name, status, n in (
        project_public_qs()
        .values_list("district__ubigeo", "district__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        row = out.setdefault(ubigeo, {"name": name, "total": 0, "implementation": 0})
        row["total"] += n
        if status == InfrastructureProject.Status.IMPLEMENTATION:
            row["implementation"] += n
    return out


# --- OCDS / OC4IDS packages ----------------------------------------------------------------

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def encode_cursor(date, pk) -> str:
    raw = f"{date.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str):
    """(datetime, id) or raises ValueError."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        date_s, pk_s = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        date = datetime.fromisoformat(date_s)
        if timezone.is_naive(date):
            raise ValueError("naive")
        return date, int(pk_s)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(str(exc)) from exc


def release_page(*, since=None, until=None, after=None, ocid=None, limit=PAGE_SIZE):
    """One page of published releases in (date, id) order, keyset-paged: (rows, next)."""
    qs = Release.objects.filter(process__is_published=True)
    if since is not None:
        qs = qs.filter(date__gte=since)
    if until is not None:
        qs = qs.filter(date__lt=until)
    if ocid:
        qs = qs.filter(ocid=ocid)
    if after is not None:
        # (date, id) > (cursor date, cursor id), written so the (date, id) index gives
        # a range scan starting at the cursor (an OR of the two cases would not).
        date, pk = after
        qs = qs.filter(date__gte=date).exclude(date=date, pk__lte=pk)
    rows = list(
        qs.order_by("date", "id").values_list("pk", "date", "data")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    return [data for _pk, _date, data in rows], cursor


def release_iterator(*, chunk=2000):
    """Every published release, streamed in keyset chunks (bounded memory)."""
    after = None
    while True:
        rows, cursor = release_page(after=after, limit=chunk)
        yield from rows
        if cursor is None:
            return
        after = decode_cursor(cursor)


def release_package(*, releases: list[dict], uri: str) -> dict:
    return {
        **ocds.package_metadata(uri=uri, published_date=timezone.now().isoformat()),
        "releases": releases,
    }


def _record(process: ContractingProcess, releases: list[dict]) -> dict:
    return {
        "ocid": process.ocid,
        "releases": releases,
        "compiledRelease": process.compiled,
    }


def record_page(*, after=None, limit=PAGE_SIZE):
    """Records of published processes, keyset-paged by process id: (records, next id)."""
    qs = process_public_qs().exclude(compiled={})
    if after is not None:
        qs = qs.filter(pk__gt=after)
    processes = list(qs.order_by("pk")[: limit + 1])
    more = len(processes) > limit
    processes = processes[:limit]
    by_process: dict[int, list] = {}
    for pid, data in (
        Release.objects.filter(process__in=processes)
        .order_by("date", "id")
        .values_list("process_id", "data")
    ):
        by_process.setdefault(pid, []).append(data)
    records = [_record(p, by_process.get(p.pk, [])) for p in processes]
    return records, (processes[-1].pk if more and processes else None)


def record_get(*, ocid: str) -> dict:
    process = process_public_qs().filter(ocid=ocid).exclude(compiled={}).first()
    if process is None:
        raise Http404
    releases = list(
        process.releases.order_by("date", "id").values_list("data", flat=True)
    )
    return _record(process, releases)


def record_package(*, records: list[dict], uri: str) -> dict:
    meta = ocds.package_metadata(uri=uri, published_date=timezone.now().isoformat())
    return {**meta, "records": records}


def _oc4ids_status(stage: str, compiled: dict) -> str:
    if stage in (Stage.PLANNING, Stage.TENDER, Stage.AWARD):
        return "pre-award"
    contracts = compiled.get("contracts") or []
    if contracts and all(
        c.get("status") in ("terminated", "cancelled") for c in contracts
    ):
        return "closed"
    return "active"


def _money(amount) -> dict | None:
    if amount is None:
        return None
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": "PEN"}


def project_data(
    project: InfrastructureProject, processes: list, centroids: dict
) -> dict:
    """One OC4IDS project."""
    from .services import _prune

    prefix = settings.OCDS_OCID_PREFIX.replace("ocds-", "oc4ids-", 1)
    authority_id = f"PE-RUC-{settings.OCDS_PUBLISHER_RUC}"
    parties = {
        authority_id: {
            "id": authority_id,
            "name": settings.OCDS_PUBLISHER_NAME,
            "identifier": {"scheme": "PE-RUC", "id": settings.OCDS_PUBLISHER_RUC},
            "roles": ["publicAuthority"],
        }
    }
    summaries = []
    for p in processes:
        c = p.compiled or {}
        suppliers = []
        for a in c.get("awards") or []:
            if a.get("status") != "active":
                continue
            for s in a.get("suppliers") or []:
                suppliers.append({"id": s.get("id"), "name": s.get("name")})
                party = parties.setdefault(
                    s.get("id"),
                    {"id": s.get("id"), "name": s.get("name"), "roles": []},
                )
                if "supplier" not in party["roles"]:
                    party["roles"].append("supplier")
        contract = next(iter(c.get("contracts") or []), {})
        tender = c.get("tender") or {}
        summaries.append(
            {
                "id": p.ocid,
                "summary": {
                    "ocid": p.ocid,
                    "title": p.title,
                    "description": p.description,
                    "status": _oc4ids_status(p.stage, c),
                    "nature": ["construction"] if p.category == "works" else [],
                    "tender": {
                        "procurementMethod": tender.get("procurementMethod"),
                        "costEstimate": tender.get("value"),
                        "numberOfTenderers": tender.get("numberOfTenderers"),
                        "tenderers": tender.get("tenderers") or [],
                        "tenderPeriod": tender.get("tenderPeriod"),
                    },
                    "suppliers": suppliers,
                    "contractValue": _money(p.value_contracted),
                    "contractPeriod": contract.get("period"),
                },
            }
        )
    district = project.district
    centroid = centroids.get(district.ubigeo)
    data = {
        "id": f"{prefix}{project.slug}",
        "updated": project.updated_at.isoformat(),
        "language": "es",
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "sector": sorted({project.sector.split(".")[0], project.sector}),
        "type": "construction",
        "period": {
            "startDate": _iso_date(project.start_on),
            "endDate": _iso_date(project.end_on),
        },
        "budget": {"amount": _money(project.budget_amount)},
        "locations": [
            {
                "id": district.ubigeo,
                "description": district.name,
                "geometry": {"type": "Point", "coordinates": list(centroid)}
                if centroid
                else None,
                "address": {
                    "locality": district.name,
                    "region": "Lima",
                    "countryName": "Perú",
                },
            }
        ],
        "publicAuthority": {"id": authority_id, "name": settings.OCDS_PUBLISHER_NAME},
        "parties": list(parties.values()),
        "contractingProcesses": summaries,
        "completion": {
            "endDate": _iso_date(project.completed_on),
            "finalValue": _money(project.cost_amount),
        }
        if project.completed_on
        else None,
        "costMeasurements": [
            {
                "id": "1",
                "date": project.updated_at.isoformat(),
                "costGroups": [
                    {
                        "id": "1",
                        "category": "construction",
                        "costItems": [
                            {
                                "id": "1",
                                "classificationID": "construction",
                                "value": _money(project.cost_amount),
                            }
                        ],
                    }
                ],
            }
        ]
        if project.cost_amount is not None
        else None,
    }
    return _prune(data)


def _iso_date(value):
    if value is None:
        return None
    return f"{value.isoformat()}T00:00:00-05:00"


def project_package(*, uri: str) -> dict:
    from .map import district_centroids

    projects = list(project_public_qs().select_related("district").order_by("slug"))
    by_project: dict[int, list] = {}
    for p in process_public_qs().filter(project__in=projects).order_by("id"):
        by_project.setdefault(p.project_id, []).append(p)
    centroids = district_centroids()
    meta = ocds.package_metadata(uri=uri, published_date=timezone.now().isoformat())
    return {
        "uri": uri,
        "version": ocds.OC4IDS_VERSION,
        "publishedDate": meta["publishedDate"],
        "publisher": meta["publisher"],
        "license": meta["license"],
        "publicationPolicy": meta["publicationPolicy"],
        "projects": [
            project_data(p, by_project.get(p.pk, []), centroids) for p in projects
        ],
    }


# --- registry providers --------------------------------------------------------------------


def site_search(*, query: str, limit: int) -> list[dict]:
    """`search:contracting`: processes and works whose title or description match, in
    one query (a UNION), however many rows."""
    from django.db.models import CharField, F
    from django.db.models import Value as V

    text = Q(title__icontains=query) | Q(description__icontains=query)
    processes = (
        process_public_qs()
        .filter(text | Q(ocid__iexact=query))
        .annotate(
            kind=V("p", output_field=CharField()),
            key=F("ocid"),
            state=F("stage"),
            place=F("district__name"),
            pct=V(0, output_field=IntegerField()),
        )
        .order_by()  # SQLite refuses ORDER BY inside a UNION's parts
        .values_list("kind", "key", "title", "state", "place", "pct")
    )
    works = (
        project_public_qs()
        .filter(text)
        .annotate(
            kind=V("w", output_field=CharField()),
            key=F("slug"),
            state=F("status"),
            place=F("district__name"),
            pct=F("progress"),
        )
        .order_by()
        .values_list("kind", "key", "title", "state", "place", "pct")
    )
    stages = dict(Stage.choices)
    statuses = dict(InfrastructureProject.Status.choices)
    results = []
    for kind, key, title, state, place, pct in processes.union(works)[: limit * 2]:
        rank = 1.0 if query.lower() in title.lower() else 0.5
        if kind == "p":
            results.append(
                {
                    "kind": "contracting_process",
                    "kind_label": _("Proceso de contratación"),
                    "title": title,
                    "summary": str(stages.get(state, state)),
                    "url": reverse("contracting:process", args=[key]),
                    "rank": rank,
                }
            )
        else:
            results.append(
                {
                    "kind": "infrastructure_project",
                    "kind_label": _("Obra"),
                    "title": title,
                    "summary": f"{place} · {statuses.get(state, state)} · {pct} %",
                    "url": reverse("contracting:project", args=[key]),
                    "rank": rank,
                }
            )
    results.sort(key=lambda r: -r["rank"])
    return results[:limit]


def indicators() -> dict:
    """`indicators:contracting`: calls for bids open now, works under way."""
    now = timezone.now()
    return {
        "tenders_open": process_public_qs()
        .filter(stage=Stage.TENDER, tender_cancelled=False, tender_end__gt=now)
        .count(),
        "works_in_progress": project_public_qs()
        .filter(status=InfrastructureProject.Status.IMPLEMENTATION)
        .count(),
        "url": reverse("contracting:process_list"),
    }


FLAT_COLUMNS = [
    "ocid",
    "title",
    "stage",
    "buyer",
    "district",
    "method",
    "category",
    "budget_amount",
    "tender_amount",
    "tender_start",
    "tender_end",
    "number_of_tenderers",
    "suppliers",
    "value_awarded",
    "value_contracted",
    "value_paid",
    "red_flags",
    "url",
]


def flat_rows(processes=None):
    """The flattened main sheet (one row per process) of docs/contracting.md."""
    qs = processes if processes is not None else process_public_qs()
    qs = qs.select_related("district", "buyer_unit").order_by("pk")
    batch = list(qs)
    flag_map = flags_for(batch)
    for p in batch:
        c = p.compiled or {}
        tender = c.get("tender") or {}
        suppliers = sorted(
            {
                s.get("name") or ""
                for a in c.get("awards") or []
                if a.get("status") == "active"
                for s in a.get("suppliers") or []
            }
        )
        yield {
            "ocid": p.ocid,
            "title": p.title,
            "stage": p.stage,
            "buyer": (c.get("buyer") or {}).get("name") or "",
            "district": p.district.name if p.district else "",
            "method": p.method,
            "category": p.category,
            "budget_amount": _num(p.budget_amount),
            "tender_amount": _num(p.tender_amount),
            "tender_start": p.tender_start.isoformat() if p.tender_start else "",
            "tender_end": p.tender_end.isoformat() if p.tender_end else "",
            "number_of_tenderers": tender.get("numberOfTenderers") or "",
            "suppliers": "; ".join(suppliers),
            "value_awarded": _num(p.value_awarded),
            "value_contracted": _num(p.value_contracted),
            "value_paid": _num(p.value_paid),
            "red_flags": " ".join(f.code for f in flag_map.get(p.pk, [])),
            "url": absolute_url(p.get_absolute_url()),
        }


def flat_rows_streamed(*, chunk=1000):
    """flat_rows over every published process, in id-keyset chunks (bounded memory)."""
    last = 0
    while True:
        ids = list(
            process_public_qs()
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            return
        yield from flat_rows(ContractingProcess.objects.filter(pk__in=ids))
        last = ids[-1]


def _num(value):
    return "" if value is None else str(value)


# Table Schemas of the two datasets (openlima/tableschema.py): Spanish titles.
PROCESS_SCHEMA = table_schema(
    ("ocid", "string", "OCID"),
    ("title", "string", "Título"),
    ("stage", "string", "Etapa"),
    ("buyer", "string", "Entidad compradora"),
    ("district", "string", "Distrito"),
    ("method", "string", "Método de contratación"),
    ("category", "string", "Categoría"),
    ("budget_amount", "number", "Presupuesto (S/)"),
    ("tender_amount", "number", "Valor convocado (S/)"),
    ("tender_start", "datetime", "Inicio de la convocatoria"),
    ("tender_end", "datetime", "Fin de la convocatoria"),
    ("number_of_tenderers", "integer", "Número de postores"),
    ("suppliers", "string", "Proveedores adjudicados"),
    ("value_awarded", "number", "Monto adjudicado (S/)"),
    ("value_contracted", "number", "Monto contratado (S/)"),
    ("value_paid", "number", "Monto pagado (S/)"),
    ("red_flags", "string", "Banderas rojas"),
    ("url", "string", "Página del proceso"),
    primary_key=("ocid",),
)
PROJECT_SCHEMA = table_schema(
    ("id", "string", "Identificador de la obra"),
    ("title", "string", "Título"),
    ("district", "string", "Distrito"),
    ("ubigeo", "string", "Ubigeo del distrito"),
    ("status", "string", "Estado"),
    ("progress", "integer", "Avance físico (%)"),
    ("budget_amount", "number", "Presupuesto (S/)"),
    ("cost_amount", "number", "Costo (S/)"),
    ("url", "string", "Página de la obra"),
    primary_key=("id",),
)


def dataset_processes() -> dict:
    """`dataset:contrataciones-ocds`: the flattened process table, with links to the
    bulk OCDS files in its description."""
    base = absolute_url("")
    return {
        "title": _("Procesos de contratación (OCDS)"),
        "description": _(
            "Una fila por proceso de contratación de la municipalidad, aplanada del "
            "release compilado OCDS 1.1. Los datos completos: paquete de releases "
            "%(json)s, JSON lines %(jsonl)s, API %(api)s."
        )
        % {
            "json": f"{base}/api/ocds/bulk/releases.json",
            "jsonl": f"{base}/api/ocds/bulk/releases.jsonl",
            "api": f"{base}/api/ocds/releases/",
        },
        "publisher_slug": LOGISTICS_UNIT_SLUG,
        "tags": ["contrataciones", "ocds", "licitaciones"],
        "columns": FLAT_COLUMNS,
        "rows": list(flat_rows()),
        "schema": PROCESS_SCHEMA,
    }


def dataset_projects() -> dict:
    """`dataset:obras-oc4ids`: one row per public work."""
    rows = [
        {
            "id": p.slug,
            "title": p.title,
            "district": p.district.name,
            "ubigeo": p.district.ubigeo,
            "status": p.status,
            "progress": p.progress,
            "budget_amount": _num(p.budget_amount),
            "cost_amount": _num(p.cost_amount),
            "url": absolute_url(p.get_absolute_url()),
        }
        for p in project_public_qs().select_related("district").order_by("slug")
    ]
    return {
        "title": _("Obras públicas (OC4IDS)"),
        "description": _(
            "Obras de la municipalidad por distrito, con su avance y costo. El paquete "
            "OC4IDS completo: %(url)s"
        )
        % {"url": absolute_url("/api/oc4ids/projects/")},
        "publisher_slug": LOGISTICS_UNIT_SLUG,
        "tags": ["obras", "oc4ids", "infraestructura"],
        "columns": schema_columns(PROJECT_SCHEMA),
        "schema": PROJECT_SCHEMA,
        "rows": rows,
    }


def follows_of(*, user):
    if not getattr(user, "is_authenticated", False):
        return Follow.objects.none()
    return Follow.objects.filter(user=user).order_by("-created_at")


def personal_data(*, user) -> dict:
    follows = [
        {"label": f.label, "query": f.query, "created_at": f.created_at.isoformat()}
        for f in follows_of(user=user)
    ]
    return {
        "summary": [[_("Búsquedas de contrataciones que sigue"), len(follows)]],
        "follows": follows,
    }
