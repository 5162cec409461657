"""Demo processes and works for Lima (invented, marked `is_demo`), loaded by load_demo.

Every stage is present and each red flag is raised by exactly one designed process, so the
pages and filters can be tried at once. Supplier names say "(demo)": they are invented."""

import re
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from openlima import registry
from openlima.models import District, OrgUnit

from . import services
from .models import (
    Amendment,
    Award,
    Bid,
    Contract,
    ContractingProcess,
    ImplementationMilestone,
    InfrastructureProject,
    Payment,
    ProgressReport,
    Supplier,
)

SUPPLIERS = [
    ("20600000011", "Constructora Rímac Norte S.A.C. (demo)"),
    ("20600000029", "Obras y Pistas del Sur E.I.R.L. (demo)"),
    ("20600000037", "Ingeniería Chillón S.A. (demo)"),
    ("20600000045", "Servicios Urbanos Lima Verde S.A.C. (demo)"),
    ("20600000053", "Textiles Serenos S.R.L. (demo)"),
    ("20600000061", "Consorcio Puente Lurín (demo)"),
]

PROJECTS = [
    (
        "losa-deportiva-comas",
        "Losa deportiva y parque del Collique, Comas",
        "150110",
        InfrastructureProject.Status.IMPLEMENTATION,
        45,
        "cultureSportsAndRecreation",
        Decimal("1850000"),
    ),
    (
        "pistas-sjl-canto-grande",
        "Rehabilitación de pistas en Canto Grande, San Juan de Lurigancho",
        "150132",
        InfrastructureProject.Status.IMPLEMENTATION,
        70,
        "transport.road",
        Decimal("4200000"),
    ),
    (
        "puente-peatonal-ves",
        "Puente peatonal en la avenida Pachacútec, Villa El Salvador",
        "150142",
        InfrastructureProject.Status.PREPARATION,
        0,
        "transport.urban",
        Decimal("2600000"),
    ),
    (
        "parque-zonal-ate",
        "Mejoramiento del parque zonal de Ate",
        "150103",
        InfrastructureProject.Status.COMPLETION,
        100,
        "cultureSportsAndRecreation",
        Decimal("980000"),
    ),
    (
        "mercado-la-victoria",
        "Ampliación del mercado municipal de La Victoria",
        "150115",
        InfrastructureProject.Status.IMPLEMENTATION,
        30,
        "economy",
        Decimal("2500000"),
    ),
]


def _district(ubigeo: str):
    return District.objects.filter(ubigeo=ubigeo).first()


def _commitment_id():
    choices = registry.provider("commitments.choices")
    if not choices:
        return None
    options = choices()
    for cid, title in options:
        if "open lima" in str(title).lower():
            return cid
    return options[0][0] if options else None


def _milestone_id():
    """A milestone of the plan's "Open Lima" commitment (the platform's development),
    found through the `commitments.milestone_choices` contract."""
    choices = registry.provider("commitments.milestone_choices")
    if not choices:
        return None
    options = [(mid, str(label)) for mid, label in choices()]
    for mid, label in options:
        if "open lima" in label.lower() and "desarrollo" in label.lower():
            return mid
    for mid, label in options:
        if "open lima" in label.lower():
            return mid
    return None


def _proposal_id():
    """The Lima Activa demo proposal asking to publish tenders at their first stage,
    found through the site-search contract (apps never import each other)."""
    search = registry.provider("search:participation")
    if not search:
        return None
    for hit in search(query="Publicar las licitaciones en su primera etapa", limit=5):
        match = re.search(r"/propuestas/(\d+)/", hit.get("url") or "")
        if match:
            return int(match.group(1))
    return None


def _supplier(n):
    ruc, name = SUPPLIERS[n]
    supplier, _ = Supplier.objects.get_or_create(ruc=ruc, defaults={"name": name})
    return supplier


def _release(process):
    services.release_write(process=process)


VALID = Bid.Status.VALID
DISQUALIFIED = Bid.Status.DISQUALIFIED


