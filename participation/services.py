"""Every write of Lima Activa."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city
from openlima.errors import ApplicationError
from openlima.jobs import window_hit
from openlima.models import OrgUnit
from openlima.selectors import absolute_url
from openlima.services import audit_log_record, outbox_enqueue

from . import selectors
from .content import image_clean, render_markdown, render_plain
from .models import (
    Comment,
    CommentFlag,
    CommentVote,
    Consultation,
    ConsultationOption,
    ConsultationRating,
    Follow,
    Level,
    ModerationAction,
    Notification,
    NotificationSettings,
    Proposal,
    Session,
    SessionRegistration,
    Support,
    Topic,
)


def _locked(qs):
    """select_for_update where the database has row locks (SQLite serialises writers)."""
    return qs.select_for_update() if connection.vendor == "postgresql" else qs


def _validate(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            _("Revisa los datos enviados."),
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def _rate_limit(*, user, kind: str, limit: int, seconds: int) -> None:
    """Per-account fixed window in the cache (Redis in production)."""
    count = window_hit(f"participation:rate:{kind}:{user.pk}", window=seconds)
    if count > limit:
        raise ApplicationError(
            _("Has enviado demasiados aportes seguidos. Inténtalo de nuevo más tarde."),
            status_code=429,
        )


def proposal_search_index(*, proposal_ids=None) -> int:
    """Refresh the stored Spanish, unaccented search vector (PostgreSQL; no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return 0
    from openlima.search import spanish_vector

    vector = spanish_vector(["title", "summary", "body"], ["A", "B", "C"])
    qs = Proposal.objects.all()
    if proposal_ids is not None:
        qs = qs.filter(pk__in=list(proposal_ids))
    return qs.update(search_vector=vector)


def _add_months(when, months: int):
    return when + timedelta(days=round(months * 30.44))


# --- notifications ---------------------------------------------------------------------


def notification_settings_get(*, user) -> NotificationSettings:
    obj, _created = NotificationSettings.objects.get_or_create(user=user)
    return obj


@transaction.atomic
def notification_settings_update(*, user, frequency: str, follow_own_proposals: bool):
    obj = notification_settings_get(user=user)
    obj.frequency = frequency
    obj.follow_own_proposals = follow_own_proposals
    _validate(obj)
    obj.save(update_fields=["frequency", "follow_own_proposals"])
    return obj


def notify(*, user_ids, kind: str, text: str, url: str = "", exclude=()) -> int:
    """Queue a notice for each user (respecting their settings); immediate ones go out
    after commit through the outbox, the rest in the daily digest."""
    user_ids = {u for u in user_ids if u and u not in set(exclude)}
    if not user_ids:
        return 0
    prefs = dict(
        NotificationSettings.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "frequency"
        )
    )
    rows = []
    immediate = []
    for uid in sorted(user_ids):
        freq = prefs.get(uid, NotificationSettings.Frequency.DAILY)
        if freq == NotificationSettings.Frequency.NEVER:
            continue
        rows.append(Notification(user_id=uid, kind=kind, text=text[:400], url=url))
        if freq == NotificationSettings.Frequency.IMMEDIATE:
            immediate.append(uid)
    Notification.objects.bulk_create(rows)
    for uid in immediate:
        outbox_enqueue("participation.tasks.send_notifications", uid)
    return len(rows)


