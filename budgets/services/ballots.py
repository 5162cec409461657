"""Ballots: submission and voiding."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid, NotFound
from openlima.services import audit_log_record, outbox_enqueue

from .. import selectors
from ..models import (
    Ballot,
    Heading,
    Project,
    ResidentVerification,
)


def _ballots_void(*, user_id: int, now) -> int:
    """A resident rejected after voting: their ballots stop counting where results are not
    published yet (published results stand; the rejection is in the audit log)."""
    return Ballot.objects.filter(
        user_id=user_id,
        voided_at__isnull=True,
        heading__process__results_published_at__isnull=True,
    ).update(voided_at=now)


# --- Ballots -------------------------------------------------------------------------------
def _parse_project_ids(project_ids) -> list[int]:
    try:
        ids = sorted({int(x) for x in project_ids or []})
        # A project id is a database key: outside 1 … 2**63 - 1 it names nothing (and
        # SQLite cannot even bind it).
        if any(not 0 < i < 2**63 for i in ids):
            raise ValueError
    except (TypeError, ValueError):
        raise Invalid(
            _("Selección de proyectos no válida."),
            field_errors={"projects": [_("Selección no válida.")]},
        ) from None
    if not ids:
        raise Invalid(
            _("Elija al menos un proyecto."),
            field_errors={"projects": [_("Elija al menos un proyecto.")]},
        )
    return ids


def _check_choice_fits(*, heading: Heading, projects: list[Project]) -> None:
    """An approval ballot names at most the process's maximum of projects; any other
    ballot's projects must fit within the heading's amount."""
    process = heading.process
    if process.is_approval:
        if len(projects) > process.approval_max_projects:
            raise Invalid(
                _("Puede elegir como máximo %(n)s proyectos.")
                % {"n": process.approval_max_projects},
                field_errors={"projects": [_("Demasiados proyectos.")]},
            )
        return
    # A project on the ballot always has a cost (Project.clean); `or 0` only types it.
    total = sum((p.estimated_cost or Decimal("0") for p in projects), Decimal("0"))
    if total > heading.amount:
        raise Invalid(
            _(
                "Los proyectos elegidos suman S/ %(total)s y superan el monto de la partida (S/ %(amount)s)."
            )
            % {"total": f"{total:,.2f}", "amount": f"{heading.amount:,.2f}"},
            field_errors={"projects": [_("Supera el monto disponible.")]},
        )


def _ballot_projects(*, heading: Heading, ids: list[int]) -> list[Project]:
    """The chosen projects, all on this heading's ballot and fitting its rules."""
    projects = list(
        Project.objects.filter(heading=heading, is_selected=True, pk__in=ids)
    )
    if len(projects) != len(ids):
        raise Invalid(
            _("Alguno de los proyectos elegidos no está en esta cédula."),
            field_errors={"projects": [_("Proyecto no disponible.")]},
        )
    _check_choice_fits(heading=heading, projects=projects)
    return projects


def _ballot_save(*, voter, heading: Heading, channel: str, entered_by) -> Ballot:
    """The person's ballot in the heading, changed (a web ballot) or created; a paper
    ballot stands and a web voter cannot get a paper one."""
    ballot = (
        Ballot.objects.select_for_update().filter(user=voter, heading=heading).first()
    )
    now = timezone.now()
    if ballot is not None:
        if ballot.channel == Ballot.Channel.PAPER:
            raise Conflict(
                _(
                    "Ya se registró una cédula en papel en esta partida; no puede cambiarse."
                ),
            )
        if channel == Ballot.Channel.PAPER:
            raise Conflict(_("Esta persona ya votó por la web en esta partida."))
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
            raise Conflict(
                _("Ya existe una cédula de esta persona en esta partida."),
            ) from None
    return ballot


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
        raise NotFound(_("Partida no encontrada."))
    ids = _parse_project_ids(project_ids)
    # Serialise this person's ballot writes (row lock on PostgreSQL).
    voter = get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if voter is None:
        raise NotFound(_("Vecino/a no encontrado/a."))
    selectors.access_ballot_for_heading(user=voter, heading=heading)
    projects = _ballot_projects(heading=heading, ids=ids)
    ballot = _ballot_save(
        voter=voter, heading=heading, channel=channel, entered_by=entered_by
    )
    ballot.projects.set(projects)
    if channel == Ballot.Channel.WEB:
        # An e-mail receipt of what was cast (issue 12), through the outbox: sent only if
        # this transaction commits (the summary step rolls back and sends nothing).
        from budgets.tasks import ballot_receipt_email

        outbox_enqueue(ballot_receipt_email, ballot_id=ballot.pk)
    if channel == Ballot.Channel.PAPER:
        audit_log_record(
            actor=entered_by,
            action="budgets.ballot.paper",
            obj=ballot,
            details={"voter": voter.pk, "heading": heading.pk},
        )
    return ballot
