"""Every write of participatory budgeting."""

import hmac
import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openlima import city, registry, uploads
from openlima.errors import ApplicationError
from openlima.jobs import window_hit
from openlima.models import OrgUnit
from openlima.services import audit_log_record

from . import backends, selectors
from .dni import dni_hmac
from .identity import identity_invalid, identity_parse
from .models import (
    Ballot,
    BudgetProcess,
    Heading,
    Project,
    ProjectImage,
    ResidentVerification,
    Support,
)

logger = logging.getLogger(__name__)


# --- Resident verification ---------------------------------------------------------------
def _age_on(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def _verification_attempt_count(*, user) -> None:
    """Rate limit per account (cache): RESIDENT_VERIFICATION_MAX_ATTEMPTS per hour."""
    limit = getattr(settings, "RESIDENT_VERIFICATION_MAX_ATTEMPTS", 5)
    attempts = window_hit(f"budgets:verification-attempts:{user.pk}", window=3600)
    if attempts > limit:
        raise ApplicationError(
            _("Demasiados intentos de verificación. Inténtelo de nuevo en una hora."),
            status_code=429,
        )


def _mark_resident(*, verification: ResidentVerification, staff=None) -> None:
    user = get_user_model().objects.select_for_update().get(pk=verification.user_id)
    user.is_verified_resident = True
    user.district = verification.district
    user.save(update_fields=["is_verified_resident", "district"])


def resident_verification_request(
    *, user, dni: str, birth_date: date, district
) -> ResidentVerification:
    """A citizen declares DNI, date of birth and district; the backend decides.

    Refusals are audit-logged too (outside the refused transaction, so they stay)."""
    if not getattr(user, "is_authenticated", False):
        raise ApplicationError(_("Inicie sesión para verificarse."), status_code=403)
    _verification_attempt_count(user=user)
    try:
        return _resident_verification_request(
            user=user, dni=dni, birth_date=birth_date, district=district
        )
    except ApplicationError as exc:
        audit_log_record(
            actor=user,
            action="budgets.verification.refused",
            object_type="openlima.user",
            object_id=user.pk,
            details={"reason": str(exc.message)[:200]},
        )
        raise


@transaction.atomic
def _resident_verification_request(
    *, user, dni: str, birth_date: date, district
) -> ResidentVerification:
    existing = (
        ResidentVerification.objects.select_for_update().filter(user=user).first()
    )
    if existing is not None and existing.status == ResidentVerification.Status.VERIFIED:
        raise ApplicationError(_("Su cuenta ya está verificada como residente."))
    number = identity_parse(dni)  # the city profile's document (identity.py)
    if number is None:
        raise ApplicationError(
            identity_invalid(), field_errors={"dni": [identity_invalid()]}
        )
    today = timezone.localdate()
    if birth_date > today or birth_date.year < 1900:
        raise ApplicationError(
            _("La fecha de nacimiento no es válida."),
            field_errors={"birth_date": [_("Fecha de nacimiento no válida.")]},
        )
    min_age = getattr(settings, "RESIDENT_MIN_AGE", 16)
    if _age_on(birth_date, today) < min_age:
        raise ApplicationError(
            _("Debe tener al menos %(age)s años para participar.") % {"age": min_age},
            field_errors={"birth_date": [_("Edad menor a la mínima.")]},
        )
    fingerprint = dni_hmac(number)
    # The answer must not reveal whether this DNI is claimed or verified elsewhere, and a
    # (possibly false) pending claim must not block the real owner: a DNI already
    # verified on another account is simply left pending, for the office to decide with
    # the card in hand (docs/journeys.md).
    verified_elsewhere = (
        ResidentVerification.objects.filter(
            dni_hmac=fingerprint, status=ResidentVerification.Status.VERIFIED
        )
        .exclude(user=user)
        .exists()
    )
    if verified_elsewhere:
        decision = backends.Decision("pending")
    else:
        decision = backends.verification_backend().check(
            dni=number, birth_date=birth_date, district=district
        )
    verification = existing or ResidentVerification(user=user)
    verification.dni_hmac = fingerprint
    verification.birth_date = birth_date
    verification.district = district
    verification.backend = backends.backend_name()[:200]
    verification.status = decision.status
    verification.created_at = timezone.now()
    verification.rejection_reason = decision.reason[:300]
    verification.decided_at = None if decision.status == "pending" else timezone.now()
    verification.decided_by = None
    try:
        verification.full_clean(exclude=["user"])
    except ValidationError:
        raise ApplicationError(_("Los datos de verificación no son válidos.")) from None
    try:
        with transaction.atomic():
            verification.save()
    except IntegrityError:  # the same DNI verified concurrently on another account
        verification.status = ResidentVerification.Status.PENDING
        verification.decided_at = None
        verification.rejection_reason = ""
        verification.save()
    if verification.status == ResidentVerification.Status.VERIFIED:
        _mark_resident(verification=verification)
        _release_other_claims(verification=verification, actor=user)
    audit_log_record(
        actor=user,
        action=f"budgets.verification.{verification.status}",
        obj=verification,
        details={"backend": verification.backend, "district": district.ubigeo},
    )
    return verification


def _release_other_claims(*, verification: ResidentVerification, actor) -> None:
    """Once a DNI is verified on one account, other pending claims of it are rejected."""
    others = list(
        ResidentVerification.objects.select_for_update()
        .filter(
            dni_hmac=verification.dni_hmac,
            status=ResidentVerification.Status.PENDING,
        )
        .exclude(pk=verification.pk)
    )
    now = timezone.now()
    for other in others:
        other.status = ResidentVerification.Status.REJECTED
        other.decided_at = now
        other.rejection_reason = str(_("Este DNI fue verificado en otra cuenta."))[:300]
        other.save(update_fields=["status", "decided_at", "rejection_reason"])
        audit_log_record(
            actor=actor,
            action="budgets.verification.released",
            obj=other,
            details={"verified": verification.pk},
        )


def _ballots_void(*, user_id: int, now) -> int:
    """A resident rejected after voting: their ballots stop counting where results are not
    published yet (published results stand; the rejection is in the audit log)."""
    return Ballot.objects.filter(
        user_id=user_id,
        voided_at__isnull=True,
        heading__process__results_published_at__isnull=True,
    ).update(voided_at=now)


class _DniMismatch(ApplicationError):
    pass


def resident_verification_confirm(
    *, verification_id: int, staff, dni_shown: str
) -> ResidentVerification:
    """Staff at a municipal office confirm a pending claim with the DNI card shown.

    A DNI that does not match is audit-logged (outside the refused transaction)."""
    selectors.access_verification_for_decision(staff=staff)
    try:
        return _resident_verification_confirm(
            verification_id=verification_id, staff=staff, dni_shown=dni_shown
        )
    except _DniMismatch:
        audit_log_record(
            actor=staff,
            action="budgets.verification.mismatch",
            object_type="budgets.residentverification",
            object_id=verification_id,
        )
        raise


@transaction.atomic
def _resident_verification_confirm(
    *, verification_id: int, staff, dni_shown: str
) -> ResidentVerification:
    verification = (
        ResidentVerification.objects.select_for_update()
        .select_related("district")
        .filter(pk=verification_id)
        .first()
    )
    if verification is None:
        raise ApplicationError(_("Verificación no encontrada."), status_code=404)
    if verification.status != ResidentVerification.Status.PENDING:
        raise ApplicationError(_("Esta verificación ya fue decidida."))
    number = identity_parse(dni_shown)
    if number is None or not hmac.compare_digest(
        dni_hmac(number), verification.dni_hmac
    ):
        raise _DniMismatch(
            city.lazy_format(
                _(
                    "El documento presentado (%(document)s) no coincide con el declarado por el vecino o vecina."
                ),
                document="identity_document.short_name",
            ),
            field_errors={"dni_shown": [_("El documento no coincide.")]},
        )
    if (
        ResidentVerification.objects.filter(
            dni_hmac=verification.dni_hmac, status=ResidentVerification.Status.VERIFIED
        )
        .exclude(pk=verification.pk)
        .exists()
    ):
        raise ApplicationError(
            _(
                "Este DNI ya verificó otra cuenta. Si el DNI es de esta persona, rechace primero la verificación de la otra cuenta."
            ),
            status_code=409,
        )
    verification.status = ResidentVerification.Status.VERIFIED
    verification.decided_at = timezone.now()
    verification.decided_by = staff
    verification.rejection_reason = ""
    verification.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason"]
    )
    _mark_resident(verification=verification)
    _release_other_claims(verification=verification, actor=staff)
    audit_log_record(
        actor=staff,
        action="budgets.verification.confirm",
        obj=verification,
        details={"district": verification.district.ubigeo},
    )
    return verification


