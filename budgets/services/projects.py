"""Project proposals, their images, supports and tracking in commitments."""

import logging
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openlima import registry, uploads
from openlima.errors import ApplicationError, Conflict, Forbidden, Invalid, NotFound
from openlima.models import OrgUnit
from openlima.services import audit_log_record

from .. import conf, selectors
from ..models import (
    BudgetProcess,
    Heading,
    Project,
    ProjectImage,
    Support,
)

logger = logging.getLogger(__name__)


# --- Projects ------------------------------------------------------------------------------
ALLOWED_IMAGE_KINDS = frozenset({"jpeg", "png", "webp"})


IMAGE_MAX_PIXELS = 40_000_000


IMAGE_MESSAGES = {
    "too_big": (
        gettext_lazy("La imagen supera el tamaño máximo permitido."),
        gettext_lazy("Imagen demasiado grande."),
    ),
    "not_allowed": (
        gettext_lazy("El archivo no es una imagen válida."),
        gettext_lazy("Imagen no válida."),
    ),
    "other_image": (
        gettext_lazy("Formato de imagen no admitido (JPEG, PNG o WebP)."),
        gettext_lazy("Formato no admitido."),
    ),
    "too_many_pixels": (gettext_lazy("La imagen es demasiado grande."), None),
}


IMAGE_MESSAGES["empty"] = IMAGE_MESSAGES["bad_image"] = IMAGE_MESSAGES["not_allowed"]


def image_strip_metadata(*, data: bytes) -> tuple[bytes, str, int, int]:
    """Re-encode an uploaded picture from its pixels only (no EXIF/GPS/comments).

    Returns (bytes, extension, width, height); ApplicationError on anything else."""
    max_bytes = conf.max_image_bytes()
    refuse: dict[str, Any] = {"field": "image", "messages": IMAGE_MESSAGES}
    try:
        uploads.check_size(len(data), max_bytes=max_bytes, **refuse)
        image = uploads.image_clean(
            data,
            allowed=ALLOWED_IMAGE_KINDS,
            output="web",
            max_pixels=IMAGE_MAX_PIXELS,
            **refuse,
        )
    except uploads.UploadRefused as exc:
        if exc.reason == "not_allowed" and exc.kind in uploads.IMAGE_KINDS:
            raise uploads.UploadRefused(
                "other_image", kind=exc.kind, **refuse
            ) from None
        raise
    return image.data, image.extension, image.width, image.height


@transaction.atomic
def project_image_add(*, project: Project, data: bytes, alt_text: str) -> ProjectImage:
    content, ext, width, height = image_strip_metadata(data=data)
    image = ProjectImage(
        project=project,
        alt_text=(alt_text or project.title)[:200],
        width=width,
        height=height,
    )
    image.image.save(f"proyecto-{project.pk}.{ext}", ContentFile(content), save=False)
    image.full_clean()
    image.save()
    return image


@transaction.atomic
def project_propose(
    *,
    user,
    heading: Heading,
    title: str,
    description: str,
    location: str = "",
    image_data: bytes | None = None,
    image_alt: str = "",
) -> Project:
    """A verified resident proposes a project while the process accepts proposals."""
    if heading.process.phase != BudgetProcess.Phase.ACCEPTING:
        raise Conflict(_("Este proceso no está recibiendo proyectos."))
    district = selectors.resident_voting_district(user=user)
    if district is None:
        raise Forbidden(
            _("Solo los vecinos y vecinas verificados pueden proponer proyectos."),
        )
    if heading.district_id is not None and heading.district_id != district.pk:
        raise Forbidden(
            _("Solo puede proponer en la partida de su propio distrito."),
        )
    project = Project(
        heading=heading,
        title=(title or "").strip(),
        description=(description or "").strip(),
        location=(location or "").strip(),
        proposed_by=user,
    )
    project.full_clean()
    project.save()
    if image_data:
        project_image_add(project=project, data=image_data, alt_text=image_alt)
    audit_log_record(actor=user, action="budgets.project.propose", obj=project)
    return project


@transaction.atomic
def support_add(*, user, project_id: int) -> Support:
    """A verified resident supports a project in the selecting phase (once)."""
    project = (
        Project.objects.select_related("heading__process").filter(pk=project_id).first()
    )
    if project is None:
        raise NotFound(_("Proyecto no encontrado."))
    if project.heading.process.phase != BudgetProcess.Phase.SELECTING:
        raise Conflict(_("La fase de apoyos no está abierta."))
    district = selectors.resident_voting_district(user=user)
    if district is None:
        raise Forbidden(
            _("Solo los vecinos y vecinas verificados pueden apoyar proyectos."),
        )
    heading = project.heading
    if heading.district_id is not None and heading.district_id != district.pk:
        raise Forbidden(_("Solo puede apoyar proyectos de su propio distrito."))
    if project.feasibility == Project.Feasibility.UNFEASIBLE:
        raise Invalid(_("Este proyecto no es viable."))
    try:
        with transaction.atomic():
            support = Support.objects.create(user=user, project=project)
    except IntegrityError:
        raise Invalid(_("Ya apoyó este proyecto.")) from None
    Project.objects.filter(pk=project.pk).update(support_count=F("support_count") + 1)
    return support


def project_tracking_sync(*, project_id: int) -> bool:
    """Ask the commitments app (provider `commitments.track_project`) to follow a winning
    project; if it is absent or fails, the project stays "pending" and is retried by the
    publisher."""
    project = (
        Project.objects.select_related("heading__process", "unit")
        .filter(pk=project_id, is_winner=True)
        .first()
    )
    if project is None or project.tracking_status == Project.Tracking.TRACKED:
        return False
    track = registry.provider("commitments.track_project")
    if track is None:
        return False
    process = project.heading.process
    unit_id = project.unit_id or (
        OrgUnit.objects.filter(slug="participacion-vecinal")
        .values_list("pk", flat=True)
        .first()
    )
    due_on = process.execution_due_on or (
        timezone.localdate(process.execution_starts_at) + timedelta(days=365)
    )
    try:
        with transaction.atomic():
            result = track(
                plan_title=_("Presupuesto participativo: %(title)s")
                % {"title": process.title},
                plan_slug=f"presupuesto-{process.slug}"[:200],
                commitment_title=project.title,
                unit_id=unit_id,
                milestone_title=_("Ejecución del proyecto «%(title)s»")
                % {"title": project.title},
                description=project.description,
                due_on=due_on,
            )
    except (ApplicationError, DatabaseError):
        # The commitments app refused or its database work failed: the project stays
        # "pending" and the publisher tries again. Any other exception is a bug in the
        # contract and is not hidden.
        logger.exception("budgets: tracking project %s failed", project.pk)
        return False
    Project.objects.filter(pk=project.pk).update(
        tracking_status=Project.Tracking.TRACKED,
        tracking_url=str((result or {}).get("url", ""))[:300],
    )
    audit_log_record(
        actor="system",
        action="budgets.project.tracked",
        obj=project,
        details={k: (result or {}).get(k) for k in ("commitment_id", "milestone_id")},
    )
    return True
