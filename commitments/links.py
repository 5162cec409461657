"""What other apps may read of a milestone through openlima/registry.py
(`commitments.milestone_summary`, `commitments.milestone_choices`; a public work of the contracting app says which
milestone it delivers). Its own module so the provider stays apart from selectors."""

from .models import Milestone


def milestone_summary(*, milestone_id: int) -> dict | None:
    m = (
        Milestone.objects.filter(pk=milestone_id, commitment__plan__is_published=True)
        .select_related("commitment__plan")
        .first()
    )
    if m is None:
        return None
    return {
        "id": m.pk,
        "title": m.title,
        "url": m.commitment.get_absolute_url(),
        "commitment_title": m.commitment.title,
        "plan_title": m.commitment.plan.title,
        "due_on": m.due_on,
        "progress": m.progress,
        "status": m.status,
        "status_label": str(m.get_status_display()),
    }


def milestone_choices() -> list[tuple[int, str]]:
    return [
        (
            m.pk,
            f"{m.commitment.plan.title} · {m.commitment.number}. {m.commitment.title}"
            f" · {m.code}. {m.title}",
        )
        for m in Milestone.objects.filter(commitment__plan__is_published=True)
        .select_related("commitment__plan")
        .order_by("commitment__plan__title", "commitment__number", "code", "id")
    ]
