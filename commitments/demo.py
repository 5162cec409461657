"""Demo data: both bundled action plans, with some realistic progress on Lima 2022."""

import datetime
import json
from pathlib import Path

from django.utils import timezone

from .importer import import_plan
from .models import Indicator, Measurement, Milestone, MilestoneStatus, ProgressUpdate

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_PLANS = ["lima-2022.json", "peru-2015-2016.json"]

D = datetime.date


def load(*, stdout=None) -> None:
    for name in BUNDLED_PLANS:
        result = import_plan(json.loads((DATA_DIR / name).read_text(encoding="utf-8")))
        if stdout:
            stdout.write(
                f"  {result['plan'].slug}: {result['created']} created, "
                f"{result['updated']} updated, {result['unchanged']} unchanged"
            )
    _lima_progress()


# (commitment slug, milestone code, update, note): Lima 2022's demo progress.
LIMA_PROGRESS = [
    (
        "open-lima",
        "A",
        {"status": "completed", "completed_on": D(2022, 10, 18)},
        "[demo] Compromiso comunicado en la web y redes institucionales.",
    ),
    (
        "open-lima",
        "B",
        {"status": "completed", "completed_on": D(2022, 11, 5)},
        "[demo] Plataforma desarrollada; entrega una semana después de lo previsto.",
    ),
    (
        "open-lima",
        "C",
        {"status": "completed", "completed_on": D(2022, 11, 10)},
        "[demo] Lanzamiento público de Open Lima.",
    ),
    (
        "open-lima",
        "D",
        {"status": "in_progress", "progress": 60},
        "[demo] Campaña interna en curso en 6 de 10 gerencias.",
    ),
    (
        "lima-honesta",
        "A",
        {"status": "completed", "completed_on": D(2022, 10, 18)},
        "[demo] Compromiso comunicado.",
    ),
    (
        "lima-honesta",
        "B",
        {"status": "in_progress", "progress": 40},
        "[demo] Formulario anónimo y cifrado listos; falta el canal telefónico.",
    ),
    (
        "lima-activa",
        "A",
        {"status": "completed", "completed_on": D(2022, 10, 18)},
        "[demo] Compromiso comunicado.",
    ),
    (
        "lima-activa",
        "F",
        {"status": "delayed", "delay_reason": "Pendiente de opinión legal."},
        "[demo] Propuesta normativa en revisión por la Secretaría General.",
    ),
]
# Measurements of Open Lima's "# de datos publicados" indicator.
PUBLISHED_DATA_MEASUREMENTS = [
    (D(2022, 11, 10), 12),
    (D(2023, 3, 1), 35),
    (D(2023, 9, 1), 58),
]


def _lima_progress() -> None:
    from . import services

    milestones = {
        (m.commitment.slug, m.code): m
        for m in Milestone.objects.filter(
            commitment__plan__slug="lima-2022"
        ).select_related("commitment__plan")
    }
    if not milestones:
        return
    if ProgressUpdate.objects.filter(
        commitment__plan__slug="lima-2022", note__startswith="[demo]"
    ).exists():
        return  # already loaded
    for slug, code, data, note in LIMA_PROGRESS:
        milestone = milestones.get((slug, code))
        if milestone is not None:
            services.milestone_update(
                user=None,
                milestone=milestone,
                data=data,
                note=note,
                check_permission=False,
            )
    _launch_evidence(milestones.get(("open-lima", "C")))
    _published_data_measurements()
    _scheduled_update(milestones.get(("open-lima", "G")))


def _launch_evidence(milestone) -> None:
    from . import services

    if milestone is not None:
        services.evidence_add(
            user=None,
            milestone=milestone,
            description="Nota de prensa del lanzamiento",
            url="https://www.gob.pe/munilima",
            check_permission=False,
        )


def _published_data_measurements() -> None:
    indicator = Indicator.objects.filter(
        commitment__plan__slug="lima-2022",
        commitment__slug="open-lima",
        name="# de datos publicados",
    ).first()
    if indicator is not None:
        for day, value in PUBLISHED_DATA_MEASUREMENTS:
            Measurement.objects.get_or_create(
                indicator=indicator,
                measured_on=day,
                defaults={"value": value, "source": "Portal de datos abiertos"},
            )


def _scheduled_update(milestone) -> None:
    """One scheduled update, to show publish_at at work."""
    from . import services

    if milestone is not None:
        services.milestone_update(
            user=None,
            milestone=milestone,
            data={"status": MilestoneStatus.IN_PROGRESS, "progress": 10},
            note="[demo] Evaluación iniciada (publicación programada).",
            publish_at=timezone.now() + datetime.timedelta(hours=1),
            check_permission=False,
        )
