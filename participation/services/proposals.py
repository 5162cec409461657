"""Writes of proposals: create, edit, withdraw, support, answer, assign, moderate."""

from contextlib import nullcontext
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima.errors import Conflict, Invalid, NotFound
from openlima.models import OrgUnit
from openlima.services import audit_log_record, outbox_enqueue

from .. import conf, selectors
from ..content import image_clean, render_markdown
from ..models import (
    Follow,
    ModerationAction,
    Proposal,
    ProposalSearchDocument,
    Support,
    Topic,
)
from .common import _add_months, _locked, _rate_limit, _validate
from .notifications import followers, notification_settings_get, notify


def proposal_search_index(*, proposal_ids=None) -> int:
    """Refresh the stored Spanish, unaccented search vector of these proposals (all when
    None), in their own table (`ProposalSearchDocument`); call it after any change of
    title, summary or body. PostgreSQL only; a no-op elsewhere."""
    if connection.vendor != "postgresql":
        return 0
    from openlima.search import spanish_vector_sql

    sql = (
        f"INSERT INTO {ProposalSearchDocument._meta.db_table} "  # noqa: S608 (constants)
        "(proposal_id, search_vector) SELECT p.id, "
        f"{spanish_vector_sql(['p.title', 'p.summary', 'p.body'], ['A', 'B', 'C'])} "
        f"FROM {Proposal._meta.db_table} AS p"
    )
    params = []
    if proposal_ids is not None:
        ids = [int(i) for i in proposal_ids]
        if not ids:
            return 0
        sql += " WHERE p.id = ANY(%s)"
        params.append(ids)
    sql += " ON CONFLICT (proposal_id) DO UPDATE SET search_vector = EXCLUDED.search_vector"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _proposal_fields_clean(*, title, summary, body, topic):
    errors = {}
    title = (title or "").strip()
    summary = (summary or "").strip()
    body = (body or "").strip()
    if len(title) < 5:
        errors["title"] = [_("El título debe tener al menos 5 caracteres.")]
    if not summary:
        errors["summary"] = [_("Escriba un resumen.")]
    if len(body) < 10:
        errors["body"] = [_("Describa su propuesta (al menos 10 caracteres).")]
    if topic not in Topic.values:
        errors["topic"] = [_("Elija un tema de la lista.")]
    if errors:
        raise Invalid(_("Revise los datos enviados."), field_errors=errors)
    return title, summary, body


@transaction.atomic
def proposal_create(
    *,
    author,
    title: str,
    summary: str,
    body: str,
    topic: str,
    district=None,
    image=None,
    image_alt: str = "",
) -> Proposal:
    selectors.access_participation(user=author)
    title, summary, body = _proposal_fields_clean(
        title=title, summary=summary, body=body, topic=topic
    )
    _rate_limit(
        user=author,
        kind="proposal",
        limit=conf.proposal_rate_limit_per_hour(),
        seconds=3600,
    )
    now = timezone.now()
    proposal = Proposal(
        author=author,
        title=title,
        summary=summary,
        body=body,
        body_html=render_markdown(body),
        topic=topic,
        district=district,
        image_alt=(image_alt or "").strip(),
        published_at=now,
        support_ends_at=_add_months(now, selectors.support_months()),
    )
    if image:
        proposal.image = image_clean(image)
        if not proposal.image_alt:
            raise Invalid(
                _("Describa la imagen para quienes no pueden verla."),
                field_errors={"image_alt": [_("Describa la imagen.")]},
            )
    _validate(proposal)
    proposal.save()
    proposal_search_index(proposal_ids=[proposal.pk])
    if notification_settings_get(user=author).follow_own_proposals:
        Follow.objects.get_or_create(
            user=author, kind=Follow.Kind.PROPOSAL, target_id=proposal.pk
        )
    audit_log_record(actor=author, action="proposal.create", obj=proposal)
    return proposal


@transaction.atomic
def proposal_update(
    *,
    user,
    proposal_id: int,
    title: str,
    summary: str,
    body: str,
    topic: str,
    district=None,
) -> Proposal:
    """Only its author, and only until the first support arrives."""
    selectors.access_participation(user=user)
    proposal = _locked(Proposal.objects).get(pk=proposal_id)
    if proposal.author_id != user.pk:
        raise PermissionDenied
    if proposal.support_count > 0 or proposal.status != Proposal.Status.PUBLISHED:
        raise Conflict(
            _("La propuesta ya no se puede editar: ha recibido apoyos."),
        )
    title, summary, body = _proposal_fields_clean(
        title=title, summary=summary, body=body, topic=topic
    )
    proposal.title, proposal.summary, proposal.body = title, summary, body
    proposal.body_html = render_markdown(body)
    proposal.topic = topic
    proposal.district = district
    _validate(proposal)
    proposal.save(
        update_fields=[
            "title",
            "summary",
            "body",
            "body_html",
            "topic",
            "district",
            "updated_at",
        ]
    )
    proposal_search_index(proposal_ids=[proposal.pk])
    return proposal


