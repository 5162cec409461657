"""Demo processes and works for Lima (invented, marked `is_demo`), loaded by load_demo.

Every stage is present and each red flag is raised by exactly one designed process, so the
pages and filters can be tried at once. Supplier names say "(demo)": they are invented.

Lima's demo is built by `links` (the other apps' records it links to), `works` (its five
works with their progress reports) and `lima` (its twelve processes, `LIMA_PROCESSES`); a
city profile's own demo by `profile` (`load_profile`); `common` holds what both use."""

from django.db import transaction
from django.utils import timezone

from ..models import ContractingProcess
from .lima import DISQUALIFIED, LIMA_PROCESSES, SUPPLIERS, VALID, _LimaBuyer
from .links import _commitment_id, _milestone_id, _proposal_id
from .profile import load_profile
from .works import PROJECTS, _lima_projects, _logistics_unit

__all__ = [
    "DISQUALIFIED",
    "LIMA_PROCESSES",
    "PROJECTS",
    "SUPPLIERS",
    "VALID",
    "load",
    "load_profile",
]


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