@transaction.atomic
def load(*, stdout=None) -> None:
    if ContractingProcess.objects.filter(is_demo=True).exists():
        return
    from openlima import city

    spec = city.demo_content("contracting")
    if spec is not None:  # a city profile's own demo (docs/city-profile.md)
        if spec:
            load_profile(spec, stdout=stdout)
        return
    now = timezone.now()
    today = timezone.localdate()
    unit = _logistics_unit()
    commitment_id = _commitment_id()
    proposal_id = _proposal_id()
    milestone_id = _milestone_id()
    projects = _lima_projects(
        unit=unit, today=today, proposal_id=proposal_id, milestone_id=milestone_id
    )
    buyer = _LimaBuyer(unit=unit, commitment_id=commitment_id, now=now, today=today)
    for step in LIMA_PROCESSES:
        step(buyer, projects)
    if stdout:
        stdout.write(
            f"contracting: {ContractingProcess.objects.filter(is_demo=True).count()} "
            f"procesos y {len(projects)} obras de demostración"
        )


def _logistics_unit() -> OrgUnit:
    unit = OrgUnit.objects.filter(slug="logistica").first()
    if unit is None:
        unit = OrgUnit.objects.create(
            name="Oficina General de Logística", slug="logistica", acronym="OGL"
        )
    return unit


def _lima_projects(*, unit, today, proposal_id, milestone_id) -> dict:
    """Lima's demo works (PROJECTS) by slug, each with its progress reports; a work whose
    district is not loaded is left out."""
    projects = {}
    for slug, title, district, status, progress, sector, budget in PROJECTS:
        d = _district(district)
        if d is None:
            continue
        project = InfrastructureProject.objects.create(
            slug=slug,
            title=title,
            description=(
                f"{title}. Obra de demostración: datos inventados para probar el portal."
            ),
            district=d,
            unit=unit,
            status=status,
            sector=sector,
            budget_amount=budget,
            cost_amount=budget * progress / 100 if progress else None,
            progress=progress,
            start_on=today - timedelta(days=120),
            end_on=today + timedelta(days=240),
            completed_on=today - timedelta(days=10) if progress == 100 else None,
            proposal_id=proposal_id if slug == "losa-deportiva-comas" else None,
            commitment_milestone_id=milestone_id,
            is_published=True,
            is_demo=True,
        )
        _progress_reports(project, progress=progress, today=today)
        projects[slug] = project
    return projects


def _progress_reports(project, *, progress, today) -> None:
    """One report per 25 % step reached, twenty days apart."""
    for step, pct in enumerate(range(0, progress + 1, 25) if progress else []):
        ProgressReport.objects.create(
            project=project,
            date=today - timedelta(days=90 - step * 20),
            progress=min(pct, progress),
            note="Informe de avance de obra (demo).",
        )