@transaction.atomic
def proposal_withdraw(*, user, proposal_id: int, reason: str) -> Proposal:
    proposal = _locked(Proposal.objects).get(pk=proposal_id)
    if not user.is_authenticated or proposal.author_id != user.pk:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Indique por qué retira la propuesta."),
            field_errors={"reason": [_("Este campo es obligatorio.")]},
        )
    if proposal.status not in (Proposal.Status.PUBLISHED, Proposal.Status.EVALUATION):
        raise Conflict(_("Esta propuesta ya no se puede retirar."))
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.withdrawn_reason = reason[:500]
    proposal.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    notify(
        user_ids=followers(kind=Follow.Kind.PROPOSAL, target_id=proposal.pk),
        kind="proposal.withdrawn",
        text=_("La propuesta «%(title)s» ha sido retirada por su autor/a.")
        % {"title": proposal.title},
        url=reverse("participation:proposal_detail", args=[proposal.pk]),
        exclude=[user.pk],
    )
    return proposal


def _threshold_reached(proposal: Proposal) -> None:
    unit = OrgUnit.objects.filter(slug=conf.default_unit_slug()).first()
    now = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.EVALUATION,
        threshold_reached_at=now,
        assigned_unit=proposal.assigned_unit or unit,
    )
    proposal.status = Proposal.Status.EVALUATION
    proposal.threshold_reached_at = now
    proposal.assigned_unit = proposal.assigned_unit or unit
    notify(
        user_ids=followers(kind=Follow.Kind.PROPOSAL, target_id=proposal.pk)
        + [proposal.author_id],
        kind="proposal.threshold",
        text=_(
            "La propuesta «%(title)s» alcanzó los apoyos necesarios y pasa a evaluación."
        )
        % {"title": proposal.title},
        url=reverse("participation:proposal_detail", args=[proposal.pk]),
    )
    if proposal.assigned_unit and proposal.assigned_unit.email:
        from participation.tasks import unit_assignment_email

        outbox_enqueue(unit_assignment_email, proposal.pk)


@dataclass(frozen=True)
class SupportState:
    """What a support request answers: known from the transaction that wrote it."""

    proposal_id: int
    supported: bool
    support_count: int
    status: str


def proposal_support(*, user, proposal_id: int) -> SupportState:
    """Idempotent: supporting twice leaves one support. The count changes in the same
    transaction as the row, so it is always exact.

    The hot path (docs/performance.md) on PostgreSQL is one statement in autocommit
    (`_support_in_one_statement`): no BEGIN, COMMIT or savepoint round trip, no separate
    e-mail check. Anything it does not write (a repeat, a closed, hidden or unknown
    proposal, an unverified account, a race with a withdrawal) takes the slow path, which
    says why. Crossing the threshold is done once, under the proposal's row lock.
    """
    try:
        pk = int(proposal_id)
    except (TypeError, ValueError) as exc:
        selectors.access_participation(user=user)
        raise NotFound(_("La propuesta no existe.")) from exc
    row = None
    if connection.vendor == "postgresql" and _may_participate_without_query(user):
        row = _support_in_one_statement(user=user, pk=pk)
    if row is None:
        return _support_slow(user=user, pk=pk)
    if row[1] == Proposal.Status.PUBLISHED and row[0] >= selectors.support_threshold():
        row = (row[0], _threshold_cross(pk))
    return SupportState(pk, True, row[0], row[1])


