"""Every write of commitment tracking. Milestone changes always go through
`milestone_update`, which writes the ProgressUpdate and recomputes the commitment."""

import datetime
import logging
import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openlima import city, uploads
from openlima.errors import ApplicationError
from openlima.selectors import absolute_url
from openlima.services import audit_log_record, outbox_enqueue

from . import selectors
from .models import (
    ActionPlan,
    Commitment,
    Evidence,
    Milestone,
    MilestoneStatus,
    PlanStatus,
    ProgressUpdate,
    SentNotice,
    Subscription,
)

logger = logging.getLogger(__name__)

MILESTONE_EDITABLE_FIELDS = [
    "code",
    "title",
    "description",
    "start_on",
    "due_on",
    "status",
    "progress",
    "completed_on",
    "weight",
    "delay_reason",
]

# Evidence documents: the kinds (judged by content) an office may attach.
EVIDENCE_KINDS = frozenset(
    {"pdf", "png", "jpeg", "gif", "webp"}
    | {"docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"}
)
EVIDENCE_MESSAGES = {
    "empty": gettext_lazy("El archivo está vacío."),
    "too_big": gettext_lazy("El archivo pesa más de %(mb)s MB."),
    "not_allowed": gettext_lazy(
        "Tipo de archivo no permitido. Se aceptan PDF, imágenes (PNG, JPEG, GIF, "
        "WebP) y documentos de oficina (Word, Excel, PowerPoint, OpenDocument)."
    ),
}
EVIDENCE_DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _require_edit(*, user, commitment) -> None:
    if not selectors.user_can_edit_commitment(user=user, commitment=commitment):
        raise PermissionDenied(_("No puede modificar los hitos de este compromiso."))


def _publish_fields(publish_at):
    now = timezone.now()
    publish_at = publish_at or now
    return publish_at, (now if publish_at <= now else None)


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


# --- commitments --------------------------------------------------------------------


def commitment_recompute(*, commitment: Commitment) -> Commitment:
    """Progress = weighted mean of the (not cancelled) milestones' progress."""
    milestones = [
        m
        for m in Milestone.objects.filter(commitment=commitment).only(
            "progress", "weight", "status", "due_on"
        )
        if m.status != MilestoneStatus.CANCELLED
    ]
    total_weight = sum(m.weight for m in milestones)
    weighted = sum(m.progress * m.weight for m in milestones)
    # Half up (not banker's rounding): 32.5 % shows as 33 %.
    progress = (
        (2 * weighted + total_weight) // (2 * total_weight) if total_weight else 0
    )
    today = timezone.localdate()
    if milestones and all(m.status == MilestoneStatus.COMPLETED for m in milestones):
        status = MilestoneStatus.COMPLETED
    elif any(
        m.status == MilestoneStatus.DELAYED or m.is_overdue(today) for m in milestones
    ):
        status = MilestoneStatus.DELAYED
    elif any(
        m.progress > 0 or m.status != MilestoneStatus.NOT_STARTED for m in milestones
    ):
        status = MilestoneStatus.IN_PROGRESS
    else:
        status = MilestoneStatus.NOT_STARTED
    if (commitment.progress, commitment.status) != (progress, status):
        commitment.progress = progress
        commitment.status = status
        commitment.updated_at = timezone.now()
        commitment.save(update_fields=["progress", "status", "updated_at"])
    return commitment


@transaction.atomic
def commitment_save(*, user, commitment: Commitment, units=None) -> Commitment:
    """The coordinator edits a commitment's card (admin)."""
    if not selectors.user_is_coordinator(user=user):
        raise PermissionDenied(_("Solo la coordinación OGP edita la ficha."))
    commitment.full_clean(exclude=["plan"] if commitment.plan_id is None else None)
    commitment.updated_at = timezone.now()
    commitment.save()
    if units is not None:
        commitment.responsible_units.set(units)
    commitment_recompute(commitment=commitment)
    audit_log_record(actor=user, action="commitment.save", obj=commitment)
    return commitment


@transaction.atomic
def action_plan_save(*, user, plan: ActionPlan) -> ActionPlan:
    if not selectors.user_is_coordinator(user=user):
        raise PermissionDenied(_("Solo la coordinación OGP edita los planes."))
    plan.full_clean()
    plan.updated_at = timezone.now()
    plan.save()
    audit_log_record(actor=user, action="action_plan.save", obj=plan)
    return plan