@transaction.atomic
def resident_verification_reject(
    *, verification_id: int, staff, reason: str
) -> ResidentVerification:
    selectors.access_verification_for_decision(staff=staff)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Indique el motivo del rechazo."),
            field_errors={"rejection_reason": [_("Obligatorio.")]},
        )
    verification = (
        ResidentVerification.objects.select_for_update()
        .filter(pk=verification_id)
        .first()
    )
    if verification is None:
        raise ApplicationError(_("Verificación no encontrada."), status_code=404)
    was_verified = verification.status == ResidentVerification.Status.VERIFIED
    verification.status = ResidentVerification.Status.REJECTED
    verification.decided_at = timezone.now()
    verification.decided_by = staff
    verification.rejection_reason = reason[:300]
    verification.save(
        update_fields=["status", "decided_at", "decided_by", "rejection_reason"]
    )
    voided = 0
    if was_verified:
        get_user_model().objects.filter(pk=verification.user_id).update(
            is_verified_resident=False
        )
        voided = _ballots_void(user_id=verification.user_id, now=timezone.now())
    audit_log_record(
        actor=staff,
        action="budgets.verification.reject",
        obj=verification,
        details={
            "reason": reason[:300],
            "was_verified": was_verified,
            "ballots_voided": voided,
        },
    )
    return verification


