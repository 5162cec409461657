"""Processes: the public list with its filters and a process page (docs/contracting.md,
"Pages")."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city, registry

from .. import ocds
from ..flags import FLAGS
from ..models import (
    ContractingProcess,
    ProcessParty,
    RedFlag,
    Stage,
)

# --- processes: public list and page ---------------------------------------------------


def process_filters_clean(data) -> dict:
    from ..forms import ProcessFilterForm

    form = ProcessFilterForm(data)
    return form.cleaned_data if form.is_valid() else {}


def process_public_qs():
    return ContractingProcess.objects.filter(is_published=True)


def process_list(*, filters: dict):
    """Published processes matching `filters` (ProcessFilterForm.cleaned_data); calls
    for bids still open come first, soonest deadline first."""
    now = timezone.now()
    open_now = Q(stage=Stage.TENDER, tender_cancelled=False, tender_end__gt=now)
    return (
        _process_filtered(filters)
        .annotate(
            open_first=Case(
                When(open_now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "tender_end", "-last_release_at", "-id")
    )


class OpenFirstList:
    """The list page's rows as two index-ordered queries: calls still open (soonest
    deadline first, index ctr_stage_idx), then every other process (most recent first,
    index ctr_recent_idx). One sort key over the whole table (a CASE) made PostgreSQL
    scan and sort every published process for each page (docs/contracting.md, "Scale").
    A Paginator slices it like a queryset."""

    def __init__(self, qs):
        open_now = Q(
            stage=Stage.TENDER, tender_cancelled=False, tender_end__gt=timezone.now()
        )
        self.open = (
            qs.filter(open_now)
            .annotate(open_first=Value(0, output_field=IntegerField()))
            .order_by("tender_end", "id")
        )
        self.rest = (
            qs.exclude(open_now)
            .annotate(open_first=Value(1, output_field=IntegerField()))
            .order_by("-last_release_at", "-id")
        )
        # The count is of the filtered queryset itself: for the unfiltered list one
        # `count(*) … WHERE is_published` over slim rows (the compiled release is in its
        # own table), not a NOT(open) filter evaluated on every row.
        self.all = qs.order_by()
        self._open_count = None
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._open_count = self.open.count()
            self._count = self.all.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        self.count()
        start, stop = key.start or 0, key.stop if key.stop is not None else self._count
        n_open = self._open_count
        rows = []
        if start < n_open:
            rows += list(self.open[start : min(stop, n_open)])
        if stop > n_open:
            rows += list(self.rest[max(start - n_open, 0) : stop - n_open])
        return rows


def process_list_open_first(*, filters: dict) -> OpenFirstList:
    """`process_list` for the list page: the same rows and order for the open calls,
    the others most recent first, without sorting the whole table."""
    return OpenFirstList(_process_filtered(filters))


def _process_filtered(filters: dict):
    qs = (
        process_public_qs()
        .select_related("buyer_unit", "district")
        .defer("description", "budget_rationale")
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
    return qs


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
        .select_related("buyer_unit", "district", "project", "compiled_release")
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


def _bid_rows(c: dict, tender: dict, awards: list) -> list[dict]:
    """Every bid (or, without bids, every tenderer), cheapest first, winners marked."""
    winners = {
        s.get("id")
        for a in awards
        if a.get("status") == "active"
        for s in a.get("suppliers") or []
    }
    bids = []
    prefix = f"{city.supplier_scheme()}-"  # suppliers' party ids (docs/city-profile.md)
    for b in (c.get("bids") or {}).get("details") or []:
        for t in b.get("tenderers") or []:
            bids.append(
                {
                    "name": t.get("name") or t.get("id"),
                    "ruc": (t.get("id") or "").removeprefix(prefix),
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
                    "ruc": (t.get("id") or "").removeprefix(prefix),
                    "amount": None,
                    "status": "",
                    "disqualified": False,
                    "winner": t.get("id") in winners,
                }
            )
    bids.sort(key=lambda b: (b["amount"] is None, b["amount"] or 0))
    return bids


def _document_rows(planning: dict, tender: dict, awards: list, contracts: list):
    """The documents of every stage, labelled by the stage they belong to."""
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
    return documents


def _implementation_rows(contracts: list) -> tuple[list, list, list]:
    """(amendments, milestones, payments) of every contract."""
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
    return amendments, milestones, payments


def _timeline(
    process: ContractingProcess,
    *,
    first_release,
    period: dict,
    awards: list,
    contracts: list,
    payments: list,
) -> list[dict]:
    """The five stages, each with the date it was reached, done and current marked."""
    stage_order = [s for s, _label in Stage.choices]
    reached = stage_order.index(process.stage)
    return [
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


def _amount_rows(process: ContractingProcess, planning: dict, tender: dict):
    """Planned → tendered → awarded → contracted → paid, bars scaled to the largest."""
    amounts = [
        (_("Presupuestado"), _amount((planning.get("budget") or {}).get("amount"))),
        (_("Valor estimado de la convocatoria"), _amount(tender.get("value"))),
        (_("Adjudicado"), process.value_awarded),
        (_("Contratado"), process.value_contracted),
        (_("Pagado"), process.value_paid),
    ]
    top = max((a for _l, a in amounts if a), default=None)
    return [
        {
            "label": label,
            "amount": amount,
            "width": int(amount * 100 / top) if amount and top else 0,
        }
        for label, amount in amounts
    ]


def process_detail(*, process: ContractingProcess) -> dict:
    """What the process page shows, read from the compiled release."""
    c = process.compiled or {}
    tender = c.get("tender") or {}
    planning = c.get("planning") or {}
    awards = c.get("awards") or []
    contracts = c.get("contracts") or []
    bids = _bid_rows(c, tender, awards)
    documents = _document_rows(planning, tender, awards, contracts)
    amendments, milestones, payments = _implementation_rows(contracts)
    period = tender.get("tenderPeriod") or {}
    releases = list(
        process.releases.order_by("date", "id").values_list("date", "tag", "release_id")
    )
    timeline = _timeline(
        process,
        first_release=releases[0][0] if releases else None,
        period=period,
        awards=awards,
        contracts=contracts,
        payments=payments,
    )
    amount_rows = _amount_rows(process, planning, tender)
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