# --- milestones ---------------------------------------------------------------------


@transaction.atomic
def milestone_update(
    *,
    user,
    milestone: Milestone,
    data: dict,
    note: str = "",
    publish_at=None,
    check_permission: bool = True,
) -> ProgressUpdate | None:
    """Apply `data` to the milestone and record what changed as a ProgressUpdate.

    Returns the update, or None when nothing changed (nothing is written then)."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    commitment = milestone.commitment
    if check_permission:
        _require_edit(user=user, commitment=commitment)
    unknown = set(data) - set(MILESTONE_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Campos no editables: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    before = {f: getattr(milestone, f) for f in MILESTONE_EDITABLE_FIELDS}
    for field, value in data.items():
        setattr(milestone, field, value)
    if milestone.status == MilestoneStatus.COMPLETED and "progress" not in data:
        milestone.progress = 100
    if (
        milestone.status != MilestoneStatus.COMPLETED
        and before["status"] == MilestoneStatus.COMPLETED
        and "completed_on" not in data
    ):
        milestone.completed_on = None
    try:
        milestone.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            _validation_message(exc), field_errors=getattr(exc, "message_dict", {})
        ) from exc
    changes = {
        f: [_json_value(before[f]), _json_value(getattr(milestone, f))]
        for f in MILESTONE_EDITABLE_FIELDS
        if before[f] != getattr(milestone, f)
    }
    note = (note or "").strip()
    if not changes and not note:
        return None
    publish_at, published_at = _publish_fields(publish_at)
    # A scheduled update changes the milestone only when it is published.
    if changes and published_at is not None:
        milestone.updated_at = timezone.now()
        milestone.save(update_fields=[*changes.keys(), "updated_at"])
    update = ProgressUpdate(
        commitment=commitment,
        milestone=milestone,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user if getattr(user, "pk", None) else None,
        changes=changes,
        note=note,
        publish_at=publish_at,
        published_at=published_at,
        applied_at=published_at,
    )
    update.full_clean()
    update.save()
    commitment_recompute(commitment=commitment)
    return update


@transaction.atomic
def milestone_create(
    *, user, commitment: Commitment, data: dict, check_permission: bool = True
) -> Milestone:
    if check_permission:
        _require_edit(user=user, commitment=commitment)
    milestone = Milestone(commitment=commitment, **data)
    if milestone.status == MilestoneStatus.COMPLETED and "progress" not in data:
        milestone.progress = 100
    try:
        milestone.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            _validation_message(exc), field_errors=getattr(exc, "message_dict", {})
        ) from exc
    milestone.save()
    ProgressUpdate.objects.create(
        commitment=commitment,
        milestone=milestone,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user if getattr(user, "pk", None) else None,
        changes={"created": [None, milestone.title]},
        published_at=timezone.now(),
    )
    commitment_recompute(commitment=commitment)
    return milestone


@transaction.atomic
def milestone_delete(*, user, milestone: Milestone) -> None:
    if not selectors.user_is_coordinator(user=user):
        raise PermissionDenied(_("Solo la coordinación OGP elimina hitos."))
    commitment = milestone.commitment
    ProgressUpdate.objects.create(
        commitment=commitment,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user,
        changes={"deleted": [milestone.title, None]},
        published_at=timezone.now(),
    )
    milestone.delete()
    commitment_recompute(commitment=commitment)


def _bulk_check(*, user, milestones) -> list[Milestone]:
    milestones = list(milestones)
    denied = [
        m
        for m in milestones
        if not selectors.user_can_edit_commitment(user=user, commitment=m.commitment)
    ]
    if denied:
        raise PermissionDenied(
            _("No puede modificar estos hitos: %(m)s")
            % {"m": ", ".join(str(m) for m in denied)}
        )
    return milestones


@transaction.atomic
def milestones_mark_completed(
    *, user, milestones, completed_on: datetime.date, note: str = ""
) -> int:
    """Bulk action: all or nothing (a denied or invalid one writes nothing)."""
    if not completed_on:
        raise ApplicationError(_("Indique la fecha de cumplimiento."))
    count = 0
    for milestone in _bulk_check(user=user, milestones=milestones):
        data = {
            "status": MilestoneStatus.COMPLETED,
            "completed_on": completed_on,
            "progress": 100,
        }
        count += bool(
            milestone_update(user=user, milestone=milestone, data=data, note=note)
        )
    return count


@transaction.atomic
def milestones_mark_delayed(*, user, milestones, reason: str) -> int:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Indique el motivo del retraso."))
    if len(reason) > 2000:
        raise ApplicationError(_("El motivo es demasiado largo (máximo 2000)."))
    count = 0
    for milestone in _bulk_check(user=user, milestones=milestones):
        data = {
            "status": MilestoneStatus.DELAYED,
            "delay_reason": reason,
            "completed_on": None,
        }
        count += bool(
            milestone_update(user=user, milestone=milestone, data=data, note=reason)
        )
    return count


# --- evidence -----------------------------------------------------------------------


def evidence_check_file(*, uploaded) -> uploads.Sniffed:
    """Sniff the content (not the name) against the allow-list; returns its kind."""
    max_bytes = getattr(
        settings, "COMMITMENTS_EVIDENCE_MAX_BYTES", EVIDENCE_DEFAULT_MAX_BYTES
    )
    refuse = {"field": None, "messages": EVIDENCE_MESSAGES}
    uploads.check_size(uploaded.size, max_bytes=max_bytes, **refuse)
    return uploads.sniff(uploaded, allowed=EVIDENCE_KINDS, **refuse)


@transaction.atomic
def evidence_add(
    *,
    user,
    milestone: Milestone,
    description: str,
    url: str = "",
    uploaded=None,
    publish_at=None,
    check_permission: bool = True,
) -> Evidence:
    commitment = milestone.commitment
    if check_permission:
        _require_edit(user=user, commitment=commitment)
    description = (description or "").strip()
    url = (url or "").strip()
    if not description:
        raise ApplicationError(
            _("Describa la evidencia."),
            field_errors={"description": [_("Obligatorio.")]},
        )
    if bool(url) == bool(uploaded):
        raise ApplicationError(
            _("Adjunte un documento o indique un enlace (uno solo).")
        )
    evidence = Evidence(
        milestone=milestone,
        description=description,
        url=url,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        created_by=user if getattr(user, "pk", None) else None,
    )
    if uploaded is not None:
        sniffed = evidence_check_file(uploaded=uploaded)
        evidence.original_name = PurePath(uploaded.name or "documento").name[:255]
        if sniffed.kind in uploads.IMAGE_KINDS:
            # Evidence is public: photos lose their EXIF/GPS (who took them, where).
            uploaded.seek(0)
            clean = uploads.image_clean(
                uploaded.read(), field=None, messages=EVIDENCE_MESSAGES
            )
            uploaded = ContentFile(clean.data, name=evidence.original_name)
            sniffed = uploads.Sniffed(clean.kind, clean.media_type, clean.extension)
        evidence.content_type = sniffed.media_type
        evidence.size = uploaded.size
        evidence.stored_name = uploads.storage_name(sniffed.extension)
        evidence.file = "placeholder"  # satisfies full_clean; replaced by save() below
    try:
        evidence.full_clean(exclude=["file"])
    except ValidationError as exc:
        raise ApplicationError(
            _validation_message(exc), field_errors=getattr(exc, "message_dict", {})
        ) from exc
    stored = None
    try:
        if uploaded is not None:
            evidence.file = None
            evidence.file.save(evidence.stored_name, uploaded, save=False)
            stored = evidence.file.name
        publish_at, published_at = _publish_fields(publish_at)
        evidence.publish_at = publish_at
        evidence.save()
        ProgressUpdate.objects.create(
            commitment=commitment,
            milestone=milestone,
            unit=evidence.unit,
            author=evidence.created_by,
            changes={"evidence": [None, description]},
            publish_at=publish_at,
            published_at=published_at,
        )
    except Exception:
        if stored:  # nothing half-written: no orphan file without its row
            from django.core.files.storage import default_storage

            default_storage.delete(stored)
        raise
    return evidence


# --- progress updates ---------------------------------------------------------------


@transaction.atomic
def progress_update_create(
    *, user, commitment: Commitment, milestone=None, note: str, publish_at=None
) -> ProgressUpdate:
    """A note in the public history (e.g. a scheduled announcement)."""
    _require_edit(user=user, commitment=commitment)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("Escriba la nota."), field_errors={"note": [_("Obligatorio.")]}
        )
    if len(note) > 4000:
        raise ApplicationError(_("La nota es demasiado larga (máximo 4000)."))
    if milestone is not None and milestone.commitment_id != commitment.pk:
        raise ApplicationError(_("El hito no pertenece a este compromiso."))
    publish_at, published_at = _publish_fields(publish_at)
    update = ProgressUpdate(
        commitment=commitment,
        milestone=milestone,
        unit=selectors.acting_unit(user=user, commitment=commitment),
        author=user,
        note=note,
        publish_at=publish_at,
        published_at=published_at,
    )
    update.full_clean()
    update.save()
    return update


def progress_update_publish_due(*, now=None) -> int:
    """Publisher of `publish_scheduled`: updates whose `publish_at` has passed go public,
    and scheduled milestone changes are applied then (oldest first)."""
    now = now or timezone.now()
    published = 0
    due = ProgressUpdate.objects.filter(
        published_at__isnull=True, publish_at__lte=now
    ).order_by("publish_at", "id")
    for update_id in due.values_list("pk", flat=True)[:1000]:
        published += _progress_update_publish(update_id=update_id, now=now)
    return published


DATE_FIELDS = {"start_on", "due_on", "completed_on"}


@transaction.atomic
def _progress_update_publish(*, update_id: int, now) -> int:
    update = (
        ProgressUpdate.objects.select_for_update()
        .filter(pk=update_id, published_at__isnull=True)
        .first()
    )
    if update is None:
        return 0
    fields = {
        k: v
        for k, v in (update.changes or {}).items()
        if k in MILESTONE_EDITABLE_FIELDS
    }
    if update.milestone_id and fields and update.applied_at is None:
        milestone = Milestone.objects.select_for_update().get(pk=update.milestone_id)
        for field, (_old, new) in fields.items():
            if field in DATE_FIELDS and new:
                new = datetime.date.fromisoformat(new)
            setattr(milestone, field, new)
        try:
            with transaction.atomic():
                milestone.full_clean()
                milestone.updated_at = now
                milestone.save(update_fields=[*fields.keys(), "updated_at"])
            update.applied_at = now
        except ValidationError:
            logger.warning(
                "scheduled update %s no longer valid; published as a note", update.pk
            )
        commitment_recompute(commitment=milestone.commitment)
    update.published_at = now
    update.save(update_fields=["published_at", "applied_at"])
    return 1


# --- followers ----------------------------------------------------------------------


@transaction.atomic
def subscription_follow(*, user, commitment: Commitment) -> Subscription:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    subscription, created = Subscription.objects.get_or_create(
        commitment=commitment,
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "confirmed_at": timezone.now()},
    )
    if not created and not subscription.is_active:
        subscription.confirmed_at = subscription.confirmed_at or timezone.now()
        subscription.unsubscribed_at = None
        subscription.last_digest_at = timezone.now()
        subscription.save(
            update_fields=["confirmed_at", "unsubscribed_at", "last_digest_at"]
        )
    return subscription


@transaction.atomic
def subscription_unfollow(*, user, commitment: Commitment) -> None:
    Subscription.objects.filter(
        commitment=commitment, user=user, unsubscribed_at__isnull=True
    ).update(unsubscribed_at=timezone.now())


@transaction.atomic
def subscription_request_email(*, email: str, commitment: Commitment) -> None:
    """Double opt-in: e-mail a confirmation link; the same answer whatever the state."""
    email = (email or "").strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(
            _("Escriba un correo electrónico válido."),
            field_errors={"email": [_("Correo no válido.")]},
        ) from exc
    subscription = Subscription.objects.filter(
        commitment=commitment, email=email
    ).first()
    if subscription is None:
        subscription = Subscription.objects.create(
            commitment=commitment, email=email, token=secrets.token_urlsafe(32)
        )
    elif subscription.is_active:
        return
    elif subscription.unsubscribed_at:
        subscription.unsubscribed_at = None
        subscription.confirmed_at = None
        subscription.token = secrets.token_urlsafe(32)
        subscription.save(update_fields=["unsubscribed_at", "confirmed_at", "token"])
    # Recorded in the outbox: sent after commit, retried if the broker is down.
    outbox_enqueue("commitments.tasks.subscription_confirmation", subscription.pk)


def subscription_send_confirmation(*, subscription_id: int) -> bool:
    subscription = (
        Subscription.objects.filter(
            pk=subscription_id, confirmed_at__isnull=True, unsubscribed_at__isnull=True
        )
        .select_related("commitment__plan")
        .first()
    )
    if subscription is None or not subscription.email:
        return False
    confirm_url = absolute_url(
        reverse(
            "commitments:subscription_confirm", kwargs={"token": subscription.token}
        )
    )
    unsubscribe_url = absolute_url(
        reverse(
            "commitments:subscription_unsubscribe", kwargs={"token": subscription.token}
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "commitments/email/confirm.txt",
            {
                "commitment": subscription.commitment,
                "confirm_url": confirm_url,
                "unsubscribe_url": unsubscribe_url,
            },
        )
        subject = _("Confirme que quiere seguir un compromiso")
    send_mail(subject, body, None, [subscription.email])
    return True


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        raise ApplicationError(
            _("El enlace no es válido o ya caducó."), status_code=404
        )
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.last_digest_at = timezone.now()
        subscription.save(update_fields=["confirmed_at", "last_digest_at"])
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription:
    subscription = Subscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        raise ApplicationError(_("El enlace no es válido."), status_code=404)
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


# --- notices (reminders and digests) ------------------------------------------------


def _notice_claim(*, keys: list[str], recipient: str, today) -> list[str]:
    """Record the notices as sent; returns the keys that were not sent before."""
    fresh = []
    for key in keys:
        try:
            with transaction.atomic():
                SentNotice.objects.create(key=key, recipient=recipient, sent_on=today)
            fresh.append(key)
        except IntegrityError:
            continue
    return fresh


def _send_notice(*, recipient: str, keys: list[str], today, subject, template, ctx):
    """Claim the keys and send one e-mail; if sending fails nothing stays recorded."""
    with transaction.atomic():
        fresh = _notice_claim(keys=keys, recipient=recipient, today=today)
        if not fresh:
            return 0
        ctx = {**ctx, "fresh": set(fresh)}
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(template, ctx)
        send_mail(str(subject), body, None, [recipient])
    return 1


def milestone_reminders_send(*, today=None) -> dict:
    """Reminders N days before a due date (MILESTONE_REMINDER_DAYS), weekly while overdue,
    to the responsible units' editors; a weekly digest to the coordinators. Run it any
    number of times a day: every notice goes out once."""
    today = today or timezone.localdate()
    days = sorted(
        {int(d) for d in getattr(settings, "MILESTONE_REMINDER_DAYS", [7, 1])}
    )
    horizon = today + datetime.timedelta(days=max(days) if days else 0)
    milestones = selectors.milestones_for_reminders(today=today, horizon=horizon)
    per_recipient: dict[str, list[tuple[str, Milestone, str]]] = {}
    editors = selectors.unit_editors_by_unit()
    for milestone in milestones:
        remaining = (milestone.due_on - today).days
        if remaining >= 0:
            window = next((d for d in days if remaining <= d), None)
            if window is None:
                continue
            key = f"m{milestone.pk}:before:{window}:{milestone.due_on.isoformat()}"
            kind = "upcoming"
        else:
            week = (-remaining - 1) // 7
            key = f"m{milestone.pk}:overdue:{milestone.due_on.isoformat()}:w{week}"
            kind = "overdue"
        recipients = {
            email
            for unit in milestone.commitment.responsible_units.all()
            for email in editors.get(unit.pk, [])
        }
        for email in recipients:
            per_recipient.setdefault(email, []).append((key, milestone, kind))
    sent = 0
    for recipient, items in sorted(per_recipient.items()):
        sent += _send_notice(
            recipient=recipient,
            keys=[k for k, _m, _k in items],
            today=today,
            subject=_("%(portal)s: hitos por vencer o vencidos")
            % {"portal": city.text("portal_name")},
            template="commitments/email/reminder.txt",
            ctx={"items": items, "today": today, "site_url": absolute_url("")},
        )
    digests = 0
    year, week, _wd = today.isocalendar()
    late, upcoming = selectors.milestones_digest(today=today)
    if late or upcoming:
        for recipient in selectors.coordinator_emails():
            digests += _send_notice(
                recipient=recipient,
                keys=[f"digest:{year}-W{week:02d}"],
                today=today,
                subject=_("%(portal)s: resumen semanal de hitos")
                % {"portal": city.text("portal_name")},
                template="commitments/email/digest_coordinator.txt",
                ctx={
                    "late": late,
                    "upcoming": upcoming,
                    "today": today,
                    "site_url": absolute_url(""),
                },
            )
    return {"reminders": sent, "digests": digests}


def follower_digests_send(*, now=None) -> int:
    """One e-mail per follower per day at most, listing the published changes since the
    last one, with an unsubscribe link for each followed commitment."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    groups = selectors.active_subscriptions_by_recipient()
    sent = 0
    for recipient, subscriptions in groups.items():
        sections = []
        for subscription in subscriptions:
            since = subscription.last_digest_at or subscription.confirmed_at
            updates = selectors.published_updates_between(
                commitment_id=subscription.commitment_id, since=since, until=now
            )
            if updates:
                sections.append(
                    {
                        "commitment": subscription.commitment,
                        "updates": updates,
                        "url": absolute_url(subscription.commitment.get_absolute_url()),
                        "unsubscribe_url": absolute_url(
                            reverse(
                                "commitments:subscription_unsubscribe",
                                kwargs={"token": subscription.token},
                            )
                        ),
                    }
                )
        if not sections:
            continue
        with transaction.atomic():
            sent_now = _send_notice(
                recipient=recipient,
                keys=[f"follower-digest:{today.isoformat()}"],
                today=today,
                subject=_("%(portal)s: novedades de los compromisos que sigue")
                % {"portal": city.text("portal_name")},
                template="commitments/email/follower_digest.txt",
                ctx={"sections": sections},
            )
            if sent_now:
                Subscription.objects.filter(
                    pk__in=[s.pk for s in subscriptions]
                ).update(last_digest_at=now)
        sent += sent_now
    return sent