def followers(*, kind: str, target_id: int) -> list[int]:
    return list(
        Follow.objects.filter(kind=kind, target_id=target_id).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def follow_set(*, user, kind: str, target_id: int, follow: bool) -> bool:
    selectors.access_participation(user=user)
    model = {
        Follow.Kind.PROPOSAL: Proposal,
        Follow.Kind.CONSULTATION: Consultation,
    }.get(kind)
    if model is None or not model.objects.filter(pk=target_id).exists():
        raise ApplicationError(_("No se puede seguir este elemento."), status_code=404)
    if follow:
        try:
            with transaction.atomic():
                Follow.objects.create(user=user, kind=kind, target_id=target_id)
        except IntegrityError:
            pass
    else:
        Follow.objects.filter(user=user, kind=kind, target_id=target_id).delete()
    return follow


def notifications_send(*, user, digest: bool) -> int:
    """E-mail pending notices of one user in one message, with an unsubscribe link."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    if not user.is_active or user.deleted_at:
        return 0
    with transaction.atomic():
        pending = list(
            _locked(
                Notification.objects.filter(user=user, sent_at__isnull=True)
            ).order_by("id")[:100]
        )
        if not pending:
            return 0
        site = absolute_url()
        context = {
            "notifications": pending,
            "site": site,
            "digest": digest,
            "unsubscribe_url": site + unsubscribe_path(user=user),
            "settings_url": site + reverse("participation:notification_settings"),
        }
        body = render_to_string("participation/email/notifications.txt", context)
        subject = (
            _("%(name)s: tu resumen del día")
            % {"name": city.text("participation_name")}
            if digest
            else _("%(name)s: novedades") % {"name": city.text("participation_name")}
        )
        send_mail(
            f"{getattr(settings, 'ACCOUNT_EMAIL_SUBJECT_PREFIX', '')}{subject}",
            body,
            None,
            [user.email],
            fail_silently=False,
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            sent_at=timezone.now()
        )
        if digest:
            NotificationSettings.objects.update_or_create(
                user=user, defaults={"last_digest_at": timezone.now()}
            )
    return len(pending)


def unsubscribe_path(*, user) -> str:
    from django.core import signing

    token = signing.dumps({"u": user.pk}, salt="participation.unsubscribe")
    return reverse("participation:unsubscribe", args=[token])


@transaction.atomic
def unsubscribe_by_token(*, token: str):
    from django.contrib.auth import get_user_model
    from django.core import signing

    try:
        data = signing.loads(token, salt="participation.unsubscribe")
        user = get_user_model().objects.get(pk=data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ApplicationError(_("El enlace para darte de baja no es válido.")) from exc
    except get_user_model().DoesNotExist as exc:
        raise ApplicationError(_("El enlace para darte de baja no es válido.")) from exc
    prefs = notification_settings_get(user=user)
    prefs.frequency = NotificationSettings.Frequency.NEVER
    prefs.save(update_fields=["frequency"])
    Notification.objects.filter(user=user, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    return user


# --- proposals -------------------------------------------------------------------------


def _proposal_fields_clean(*, title, summary, body, topic):
    errors = {}
    title = (title or "").strip()
    summary = (summary or "").strip()
    body = (body or "").strip()
    if len(title) < 5:
        errors["title"] = [_("El título debe tener al menos 5 caracteres.")]
    if not summary:
        errors["summary"] = [_("Escribe un resumen.")]
    if len(body) < 10:
        errors["body"] = [_("Describe tu propuesta (al menos 10 caracteres).")]
    if topic not in Topic.values:
        errors["topic"] = [_("Elige un tema de la lista.")]
    if errors:
        raise ApplicationError(_("Revisa los datos enviados."), field_errors=errors)
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
        limit=int(getattr(settings, "PROPOSAL_RATE_LIMIT_PER_HOUR", 5)),
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
            raise ApplicationError(
                _("Describe la imagen para quienes no pueden verla."),
                field_errors={"image_alt": [_("Describe la imagen.")]},
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
        raise ApplicationError(
            _("La propuesta ya no se puede editar: ha recibido apoyos."),
            status_code=409,
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
        raise ApplicationError(
            _("Indica por qué retiras la propuesta."),
            field_errors={"reason": [_("Este campo es obligatorio.")]},
        )
    if proposal.status not in (Proposal.Status.PUBLISHED, Proposal.Status.EVALUATION):
        raise ApplicationError(
            _("Esta propuesta ya no se puede retirar."), status_code=409
        )
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
    unit = OrgUnit.objects.filter(
        slug=getattr(settings, "PROPOSAL_DEFAULT_UNIT_SLUG", "participacion-vecinal")
    ).first()
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
        outbox_enqueue("participation.tasks.unit_assignment_email", proposal.pk)


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

    The hot path (docs/performance.md) is two statements in one transaction: the support
    row is inserted with ON CONFLICT DO NOTHING (a repeat inserts nothing), and only a
    new row increments the counter, with an UPDATE ... RETURNING that also checks the
    proposal is open and whose row lock serialises concurrent supporters of the same
    proposal until commit. No savepoint (nothing is retried) and no re-read: the answer
    is built from RETURNING. Repeats, closed and unknown proposals take the slow path.
    """
    selectors.access_participation(user=user)
    try:
        pk = int(proposal_id)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("La propuesta no existe."), status_code=404) from exc
    now = timezone.now()
    support_table = Support._meta.db_table
    proposal_table = Proposal._meta.db_table
    row = None
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
                [
                    pk,
                    Proposal.Status.PUBLISHED,
                    Proposal.Status.EVALUATION,
                    connection.ops.adapt_datetimefield_value(now),
                ],
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
    proposal = Proposal.objects.filter(pk=pk).only("support_count", "status").first()
    if proposal is None:
        raise ApplicationError(_("La propuesta no existe."), status_code=404)
    if not inserted:  # supported before: idempotent
        return SupportState(pk, True, proposal.support_count, proposal.status)
    raise ApplicationError(_("Esta propuesta ya no admite apoyos."), status_code=409)


