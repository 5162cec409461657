"""Red flags ("señales de alerta") computed from a process's compiled release.

Definitions follow the Open Contracting Partnership's Cardinal indicators where one exists
(docs/contracting.md lists each one and its source); thresholds are constants here. A flag is
never an accusation: it marks something to review ("para revisar").
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

COMPETITIVE_METHODS = {"open", "selective"}
SHORT_PERIOD_DAYS = 10
CLOSE_TO_ESTIMATE_RATIO = Decimal("0.01")
AMENDMENT_INCREASE_RATIO = Decimal("0.15")
LATE_START_DAYS = 30


@dataclass(frozen=True)
class FlagInfo:
    code: str
    title: str
    explanation: str
    definition: str


FLAGS = {
    f.code: f
    for f in [
        FlagInfo(
            "single_bidder",
            _("Un solo postor"),
            _(
                "En un procedimiento competitivo se presentó una sola oferta válida. "
                "Puede deberse a un mercado pequeño, pero también a bases que dejan "
                "fuera a otros postores: conviene revisarlo."
            ),
            _(
                "Cardinal R018 (single bid received): procedimiento abierto o selectivo "
                "con exactamente una oferta válida."
            ),
        ),
        FlagInfo(
            "short_submission_period",
            _("Plazo corto para presentar ofertas"),
            _(
                "El plazo para presentar ofertas fue menor de 10 días. Un plazo corto "
                "dificulta que se presenten más postores."
            ),
            _(
                "Cardinal R003 (short submission period): tenderPeriod de un "
                "procedimiento abierto o selectivo de menos de 10 días."
            ),
        ),
        FlagInfo(
            "price_close_to_estimate",
            _("Precio ganador casi igual al estimado"),
            _(
                # xgettext:no-python-format ("1 % del", "15 % el" are percentages, not
                # %-directives: compilemessages refused the catalogue otherwise)
                "La oferta ganadora difiere en menos del 1 % del valor estimado. Es "
                "habitual en algunos mercados, pero puede indicar que el precio se "
                "conocía de antemano."
            ),
            _(
                # xgettext:no-python-format
                "Definición propia (sin equivalente en Cardinal): |monto adjudicado − "
                "valor estimado| ≤ 1 % del valor estimado."
            ),
        ),
        FlagInfo(
            "lowest_bid_disqualified",
            _("Se descalificó la oferta más baja"),
            _(
                "La oferta de menor precio fue descalificada y ganó otra más cara. "
                "Puede estar justificado; conviene leer el acta de evaluación."
            ),
            _(
                "Cardinal R036 (lowest bid disqualified): la oferta de menor valor en "
                "bids.details tiene estado «disqualified» y hay una adjudicación."
            ),
        ),
        FlagInfo(
            "contract_amended_above_threshold",
            _("Contrato aumentado más del 15 %"),
            _(
                "Modificaciones posteriores a la firma elevaron el monto del contrato "
                "más del 15 %. Conviene revisar los motivos de cada modificación."
            ),
            _(
                # xgettext:no-python-format
                "Definición propia: contrato con modificaciones (amendments) cuyo valor "
                "actual supera en más del 15 % el valor con que se publicó por primera vez."
            ),
        ),
        FlagInfo(
            "late_start",
            _("Inicio tardío de la ejecución"),
            _(
                "El primer hito de ejecución se cumplió (o sigue pendiente) más de 30 "
                "días después de la fecha de inicio del contrato."
            ),
            _(
                "Definición propia: primer hito de implementation.milestones cumplido "
                "(dateMet), o aún no cumplido hoy, más de 30 días después de "
                "contracts.period.startDate."
            ),
        ),
    ]
}


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str((value or {}).get("amount")))
    except (ArithmeticError, ValueError, TypeError, AttributeError):
        return None


def _day(value) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _instant(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _valid_bids(compiled) -> list[dict]:
    details = (compiled.get("bids") or {}).get("details") or []
    return [b for b in details if isinstance(b, dict) and b.get("status") == "valid"]


def single_bidder(compiled, **_kw) -> bool:
    tender = compiled.get("tender") or {}
    if tender.get("procurementMethod") not in COMPETITIVE_METHODS:
        return False
    if not compiled.get("awards"):
        return False
    if (compiled.get("bids") or {}).get("details"):
        return len(_valid_bids(compiled)) == 1
    return tender.get("numberOfTenderers") == 1


def short_submission_period(compiled, **_kw) -> bool:
    tender = compiled.get("tender") or {}
    if tender.get("procurementMethod") not in COMPETITIVE_METHODS:
        return False
    period = tender.get("tenderPeriod") or {}
    start, end = _instant(period.get("startDate")), _instant(period.get("endDate"))
    if start is None or end is None:
        return False
    return end - start < timedelta(days=SHORT_PERIOD_DAYS)


def price_close_to_estimate(compiled, **_kw) -> bool:
    estimate = _amount((compiled.get("tender") or {}).get("value"))
    if not estimate:
        return False
    for award in compiled.get("awards") or []:
        if award.get("status") != "active":
            continue
        amount = _amount(award.get("value"))
        if amount is not None and abs(amount - estimate) <= (
            estimate * CLOSE_TO_ESTIMATE_RATIO
        ):
            return True
    return False


def lowest_bid_disqualified(compiled, **_kw) -> bool:
    details = (compiled.get("bids") or {}).get("details") or []
    priced = [
        (_amount(b.get("value")), b)
        for b in details
        if isinstance(b, dict) and _amount(b.get("value")) is not None
    ]
    if len(priced) < 2 or not compiled.get("awards"):
        return False
    lowest = min(a for a, _b in priced)
    return any(
        b.get("status") == "disqualified" for a, b in priced if a == lowest
    ) and any(b.get("status") == "valid" for a, b in priced if a > lowest)


def contract_amended_above_threshold(compiled, *, first_values=None, **_kw) -> bool:
    first_values = first_values or {}
    for contract in compiled.get("contracts") or []:
        if not contract.get("amendments"):
            continue
        first = first_values.get(contract.get("id"))
        now = _amount(contract.get("value"))
        if first and now is not None and now > first * (1 + AMENDMENT_INCREASE_RATIO):
            return True
    return False


def late_start(compiled, *, today=None, **_kw) -> bool:
    today = today or date.today()
    for contract in compiled.get("contracts") or []:
        start = _day((contract.get("period") or {}).get("startDate"))
        milestones = (contract.get("implementation") or {}).get("milestones") or []
        if start is None or not milestones:
            continue
        first = min(milestones, key=lambda m: m.get("dueDate") or "9999")
        began = _day(first.get("dateMet")) or today
        if began - start > timedelta(days=LATE_START_DAYS):
            return True
    return False


CHECKS = {
    "single_bidder": single_bidder,
    "short_submission_period": short_submission_period,
    "price_close_to_estimate": price_close_to_estimate,
    "lowest_bid_disqualified": lowest_bid_disqualified,
    "contract_amended_above_threshold": contract_amended_above_threshold,
    "late_start": late_start,
}


def first_contract_values(releases: list[dict]) -> dict:
    """contract id -> the value it had in the first release that carried it."""
    values = {}
    for release in sorted(releases, key=lambda r: r.get("date") or ""):
        for contract in release.get("contracts") or []:
            cid = contract.get("id")
            amount = _amount(contract.get("value"))
            if cid is not None and cid not in values and amount:
                values[cid] = amount
    return values


def compute(compiled: dict, *, releases: list[dict], today=None) -> list[str]:
    """The codes of the red flags this compiled release raises, in FLAGS order."""
    first_values = first_contract_values(releases)
    return [
        code
        for code, check in CHECKS.items()
        if check(compiled, first_values=first_values, today=today)
    ]