def resident_find_by_dni(*, dni: str):
    """The verified resident whose DNI (shown at a voting point) matches, by HMAC."""
    number = identity_parse(dni)
    if number is None:
        raise ApplicationError(
            identity_invalid(), field_errors={"dni_shown": [identity_invalid()]}
        )
    verification = (
        ResidentVerification.objects.select_related("user")
        .filter(dni_hmac=dni_hmac(number), status=ResidentVerification.Status.VERIFIED)
        .first()
    )
    if verification is None:
        raise ApplicationError(
            _("No hay un vecino o vecina verificado con ese documento."),
            status_code=404,
        )
    return verification.user


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
    max_bytes = getattr(settings, "BUDGETS_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
    refuse = {"field": "image", "messages": IMAGE_MESSAGES}
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
        raise ApplicationError(
            _("Este proceso no está recibiendo proyectos."), status_code=409
        )
    district = selectors.resident_voting_district(user=user)
    if district is None:
        raise ApplicationError(
            _("Solo los vecinos y vecinas verificados pueden proponer proyectos."),
            status_code=403,
        )
    if heading.district_id is not None and heading.district_id != district.pk:
        raise ApplicationError(
            _("Solo puede proponer en la partida de su propio distrito."),
            status_code=403,
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
        raise ApplicationError(_("Proyecto no encontrado."), status_code=404)
    if project.heading.process.phase != BudgetProcess.Phase.SELECTING:
        raise ApplicationError(_("La fase de apoyos no está abierta."), status_code=409)
    district = selectors.resident_voting_district(user=user)
    if district is None:
        raise ApplicationError(
            _("Solo los vecinos y vecinas verificados pueden apoyar proyectos."),
            status_code=403,
        )
    heading = project.heading
    if heading.district_id is not None and heading.district_id != district.pk:
        raise ApplicationError(
            _("Solo puede apoyar proyectos de su propio distrito."), status_code=403
        )
    if project.feasibility == Project.Feasibility.UNFEASIBLE:
        raise ApplicationError(_("Este proyecto no es viable."))
    try:
        with transaction.atomic():
            support = Support.objects.create(user=user, project=project)
    except IntegrityError:
        raise ApplicationError(_("Ya apoyó este proyecto.")) from None
    Project.objects.filter(pk=project.pk).update(support_count=F("support_count") + 1)
    return support


# --- Ballots -------------------------------------------------------------------------------
def _parse_project_ids(project_ids) -> list[int]:
    try:
        ids = sorted({int(x) for x in project_ids or []})
    except (TypeError, ValueError):
        raise ApplicationError(
            _("Selección de proyectos no válida."),
            field_errors={"projects": [_("Selección no válida.")]},
        ) from None
    if not ids:
        raise ApplicationError(
            _("Elija al menos un proyecto."),
            field_errors={"projects": [_("Elija al menos un proyecto.")]},
        )
    return ids


@transaction.atomic
def ballot_submit(
    *,
    user,
    heading_id: int,
    project_ids,
    channel: str = Ballot.Channel.WEB,
    entered_by=None,
) -> Ballot:
    """Fill or change `user`'s ballot in a heading (one per resident per heading).

    Web ballots may be changed until the balloting phase closes; a paper ballot entered
    by staff stands and cannot be replaced on either channel. Concurrent submissions of
    the same person are serialised on their user row; the unique constraint backs it.
    """
    if channel == Ballot.Channel.PAPER:
        selectors.access_paper_ballot_entry(staff=entered_by)
    heading = (
        Heading.objects.select_related("process", "district")
        .filter(pk=heading_id)
        .first()
    )
    if heading is None:
        raise ApplicationError(_("Partida no encontrada."), status_code=404)
    ids = _parse_project_ids(project_ids)
    # Serialise this person's ballot writes (row lock on PostgreSQL).
    voter = get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if voter is None:
        raise ApplicationError(_("Vecino/a no encontrado/a."), status_code=404)
    selectors.access_ballot_for_heading(user=voter, heading=heading)
    projects = list(
        Project.objects.filter(heading=heading, is_selected=True, pk__in=ids)
    )
    if len(projects) != len(ids):
        raise ApplicationError(
            _("Alguno de los proyectos elegidos no está en esta cédula."),
            field_errors={"projects": [_("Proyecto no disponible.")]},
        )
    process = heading.process
    if process.is_approval:
        if len(projects) > process.approval_max_projects:
            raise ApplicationError(
                _("Puede elegir como máximo %(n)s proyectos.")
                % {"n": process.approval_max_projects},
                field_errors={"projects": [_("Demasiados proyectos.")]},
            )
    else:
        total = sum((p.estimated_cost for p in projects), Decimal("0"))
        if total > heading.amount:
            raise ApplicationError(
                _(
                    "Los proyectos elegidos suman S/ %(total)s y superan el monto de la partida (S/ %(amount)s)."
                )
                % {"total": f"{total:,.2f}", "amount": f"{heading.amount:,.2f}"},
                field_errors={"projects": [_("Supera el monto disponible.")]},
            )
    ballot = (
        Ballot.objects.select_for_update().filter(user=voter, heading=heading).first()
    )
    now = timezone.now()
    if ballot is not None:
        if ballot.channel == Ballot.Channel.PAPER:
            raise ApplicationError(
                _(
                    "Ya se registró una cédula en papel en esta partida; no puede cambiarse."
                ),
                status_code=409,
            )
        if channel == Ballot.Channel.PAPER:
            raise ApplicationError(
                _("Esta persona ya votó por la web en esta partida."), status_code=409
            )
        ballot.updated_at = now
        ballot.save(update_fields=["updated_at"])
    else:
        verification = ResidentVerification.objects.filter(
            user=voter, status=ResidentVerification.Status.VERIFIED
        ).first()
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    user=voter,
                    heading=heading,
                    dni_hmac=verification.dni_hmac if verification else "",
                    channel=channel,
                    entered_by=entered_by if channel == Ballot.Channel.PAPER else None,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise ApplicationError(
                _("Ya existe una cédula de esta persona en esta partida."),
                status_code=409,
            ) from None
    ballot.projects.set(projects)
    if channel == Ballot.Channel.PAPER:
        audit_log_record(
            actor=entered_by,
            action="budgets.ballot.paper",
            obj=ballot,
            details={"voter": voter.pk, "heading": heading.pk},
        )
    return ballot


# --- Phases and results ---------------------------------------------------------------------
def results_compute(*, heading: Heading) -> list[dict]:
    """Projects by votes (ties: cheaper first, then older), funded greedily while money
    remains; a project that does not fit is skipped and the next one tried."""
    projects = (
        Project.objects.filter(heading=heading, is_selected=True)
        .annotate(votes=Count("ballots", filter=Q(ballots__voided_at__isnull=True)))
        .order_by("-votes", "estimated_cost", "id")
    )
    remaining = heading.amount
    rows = []
    for position, project in enumerate(projects, start=1):
        cost = project.estimated_cost or Decimal("0")
        funded = project.votes > 0 and cost <= remaining
        if funded:
            remaining -= cost
        rows.append(
            {
                "project": project,
                "votes": project.votes,
                "cost": cost,
                "funded": funded,
                "position": position,
                "remaining_after": remaining,
            }
        )
    return rows


@transaction.atomic
def results_publish(*, process: BudgetProcess, actor=None) -> int:
    """Store each heading's result on its projects and start tracking the winners."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if process.results_published_at is not None:
        return 0
    winners = []
    for heading in process.headings.all():
        rows = results_compute(heading=heading)
        for row in rows:
            project = row["project"]
            project.ballot_count = row["votes"]
            project.is_winner = row["funded"]
            project.result_position = row["position"]
            if row["funded"]:
                project.tracking_status = Project.Tracking.PENDING
                winners.append(project)
        Project.objects.bulk_update(
            [r["project"] for r in rows],
            ["ballot_count", "is_winner", "result_position", "tracking_status"],
        )
    process.results_published_at = timezone.now()
    process.save(update_fields=["results_published_at"])
    audit_log_record(
        actor=actor or "system",
        action="budgets.results.publish",
        obj=process,
        details={"winners": [p.pk for p in winners]},
    )
    for project in winners:
        project_tracking_sync(project_id=project.pk)
    return len(winners)


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


@transaction.atomic
def process_phase_advance(*, process_id: int, now) -> str | None:
    """Move a process forward to the phase its dates say (never backwards)."""
    process = BudgetProcess.objects.select_for_update().get(pk=process_id)
    target = process.phase_at(now)
    if process.phase_index(target) <= process.phase_index():
        return None
    previous = process.phase
    process.phase = target
    process.save(update_fields=["phase"])
    audit_log_record(
        actor="system",
        action="budgets.process.phase",
        obj=process,
        details={"from": previous, "to": target},
    )
    return target


def budgets_publish_due(*, now) -> dict:
    """Publisher for `publish_scheduled`: phases, results, and retrying pending tracking."""
    moved = 0
    results = 0
    open_processes = BudgetProcess.objects.exclude(
        phase=BudgetProcess.Phase.EXECUTION
    ).values_list("pk", flat=True)
    for process_id in list(open_processes):
        if process_phase_advance(process_id=process_id, now=now):
            moved += 1
    results_index = BudgetProcess.PHASE_ORDER.index(BudgetProcess.Phase.RESULTS)
    due = BudgetProcess.objects.filter(
        results_published_at__isnull=True,
        phase__in=BudgetProcess.PHASE_ORDER[results_index:],
    )
    for process in due:
        results_publish(process=process)
        results += 1
    tracked = 0
    for project_id in Project.objects.filter(
        tracking_status=Project.Tracking.PENDING
    ).values_list("pk", flat=True)[:200]:
        tracked += project_tracking_sync(project_id=project_id)
    return {"phases": moved, "results": results, "tracked": tracked}


# --- ARCO (Ley 29733): erasure ------------------------------------------------------------


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:budgets` (inside the account deletion transaction).

    Supports and ballots stay with the anonymised account, so shortlists and results do
    not change. A pending or rejected verification goes, and so does a verified one that
    was never used. A verified resident who supported or voted keeps only the verification
    record (keyed hash of the DNI, no name): without it the same person could register
    again and vote a second time in the same process.
    """
    verification = ResidentVerification.objects.filter(user=user).first()
    if verification is None:
        return
    used = (
        Ballot.objects.filter(user=user).exists()
        or Support.objects.filter(user=user).exists()
    )
    if verification.status == ResidentVerification.Status.VERIFIED and used:
        return
    verification.delete()