@transaction.atomic
def proposal_unsupport(*, user, proposal_id: int) -> Proposal:
    selectors.access_participation(user=user)
    try:
        proposal = _locked(Proposal.objects).get(pk=proposal_id)
    except Proposal.DoesNotExist as exc:
        raise ApplicationError(_("La propuesta no existe."), status_code=404) from exc
    deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        if not proposal.is_open_for_support:
            raise ApplicationError(
                _("El periodo de apoyos terminó; tu apoyo se mantiene."),
                status_code=409,
            )
        Proposal.objects.filter(pk=proposal.pk).update(
            support_count=F("support_count") - 1
        )
        proposal.refresh_from_db(fields=["support_count"])
    return proposal


@transaction.atomic
def proposal_answer(
    *, user, proposal_id: int, outcome: str, answer: str, commitment_id=None
) -> Proposal:
    proposal = _locked(Proposal.objects).get(pk=proposal_id)
    if not selectors.user_can_answer(user=user, proposal=proposal):
        raise PermissionDenied
    if proposal.status not in (Proposal.Status.EVALUATION, Proposal.Status.ANSWERED):
        raise ApplicationError(
            _("Solo se responden propuestas en evaluación."), status_code=409
        )
    errors = {}
    if outcome not in Proposal.Outcome.values:
        errors["outcome"] = [_("Elige una respuesta.")]
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
            if outcome not in (
                Proposal.Outcome.ACCEPTED,
                Proposal.Outcome.PARTIAL,
                Proposal.Outcome.PLANNED,
            ):
                errors["commitment_id"] = [
                    _(
                        "Solo una propuesta aceptada o planificada se vincula a un compromiso."
                    )
                ]
            elif selectors.commitment_summary(commitment_id=commitment_id) is None:
                errors["commitment_id"] = [_("Ese compromiso no existe.")]
    if errors:
        raise ApplicationError(_("Revisa los datos enviados."), field_errors=errors)
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
        raise ApplicationError(
            _("Indica el motivo."), field_errors={"reason": [_("Obligatorio.")]}
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


# --- comments --------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *, author, target_type: str, target_id, body: str, parent_id=None
) -> Comment:
    selectors.access_participation(user=author)
    target = selectors.comment_target(target_type=target_type, target_id=target_id)
    if not target["open"]:
        raise ApplicationError(_("No se puede comentar aquí."), status_code=409)
    body = (body or "").strip()
    if not body:
        raise ApplicationError(
            _("Escribe un comentario."), field_errors={"body": [_("Obligatorio.")]}
        )
    if len(body) > 3000:
        raise ApplicationError(
            _("El comentario es demasiado largo (máximo 3000 caracteres)."),
            field_errors={"body": [_("Máximo 3000 caracteres.")]},
        )
    parent = None
    if parent_id not in (None, ""):
        try:
            parent = Comment.objects.get(
                pk=int(parent_id), target_type=target_type, target_id=target["id"]
            )
        except (Comment.DoesNotExist, ValueError, TypeError) as exc:
            raise ApplicationError(
                _("El comentario al que respondes no existe.")
            ) from exc
        if parent.depth >= Comment.MAX_DEPTH:
            raise ApplicationError(
                _("No se puede responder a más de tres niveles."), status_code=409
            )
    _rate_limit(
        user=author,
        kind="comment",
        limit=int(getattr(settings, "COMMENT_RATE_LIMIT_PER_10_MIN", 10)),
        seconds=600,
    )
    comment = Comment(
        target_type=target_type,
        target_id=target["id"],
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        author=author,
        body=body,
        body_html=render_plain(body),
    )
    _validate(comment)
    comment.save()
    comment.root_id = parent.root_id if parent else comment.pk
    comment.save(update_fields=["root_id"])
    if target_type == "participation.proposal":
        Proposal.objects.filter(pk=target["id"]).update(
            comment_count=F("comment_count") + 1
        )
        owner = (
            Proposal.objects.filter(pk=target["id"])
            .values_list("author_id", flat=True)
            .first()
        )
        notify(
            user_ids=followers(kind=Follow.Kind.PROPOSAL, target_id=target["id"])
            + [owner],
            kind="comment.new",
            text=_("Nuevo comentario en «%(title)s».") % {"title": target["title"]},
            url=target["url"],
            exclude=[author.pk],
        )
    elif target_type == "participation.consultation":
        notify(
            user_ids=followers(kind=Follow.Kind.CONSULTATION, target_id=target["id"]),
            kind="comment.new",
            text=_("Nuevo comentario en «%(title)s».") % {"title": target["title"]},
            url=target["url"],
            exclude=[author.pk],
        )
    return comment