class _LimaBuyer:
    """Lima's demo buyer: the logistics unit, the plan's commitment and one clock, with
    a step for each stage of a process; every stage writes its OCDS release."""

    def __init__(self, *, unit, commitment_id, now, today):
        self.unit = unit
        self.commitment_id = commitment_id
        self.now = now
        self.today = today

    def process(
        self, title, *, district, category="works", method="open", budget, **extra
    ):
        data = {
            "title": title,
            "description": f"{title}. Proceso de demostración con datos inventados.",
            "buyer_unit": self.unit,
            "district": _district(district),
            "budget_amount": Decimal(budget),
            "budget_rationale": "Programado en el Plan Anual de Contrataciones (demo).",
            "commitment_id": self.commitment_id,
            "is_published": True,
            "is_demo": True,
            **extra,
        }
        p = services.process_create(user=None, data=data)
        p.category = category
        p.method = method
        return p

    def tender(self, p, *, amount, days_ago, days_open, enquiry=True):
        p.tender_amount = Decimal(amount)
        p.tender_start = self.now - timedelta(days=days_ago)
        p.tender_end = p.tender_start + timedelta(days=days_open)
        if enquiry:
            p.enquiry_end = p.tender_start + timedelta(days=days_open // 2)
        p.save()
        _release(p)

    def bids(self, p, offers):
        for n, amount, status in offers:
            Bid.objects.create(
                process=p,
                supplier=_supplier(n),
                amount=Decimal(amount),
                submitted_at=p.tender_end - timedelta(hours=2),
                status=status,
            )

    def award(self, p, n, amount):
        a = Award.objects.create(
            process=p,
            supplier=_supplier(n),
            amount=Decimal(amount),
            date=p.tender_end + timedelta(days=5),
        )
        _release(p)
        return a

    def contract(self, p, a, *, amount, start_days_ago):
        c = Contract.objects.create(
            process=p,
            award=a,
            amount=Decimal(amount),
            signed_on=self.today - timedelta(days=start_days_ago + 3),
            start_on=self.today - timedelta(days=start_days_ago),
            end_on=self.today + timedelta(days=200),
        )
        _release(p)
        return c

    def milestone_met(self, c, title, *, due_days_ago, met_days_ago):
        ImplementationMilestone.objects.create(
            contract=c,
            title=title,
            due_on=self.today - timedelta(days=due_days_ago),
            met_on=self.today - timedelta(days=met_days_ago),
            status=ImplementationMilestone.Status.MET,
        )

    def payment(self, c, *, days_ago, amount):
        Payment.objects.create(
            contract=c,
            date=self.today - timedelta(days=days_ago),
            amount=Decimal(amount),
        )


# Lima's twelve demo processes, in this order (their ids follow it): every stage is
# present and each red flag is raised by exactly one of them.


def _planning_only(buyer: _LimaBuyer, projects: dict) -> None:
    buyer.process(
        "Mantenimiento de áreas verdes del Cercado de Lima 2027",
        district="150101",
        category="services",
        budget="640000",
    )


def _open_call(buyer: _LimaBuyer, projects: dict) -> None:
    """Open call, deadline ahead (Comas)."""
    p = buyer.process(
        "Construcción de losa deportiva en Collique, Comas",
        district="150110",
        budget="1850000",
        project=projects.get("losa-deportiva-comas"),
    )
    buyer.tender(p, amount="1800000", days_ago=5, days_open=25)


def _short_submission_period(buyer: _LimaBuyer, projects: dict) -> None:
    """Open call with a short submission period (flag short_submission_period)."""
    p = buyer.process(
        "Adquisición de uniformes para el serenazgo",
        district="150101",
        category="goods",
        method="selective",
        budget="350000",
    )
    buyer.tender(p, amount="340000", days_ago=2, days_open=6, enquiry=False)


def _single_bidder(buyer: _LimaBuyer, projects: dict) -> None:
    """Flag single_bidder."""
    p = buyer.process(
        "Rehabilitación de pistas en Canto Grande, San Juan de Lurigancho",
        district="150132",
        budget="4200000",
        project=projects.get("pistas-sjl-canto-grande"),
    )
    buyer.tender(p, amount="4100000", days_ago=60, days_open=22)
    buyer.bids(p, [(1, "3950000", VALID)])
    buyer.award(p, 1, "3950000")


def _price_close_to_estimate(buyer: _LimaBuyer, projects: dict) -> None:
    """The winner's price close to the estimate (flag price_close_to_estimate)."""
    p = buyer.process(
        "Servicio de limpieza pública del Centro Histórico",
        district="150101",
        category="services",
        budget="1250000",
    )
    buyer.tender(p, amount="1200000", days_ago=50, days_open=20)
    buyer.bids(p, [(3, "1196000", VALID), (0, "1230000", VALID), (2, "1260000", VALID)])
    buyer.award(p, 3, "1196000")


def _lowest_bid_disqualified(buyer: _LimaBuyer, projects: dict) -> None:
    """Lowest bid disqualified (flag lowest_bid_disqualified), work completed."""
    p = buyer.process(
        "Mejoramiento del parque zonal de Ate",
        district="150103",
        budget="980000",
        project=projects.get("parque-zonal-ate"),
    )
    buyer.tender(p, amount="1000000", days_ago=150, days_open=20)
    buyer.bids(
        p, [(0, "850000", DISQUALIFIED), (2, "910000", VALID), (1, "990000", VALID)]
    )
    a = buyer.award(p, 2, "910000")
    c = buyer.contract(p, a, amount="910000", start_days_ago=40)
    buyer.milestone_met(c, "Entrega de la obra", due_days_ago=20, met_days_ago=15)
    buyer.payment(c, days_ago=10, amount="910000")
    _release(p)


def _contract_signed(buyer: _LimaBuyer, projects: dict) -> None:
    """Contract signed (Villa El Salvador)."""
    p = buyer.process(
        "Construcción de puente peatonal en la avenida Pachacútec",
        district="150142",
        budget="2600000",
        project=projects.get("puente-peatonal-ves"),
    )
    buyer.tender(p, amount="2500000", days_ago=70, days_open=25)
    buyer.bids(p, [(5, "2380000", VALID), (2, "2450000", VALID)])
    a = buyer.award(p, 5, "2380000")
    buyer.contract(p, a, amount="2380000", start_days_ago=5)


def _contract_amended(buyer: _LimaBuyer, projects: dict) -> None:
    """Contract amended +25 % (flag contract_amended_above_threshold)."""
    p = buyer.process(
        "Ampliación del mercado municipal de La Victoria",
        district="150115",
        budget="2500000",
        project=projects.get("mercado-la-victoria"),
    )
    buyer.tender(p, amount="2100000", days_ago=140, days_open=25)
    buyer.bids(p, [(0, "2000000", VALID), (1, "2080000", VALID)])
    a = buyer.award(p, 0, "2000000")
    c = buyer.contract(p, a, amount="2000000", start_days_ago=90)
    c.amount = Decimal("2500000")
    c.save(update_fields=["amount"])
    Amendment.objects.create(
        contract=c,
        date=buyer.today - timedelta(days=30),
        rationale="Adicional de obra por reforzamiento estructural (demo).",
        new_amount=Decimal("2500000"),
    )
    _release(p)


def _implementation_on_time(buyer: _LimaBuyer, projects: dict) -> None:
    """Implementation on time (Comas paving)."""
    p = buyer.process(
        "Pavimentación de calles en el pueblo joven Collique, Comas",
        district="150110",
        budget="900000",
        project=projects.get("losa-deportiva-comas"),
    )
    buyer.tender(p, amount="880000", days_ago=120, days_open=22)
    buyer.bids(p, [(2, "845000", VALID), (0, "870000", VALID), (1, "860000", VALID)])
    a = buyer.award(p, 2, "845000")
    c = buyer.contract(p, a, amount="845000", start_days_ago=80)
    buyer.milestone_met(
        c, "Movimiento de tierras concluido", due_days_ago=70, met_days_ago=68
    )
    buyer.payment(c, days_ago=60, amount="253500")
    _release(p)


def _late_start(buyer: _LimaBuyer, projects: dict) -> None:
    """Flag late_start."""
    p = buyer.process(
        "Mantenimiento de pistas en la avenida Próceres, San Juan de Lurigancho",
        district="150132",
        budget="1300000",
        project=projects.get("pistas-sjl-canto-grande"),
    )
    buyer.tender(p, amount="1250000", days_ago=160, days_open=22)
    buyer.bids(p, [(1, "1190000", VALID), (0, "1220000", VALID)])
    a = buyer.award(p, 1, "1190000")
    c = buyer.contract(p, a, amount="1190000", start_days_ago=100)
    buyer.milestone_met(c, "Inicio efectivo de obra", due_days_ago=95, met_days_ago=40)
    _release(p)


def _cancelled_call(buyer: _LimaBuyer, projects: dict) -> None:
    p = buyer.process(
        "Adquisición de cámaras de videovigilancia",
        district="150101",
        category="goods",
        budget="780000",
    )
    buyer.tender(p, amount="760000", days_ago=30, days_open=20)
    p.tender_cancelled = True
    p.save(update_fields=["tender_cancelled"])
    _release(p)


def _second_open_call(buyer: _LimaBuyer, projects: dict) -> None:
    """Second open call (services), deadline ahead."""
    p = buyer.process(
        "Servicio de supervisión de obra del puente peatonal de Villa El Salvador",
        district="150142",
        category="services",
        method="open",
        budget="180000",
        project=projects.get("puente-peatonal-ves"),
    )
    buyer.tender(p, amount="175000", days_ago=3, days_open=18)


LIMA_PROCESSES = (
    _planning_only,
    _open_call,
    _short_submission_period,
    _single_bidder,
    _price_close_to_estimate,
    _lowest_bid_disqualified,
    _contract_signed,
    _contract_amended,
    _implementation_on_time,
    _late_start,
    _cancelled_call,
    _second_open_call,
)


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
