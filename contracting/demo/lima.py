"""Lima's twelve demo processes (LIMA_PROCESSES), bought by `_LimaBuyer` from the invented
SUPPLIERS: every stage is present and each red flag is raised by exactly one of them."""

from datetime import timedelta
from decimal import Decimal

from .. import services
from ..models import (
    Amendment,
    Award,
    Bid,
    Contract,
    ImplementationMilestone,
    Payment,
    Supplier,
)
from .common import _district, _release

SUPPLIERS = [
    ("20600000011", "Constructora Rímac Norte S.A.C. (demo)"),
    ("20600000029", "Obras y Pistas del Sur E.I.R.L. (demo)"),
    ("20600000037", "Ingeniería Chillón S.A. (demo)"),
    ("20600000045", "Servicios Urbanos Lima Verde S.A.C. (demo)"),
    ("20600000053", "Textiles Serenos S.R.L. (demo)"),
    ("20600000061", "Consorcio Puente Lurín (demo)"),
]


def _supplier(n):
    ruc, name = SUPPLIERS[n]
    supplier, _ = Supplier.objects.get_or_create(ruc=ruc, defaults={"name": name})
    return supplier


VALID = Bid.Status.VALID
DISQUALIFIED = Bid.Status.DISQUALIFIED


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