# --- budgets: follow a winning project ----------------------------------------------


@transaction.atomic
def commitment_track_project(
    *,
    plan_title: str,
    plan_slug: str,
    commitment_title: str,
    unit_id,
    milestone_title: str,
    description: str,
    due_on,
) -> dict:
    """Idempotent: the same arguments return the same commitment and milestone."""
    from openlima.models import OrgUnit

    if isinstance(due_on, str):
        due_on = datetime.date.fromisoformat(due_on)
    today = timezone.localdate()
    plan_slug = slugify(plan_slug)[:100] or "seguimiento"
    plan, _c = ActionPlan.objects.get_or_create(
        slug=plan_slug,
        defaults={
            "title": plan_title[:255],
            "status": PlanStatus.IMPLEMENTATION,
            "period_start": min(today, due_on),
            "period_end": max(due_on, today),
            "is_published": True,
        },
    )
    if plan.period_end < due_on:
        plan.period_end = due_on
        plan.save(update_fields=["period_end"])
    slug = slugify(commitment_title)[:100] or "compromiso"
    commitment = Commitment.objects.filter(plan=plan, slug=slug).first()
    if commitment is None:
        number = (
            max(
                Commitment.objects.filter(plan=plan).values_list("number", flat=True),
                default=0,
            )
            + 1
        )
        commitment = Commitment(
            plan=plan,
            number=number,
            slug=slug,
            title=commitment_title[:300],
            objective=description,
            commitment_start=min(today, due_on),
            commitment_end=due_on,
        )
        commitment.full_clean()
        commitment.save()
        unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id else None
        if unit:
            commitment.responsible_units.add(unit)
    milestone = Milestone.objects.filter(
        commitment=commitment, title=milestone_title[:300]
    ).first()
    if milestone is None:
        code = chr(ord("A") + commitment.milestones.count() % 26)
        milestone = Milestone(
            commitment=commitment,
            code=code,
            title=milestone_title[:300],
            description=description,
            start_on=min(today, due_on),
            due_on=due_on,
        )
        milestone.full_clean()
        milestone.save()
        commitment_recompute(commitment=commitment)
    return {
        "commitment_id": commitment.pk,
        "milestone_id": milestone.pk,
        "url": commitment.get_absolute_url(),
    }


# --- ARCO (Ley 29733): erasure ------------------------------------------------------------


def erase_personal_data(*, user) -> None:
    """`erase_personal_data:commitments` (inside the account deletion transaction): the
    person's follows (by account or by one of their addresses) and the record of notices
    mailed to those addresses go. Updates and evidences a staff member wrote stay: they
    are the municipality's public record, not personal data."""
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()} | {
        e.lower()
        for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    Subscription.objects.filter(user=user).delete()
    Subscription.objects.filter(user__isnull=True, email__in=emails).delete()
    SentNotice.objects.filter(recipient__in=emails).delete()