def _may_participate_without_query(user) -> bool:
    """selectors.user_can_participate without its e-mail query, which the one-statement
    support checks inside the statement instead."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.deleted_at
    )


def _open_statuses() -> list[str]:
    return [Proposal.Status.PUBLISHED, Proposal.Status.EVALUATION]


def _support_in_one_statement(*, user, pk: int) -> tuple[int, str] | None:
    """PostgreSQL: the counter and the row in one statement, so one round trip and the
    statement's own atomicity (docs/performance.md). The UPDATE increments the counter
    of an open proposal only when the user has a verified address and has not supported
    it; its row lock serialises concurrent supporters; the INSERT then adds the support
    row, and its unique constraint aborts the whole statement (counter included) when the
    same user's concurrent request got there first. Answers (count, status), or None when
    nothing was written."""
    from allauth.account.models import EmailAddress

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"WITH upd AS (UPDATE {Proposal._meta.db_table} "  # noqa: S608 (table names from the models)
        "SET support_count = support_count + 1 "
        "WHERE id = %(pk)s AND status IN (%(published)s, %(evaluation)s) "
        "AND NOT is_hidden AND support_ends_at > %(now)s "
        f"AND EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} "
        "WHERE user_id = %(user)s AND verified) "
        f"AND NOT EXISTS (SELECT 1 FROM {Support._meta.db_table} "
        "WHERE proposal_id = %(pk)s AND user_id = %(user)s) "
        "RETURNING id, support_count, status), "
        f"ins AS (INSERT INTO {Support._meta.db_table} (proposal_id, user_id, created_at) "
        "SELECT id, %(user)s, %(now)s FROM upd RETURNING id) "
        "SELECT upd.support_count, upd.status FROM upd, ins"
    )
    published, evaluation = _open_statuses()
    params = {
        "pk": pk,
        "user": user.pk,
        "now": now,
        "published": published,
        "evaluation": evaluation,
    }
    try:
        # Inside a caller's transaction (tests) a savepoint keeps a refusal from
        # breaking it; in a request (autocommit) the statement is its own transaction.
        with (
            transaction.atomic() if connection.in_atomic_block else nullcontext(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError:  # the same user's concurrent support: nothing was written
        return None
    return (row[0], row[1]) if row else None


def _threshold_cross(pk: int) -> str:
    """The support that reached the threshold moves the proposal to evaluation, once:
    concurrent supporters past it queue on the row lock and find it already moved."""
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("assigned_unit")
            .get(pk=pk)
        )
        if proposal.status == Proposal.Status.PUBLISHED:
            _threshold_reached(proposal)
        return proposal.status


def _support_slow(*, user, pk: int) -> SupportState:
    """Every support the one statement did not write (and every support on SQLite): the
    insert and the counter in one transaction, or the reason there is none."""
    selectors.access_participation(user=user)
    now = timezone.now()
    support_table = Support._meta.db_table
    proposal_table = Proposal._meta.db_table
    row = None
    if connection.vendor == "postgresql":
        state = (
            Proposal.objects.filter(pk=pk)
            .annotate(
                supported=models.Exists(
                    Support.objects.filter(proposal_id=pk, user_id=user.pk)
                )
            )
            .values_list("support_count", "status", "supported")
            .first()
        )
        if state is None:
            raise NotFound(_("La propuesta no existe."))
        if state[2]:  # supported before: idempotent, one read
            return SupportState(pk, True, state[0], state[1])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {support_table} (proposal_id, user_id, created_at) "  # noqa: S608 (table names from the models)
            "VALUES (%s, %s, %s) ON CONFLICT (proposal_id, user_id) DO NOTHING "
            "RETURNING id",
            [pk, user.pk, connection.ops.adapt_datetimefield_value(now)],
        )
        inserted = cursor.fetchone() is not None
        if inserted:
            cursor.execute(
                f"UPDATE {proposal_table} SET support_count = support_count + 1 "  # noqa: S608
                "WHERE id = %s AND status IN (%s, %s) AND NOT is_hidden "
                "AND support_ends_at > %s RETURNING support_count, status",
                [pk, *_open_statuses(), connection.ops.adapt_datetimefield_value(now)],
            )
            row = cursor.fetchone()
            if row is None:  # closed, hidden or unknown: undo the insert
                transaction.set_rollback(True)
            elif (
                row[1] == Proposal.Status.PUBLISHED
                and row[0] >= selectors.support_threshold()
            ):
                # Still under the row lock taken by the UPDATE: crossed exactly once.
                proposal = Proposal.objects.select_related("assigned_unit").get(pk=pk)
                _threshold_reached(proposal)
                row = (row[0], proposal.status)
    if row is not None:
        return SupportState(pk, True, row[0], row[1])
    current = Proposal.objects.filter(pk=pk).only("support_count", "status").first()
    if current is None:
        raise NotFound(_("La propuesta no existe."))
    if not inserted:  # supported before: idempotent
        return SupportState(pk, True, current.support_count, current.status)
    raise Conflict(_("Esta propuesta ya no admite apoyos."))


@transaction.atomic
def proposal_unsupport(*, user, proposal_id: int) -> Proposal:
    selectors.access_participation(user=user)
    try:
        proposal = _locked(Proposal.objects).get(pk=proposal_id)
    except Proposal.DoesNotExist as exc:
        raise NotFound(_("La propuesta no existe.")) from exc
    deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        if not proposal.is_open_for_support:
            raise Conflict(
                _("El periodo de apoyos terminó; su apoyo se mantiene."),
            )
        Proposal.objects.filter(pk=proposal.pk).update(
            support_count=F("support_count") - 1
        )
        proposal.refresh_from_db(fields=["support_count"])
    return proposal


# Outcomes whose answer may name the commitment that carries the proposal out.
_COMMITMENT_OUTCOMES = (
    Proposal.Outcome.ACCEPTED,
    Proposal.Outcome.PARTIAL,
    Proposal.Outcome.PLANNED,
)


def _answer_clean(
    *, outcome: str, answer: str, commitment_id
) -> tuple[str, int | None]:
    """The answer's text and commitment id, or every field's refusal at once."""
    errors = {}
    if outcome not in Proposal.Outcome.values:
        errors["outcome"] = [_("Elija una respuesta.")]
    answer = (answer or "").strip()
    if len(answer) < 10:
        errors["answer"] = [_("Explica los motivos de la respuesta.")]
    if commitment_id in ("", None):
        commitment_id = None
    else:
        try:
            commitment_id = int(commitment_id)
        except (TypeError, ValueError):
            errors["commitment_id"] = [_("Compromiso no válido.")]
        else:
            if outcome not in _COMMITMENT_OUTCOMES:
                errors["commitment_id"] = [
                    _(
                        "Solo una propuesta aceptada o planificada se vincula a un compromiso."
                    )
                ]
            elif selectors.commitment_summary(commitment_id=commitment_id) is None:
                errors["commitment_id"] = [_("Ese compromiso no existe.")]
    if errors:
        raise Invalid(_("Revise los datos enviados."), field_errors=errors)
    return answer, commitment_id


def _answer_notify(*, proposal: Proposal, first_answer: bool) -> None:
    """Tell the author and the followers that the municipality answered (or re-answered)."""
    notify(
        user_ids=followers(kind=Follow.Kind.PROPOSAL, target_id=proposal.pk)
        + [proposal.author_id],
        kind="proposal.answer",
        text=(
            _("La municipalidad respondió la propuesta «%(title)s»: %(outcome)s.")
            if first_answer
            else _(
                "La municipalidad actualizó la respuesta a «%(title)s»: %(outcome)s."
            )
        )
        % {"title": proposal.title, "outcome": proposal.get_outcome_display()},
        url=reverse("participation:proposal_detail", args=[proposal.pk]),
    )


@transaction.atomic
def proposal_answer(
    *, user, proposal_id: int, outcome: str, answer: str, commitment_id=None
) -> Proposal:
    proposal = _locked(Proposal.objects).get(pk=proposal_id)
    if not selectors.user_can_answer(user=user, proposal=proposal):
        raise PermissionDenied
    if proposal.status not in (Proposal.Status.EVALUATION, Proposal.Status.ANSWERED):
        raise Conflict(_("Solo se responden propuestas en evaluación."))
    answer, commitment_id = _answer_clean(
        outcome=outcome, answer=answer, commitment_id=commitment_id
    )
    first_answer = proposal.status != Proposal.Status.ANSWERED
    proposal.status = Proposal.Status.ANSWERED
    proposal.outcome = outcome
    proposal.answer = answer
    proposal.answered_at = timezone.now()
    proposal.answered_by = user
    proposal.commitment_id = commitment_id
    proposal.save(
        update_fields=[
            "status",
            "outcome",
            "answer",
            "answered_at",
            "answered_by",
            "commitment_id",
            "updated_at",
        ]
    )
    audit_log_record(
        actor=user,
        action="proposal.answer",
        obj=proposal,
        details={"outcome": outcome, "commitment_id": commitment_id},
    )
    _answer_notify(proposal=proposal, first_answer=first_answer)
    return proposal


@transaction.atomic
def proposal_assign(*, user, proposal_id: int, unit) -> Proposal:
    from openlima import roles
    from openlima.selectors import user_has_role

    if not user_has_role(user=user, role=roles.OGP_COORDINATOR):
        raise PermissionDenied
    proposal = _locked(Proposal.objects).get(pk=proposal_id)
    proposal.assigned_unit = unit
    proposal.save(update_fields=["assigned_unit", "updated_at"])
    return proposal


@transaction.atomic
def proposal_moderate(*, moderator, proposal_id: int, hide: bool, reason: str):
    if not selectors.user_is_moderator(user=moderator):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Indique el motivo."), field_errors={"reason": [_("Obligatorio.")]}
        )
    proposal = _locked(Proposal.objects).get(pk=proposal_id)
    proposal.is_hidden = hide
    proposal.hidden_reason = reason[:300] if hide else ""
    proposal.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE
        if hide
        else ModerationAction.Action.RESTORE,
        target_kind="proposal",
        target_id=proposal.pk,
        context_label=_("Propuesta n.º %(id)s") % {"id": proposal.pk},
        context_url=reverse("participation:proposal_detail", args=[proposal.pk]),
        reason=reason[:300],
    )
    audit_log_record(actor=moderator, action="proposal.moderate", obj=proposal)
    return proposal


def proposals_archive_due(*, now) -> int:
    """Support period over without reaching the threshold → archived (publisher)."""
    return Proposal.objects.filter(
        status=Proposal.Status.PUBLISHED, support_ends_at__lte=now
    ).update(status=Proposal.Status.ARCHIVED, updated_at=now)