@transaction.atomic
def comment_vote(*, user, comment_id: int, value: int) -> Comment:
    """One vote per person; voting the same way again withdraws the vote."""
    selectors.access_participation(user=user)
    if value not in (1, -1):
        raise ApplicationError(_("Voto no válido."))
    comment = _locked(Comment.objects).get(pk=comment_id)
    if comment.author_id == user.pk:
        raise ApplicationError(
            _("No puedes votar tu propio comentario."), status_code=409
        )
    existing = CommentVote.objects.filter(comment=comment, user=user).first()
    up = down = 0
    if existing is None:
        CommentVote.objects.create(comment=comment, user=user, value=value)
        up, down = (1, 0) if value == 1 else (0, 1)
    elif existing.value == value:
        existing.delete()
        up, down = (-1, 0) if value == 1 else (0, -1)
    else:
        existing.value = value
        existing.save(update_fields=["value"])
        up, down = (1, -1) if value == 1 else (-1, 1)
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=F("upvotes") + up, downvotes=F("downvotes") + down
    )
    comment.refresh_from_db(fields=["upvotes", "downvotes"])
    return comment


def _comment_context(comment):
    target = selectors.COMMENT_TARGETS.get(comment.target_type)
    info = target(comment.target_id) if target else None
    return (info or {}).get("title", "")[:200], (info or {}).get("url", "")[:300]


@transaction.atomic
def comment_flag(*, user, comment_id: int) -> Comment:
    selectors.access_participation(user=user)
    comment = _locked(Comment.objects).get(pk=comment_id)
    try:
        with transaction.atomic():
            CommentFlag.objects.create(comment=comment, user=user)
    except IntegrityError:
        return comment
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    comment.refresh_from_db(fields=["flag_count", "status"])
    if (
        comment.status == Comment.Status.VISIBLE
        and comment.flag_count >= selectors.flag_hide_threshold()
    ):
        comment.status = Comment.Status.REVIEW
        comment.hidden_reason = _("Ocultado para revisión tras varios reportes.")
        comment.save(update_fields=["status", "hidden_reason"])
        label, url = _comment_context(comment)
        ModerationAction.objects.create(
            action=ModerationAction.Action.AUTO_HIDE,
            target_kind="comment",
            target_id=comment.pk,
            context_label=label,
            context_url=url,
            reason=comment.hidden_reason,
        )
    return comment


@transaction.atomic
def comment_moderate(*, moderator, comment_id: int, hide: bool, reason: str) -> Comment:
    if not selectors.user_is_moderator(user=moderator):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Indica el motivo; se mostrará en lugar del comentario."),
            field_errors={"reason": [_("Obligatorio.")]},
        )
    comment = _locked(Comment.objects).get(pk=comment_id)
    comment.status = Comment.Status.HIDDEN if hide else Comment.Status.VISIBLE
    comment.hidden_reason = reason[:300] if hide else ""
    comment.save(update_fields=["status", "hidden_reason"])
    label, url = _comment_context(comment)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE
        if hide
        else ModerationAction.Action.RESTORE,
        target_kind="comment",
        target_id=comment.pk,
        context_label=label,
        context_url=url,
        reason=reason[:300],
    )
    audit_log_record(actor=moderator, action="comment.moderate", obj=comment)
    return comment


# --- consultations ---------------------------------------------------------------------


