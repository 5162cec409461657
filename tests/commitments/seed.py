"""Bulk seeding for query-count tests."""

import datetime

from django.utils import timezone

from commitments.models import (
    Commitment,
    Evidence,
    Indicator,
    Measurement,
    Milestone,
    ProgressUpdate,
)
from openlima.models import OrgUnit

from .factories import ActionPlanFactory


def seed_plan(*, commitments: int, milestones: int, slug: str = "grande"):
    plan = ActionPlanFactory(slug=slug)
    units = list(OrgUnit.objects.order_by("pk")[:3])
    cs = Commitment.objects.bulk_create(
        [
            Commitment(
                plan=plan,
                number=i + 1,
                slug=f"c-{i}",
                title=f"Compromiso {i}",
                ogp_values="transparency",
                completion_level=["limited", "complete", ""][i % 3],
                progress=i % 100,
            )
            for i in range(commitments)
        ]
    )
    through = Commitment.responsible_units.through
    through.objects.bulk_create(
        [
            through(commitment_id=c.pk, orgunit_id=units[i % 3].pk)
            for i, c in enumerate(cs)
        ]
        + [
            through(commitment_id=c.pk, orgunit_id=units[(i + 1) % 3].pk)
            for i, c in enumerate(cs)
        ]
    )
    start = datetime.date(2025, 1, 1)
    ms = Milestone.objects.bulk_create(
        [
            Milestone(
                commitment=c,
                code=f"H{j:03d}",
                title=f"Hito {j}",
                start_on=start,
                due_on=start + datetime.timedelta(days=30 * (j + 1)),
                status=["not_started", "in_progress", "completed"][j % 3],
                completed_on=start if j % 3 == 2 else None,
                progress=100 if j % 3 == 2 else 10,
            )
            for c in cs
            for j in range(milestones)
        ]
    )
    Evidence.objects.bulk_create(
        [
            Evidence(milestone=m, description="Acta", url="https://example.org/a")
            for m in ms
        ]
    )
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                commitment_id=m.commitment_id,
                milestone=m,
                unit=units[0],
                changes={"progress": [0, 10]},
                publish_at=now,
                published_at=now,
            )
            for m in ms
        ]
    )
    indicators = Indicator.objects.bulk_create(
        [Indicator(commitment=c, name=f"Indicador {k}") for c in cs for k in range(2)]
    )
    Measurement.objects.bulk_create(
        [
            Measurement(
                indicator=ind, measured_on=start + datetime.timedelta(days=k), value=k
            )
            for ind in indicators
            for k in range(3)
        ]
    )
    return plan, cs
