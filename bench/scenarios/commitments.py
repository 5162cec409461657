"""Bench scenario of commitment tracking: the plan page and /api/v1/commitments/."""

NAME = "commitments"


def seed(*, scale: int) -> None:
    """The two bundled plans, plus a large plan (20 x scale commitments, 10 milestones,
    evidence and history each) so bounded queries show under load."""
    import datetime
    import json

    from django.utils import timezone

    from commitments.demo import BUNDLED_PLANS, DATA_DIR
    from commitments.importer import import_plan
    from commitments.models import (
        ActionPlan,
        Commitment,
        Evidence,
        Milestone,
        ProgressUpdate,
    )
    from openlima.models import OrgUnit
    from openlima.reference_data import reference_data_ensure

    reference_data_ensure()
    for name in BUNDLED_PLANS:
        import_plan(json.loads((DATA_DIR / name).read_text(encoding="utf-8")))
    if ActionPlan.objects.filter(slug="bench").exists():
        return
    plan = ActionPlan.objects.create(
        slug="bench",
        title="Plan de carga",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        status="implementation",
        is_published=True,
    )
    units = list(OrgUnit.objects.order_by("pk")[:4])
    commitments = Commitment.objects.bulk_create(
        [
            Commitment(
                plan=plan,
                number=i + 1,
                slug=f"c-{i + 1}",
                title=f"Compromiso de carga {i + 1}",
                ogp_values="transparency,participation",
                objective="Medir el rendimiento del portal",
                completion_level=["limited", "substantial", "complete", ""][i % 4],
                progress=(i * 7) % 100,
            )
            for i in range(20 * scale)
        ]
    )
    through = Commitment.responsible_units.through
    through.objects.bulk_create(
        [
            through(commitment_id=c.pk, orgunit_id=units[i % len(units)].pk)
            for i, c in enumerate(commitments)
        ]
    )
    start = datetime.date(2025, 1, 1)
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(
                commitment=c,
                code=chr(65 + j),
                title=f"Hito {j + 1}",
                start_on=start + datetime.timedelta(days=20 * j),
                due_on=start + datetime.timedelta(days=20 * j + 60),
                status=["completed", "in_progress", "not_started"][j % 3],
                completed_on=start if j % 3 == 0 else None,
                progress=[100, 50, 0][j % 3],
            )
            for c in commitments
            for j in range(10)
        ],
        batch_size=2000,
    )
    Evidence.objects.bulk_create(
        [
            Evidence(milestone=m, description="Acta", url="https://example.org/acta")
            for m in milestones[::2]
        ],
        batch_size=2000,
    )
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                commitment_id=m.commitment_id,
                milestone=m,
                unit=units[0],
                changes={"progress": [0, m.progress]},
                publish_at=now,
                published_at=now,
            )
            for m in milestones
        ],
        batch_size=2000,
    )


def endpoints(*, base_url: str) -> list[dict]:
    def get(name, path):
        return {
            "name": name,
            "method": "GET",
            "path": path,
            "headers": {},
            "body": None,
        }

    return [
        get("plan_page_lima", "/compromisos/lima-2022/"),
        get("plan_page_large", "/compromisos/bench/"),
        get("commitment_page", "/compromisos/lima-2022/open-lima/"),
        get("api_commitments", "/api/v1/commitments/"),
        get("api_plan_detail", "/api/v1/action-plans/peru-2015-2016/"),
    ]