@transaction.atomic
def consultation_rate(
    *, user, option_id: int, level: str, contribution: str = ""
) -> ConsultationRating:
    """One rating per participant per option; changeable until the consultation closes."""
    selectors.access_participation(user=user)
    try:
        option = ConsultationOption.objects.select_related("consultation").get(
            pk=int(option_id)
        )
    except (ConsultationOption.DoesNotExist, ValueError, TypeError) as exc:
        raise ApplicationError(_("La opción no existe."), status_code=404) from exc
    if not option.consultation.is_open:
        raise ApplicationError(_("La consulta no está abierta."), status_code=409)
    if level not in Level.values:
        raise ApplicationError(
            _("Elige un nivel de prioridad."),
            field_errors={"level": [_("Elige un nivel de prioridad.")]},
        )
    contribution = (contribution or "").strip()
    if len(contribution) > 2000:
        raise ApplicationError(
            _("El aporte es demasiado largo (máximo 2000 caracteres)."),
            field_errors={"contribution": [_("Máximo 2000 caracteres.")]},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            rating, created = ConsultationRating.objects.get_or_create(
                option=option,
                user=user,
                defaults={
                    "consultation": option.consultation,
                    "level": level,
                    "contribution": contribution,
                },
            )
    except IntegrityError:
        rating, created = (
            ConsultationRating.objects.get(option=option, user=user),
            False,
        )
    if not created:
        rating.level = level
        rating.contribution = contribution
        rating.updated_at = now
        rating.save(update_fields=["level", "contribution", "updated_at"])
    return rating


def consultations_publish_due(*, now) -> dict:
    """Open scheduled consultations whose time has come and close the finished ones."""
    from django.db.models import Count

    # Never open an empty or one-option ballot (it stays scheduled; staff see it).
    opened = (
        Consultation.objects.filter(
            status=Consultation.Status.SCHEDULED, opens_at__lte=now, closes_at__gt=now
        )
        .filter(
            pk__in=ConsultationOption.objects.values("consultation_id")
            .annotate(n=Count("id"))
            .filter(n__gte=2)
            .values("consultation_id")
        )
        .update(status=Consultation.Status.OPEN)
    )
    closing = list(
        Consultation.objects.filter(
            status__in=[Consultation.Status.OPEN, Consultation.Status.SCHEDULED],
            closes_at__lte=now,
        ).values_list("pk", "title", "slug")
    )
    for pk, title, slug in closing:
        with transaction.atomic():
            if (
                Consultation.objects.filter(pk=pk)
                .exclude(status=Consultation.Status.CLOSED)
                .update(status=Consultation.Status.CLOSED)
            ):
                notify(
                    user_ids=followers(kind=Follow.Kind.CONSULTATION, target_id=pk),
                    kind="consultation.closed",
                    text=_(
                        "La consulta «%(title)s» cerró: ya puedes ver los resultados."
                    )
                    % {"title": title},
                    url=reverse("participation:consultation_detail", args=[slug]),
                )
    return {"opened": opened, "closed": len(closing)}


def publish_due(*, now) -> dict:
    """Publisher registered for `publish_scheduled`."""
    result = consultations_publish_due(now=now)
    result["archived"] = proposals_archive_due(now=now)
    return result


# --- sessions --------------------------------------------------------------------------


@transaction.atomic
def session_register(*, user, session_id: int) -> SessionRegistration:
    """Confirmed while seats remain, otherwise on the waitlist; repeat-safe."""
    selectors.access_participation(user=user)
    try:
        session = _locked(Session.objects).get(pk=session_id)
    except Session.DoesNotExist as exc:
        raise ApplicationError(_("La sesión no existe."), status_code=404) from exc
    if (
        session.status != Session.Status.SCHEDULED
        or session.starts_at <= timezone.now()
    ):
        raise ApplicationError(
            _("La inscripción a esta sesión está cerrada."), status_code=409
        )
    reg = SessionRegistration.objects.filter(session=session, user=user).first()
    if reg and reg.status != SessionRegistration.Status.CANCELLED:
        return reg
    status = (
        SessionRegistration.Status.CONFIRMED
        if session.registered_count < session.capacity
        else SessionRegistration.Status.WAITLISTED
    )
    if reg:
        reg.status = status
        reg.created_at = timezone.now()
        reg.save(update_fields=["status", "created_at"])
    else:
        reg = SessionRegistration.objects.create(
            session=session, user=user, status=status
        )
    if status == SessionRegistration.Status.CONFIRMED:
        Session.objects.filter(pk=session.pk).update(
            registered_count=F("registered_count") + 1
        )
    outbox_enqueue("participation.tasks.session_registration_email", reg.pk)
    return reg


@transaction.atomic
def session_cancel_registration(*, user, session_id: int) -> SessionRegistration | None:
    """Cancel one's seat; the first person on the waitlist takes it."""
    session = _locked(Session.objects).get(pk=session_id)
    reg = SessionRegistration.objects.filter(session=session, user=user).first()
    if reg is None or reg.status == SessionRegistration.Status.CANCELLED:
        return reg
    was_confirmed = reg.status == SessionRegistration.Status.CONFIRMED
    reg.status = SessionRegistration.Status.CANCELLED
    reg.save(update_fields=["status"])
    if was_confirmed:
        promoted = (
            SessionRegistration.objects.filter(
                session=session, status=SessionRegistration.Status.WAITLISTED
            )
            .order_by("created_at", "id")
            .first()
        )
        if promoted and session.status == Session.Status.SCHEDULED:
            promoted.status = SessionRegistration.Status.CONFIRMED
            promoted.save(update_fields=["status"])
            outbox_enqueue(
                "participation.tasks.session_registration_email", promoted.pk
            )
        else:
            Session.objects.filter(pk=session.pk).update(
                registered_count=F("registered_count") - 1
            )
    return reg


@transaction.atomic
def session_close(
    *, user, session_id: int, minutes: str, attendance_count: int, proposal_ids=()
) -> Session:
    session = _locked(Session.objects).get(pk=session_id)
    if not selectors.user_can_manage_session(user=user, session=session):
        raise PermissionDenied
    if session.status == Session.Status.CANCELLED:
        raise ApplicationError(_("La sesión fue cancelada."), status_code=409)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ApplicationError(
            _("Escribe el acta."), field_errors={"minutes": [_("Obligatorio.")]}
        )
    try:
        attendance_count = int(attendance_count)
        if attendance_count < 0:
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise ApplicationError(
            _("La asistencia debe ser un número entero no negativo."),
            field_errors={"attendance_count": [_("Número no válido.")]},
        ) from exc
    session.status = Session.Status.CLOSED
    session.minutes = minutes
    session.attendance_count = attendance_count
    session.save(update_fields=["status", "minutes", "attendance_count"])
    session.proposals.set(Proposal.objects.filter(pk__in=list(proposal_ids)))
    audit_log_record(actor=user, action="session.close", obj=session)
    return session


@transaction.atomic
def session_cancel(*, user, session_id: int, reason: str) -> Session:
    session = _locked(Session.objects).get(pk=session_id)
    if not selectors.user_can_manage_session(user=user, session=session):
        raise PermissionDenied
    if session.status != Session.Status.SCHEDULED:
        raise ApplicationError(
            _("Solo se cancela una sesión programada."), status_code=409
        )
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    audit_log_record(actor=user, action="session.cancel", obj=session)
    notify(
        user_ids=list(
            session.registrations.exclude(
                status=SessionRegistration.Status.CANCELLED
            ).values_list("user_id", flat=True)
        ),
        kind="session.cancelled",
        text=_("La sesión «%(title)s» fue cancelada: %(reason)s")
        % {"title": session.title, "reason": reason},
        url=reverse("participation:session_detail", args=[session.pk]),
    )
    return session


# --- ARCO (Ley 29733): erasure ------------------------------------------------------------


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:participation` (inside the account deletion transaction).

    Goes: follows, notification preferences (replaced by "never"), pending notices, session registrations (a
    confirmed seat in an upcoming session is cancelled first, so the waitlist moves up).
    Stays, attached to the anonymised account so counts and results remain right:
    proposals, comments, supports, comment votes and flags, consultation ratings.
    """
    upcoming = SessionRegistration.objects.filter(
        user=user,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=timezone.now(),
    ).exclude(status=SessionRegistration.Status.CANCELLED)
    for session_id in list(upcoming.values_list("session_id", flat=True)):
        session_cancel_registration(user=user, session_id=session_id)
    SessionRegistration.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    # The settings row is replaced by "never, follow nothing": an author's proposal still
    # triggers notify() for its author, and nothing may be queued for a deleted account.
    NotificationSettings.objects.filter(user=user).delete()
    NotificationSettings.objects.create(
        user=user,
        frequency=NotificationSettings.Frequency.NEVER,
        follow_own_proposals=False,
    )


def follower_digests_send() -> int:
    """The daily digest: one e-mail per person at most, with everything they follow that
    changed (a person whose digest went out in the last 20 hours is skipped, so a second run
    the same day sends nothing)."""
    from django.contrib.auth import get_user_model

    recent = timezone.now() - timedelta(hours=20)
    daily_users = (
        Notification.objects.filter(sent_at__isnull=True)
        .exclude(
            user__participation_notifications__frequency=NotificationSettings.Frequency.NEVER
        )
        .exclude(user__participation_notifications__last_digest_at__gt=recent)
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in get_user_model().objects.filter(pk__in=list(daily_users)).iterator():
        sent += bool(notifications_send(user=user, digest=True))
    return sent
