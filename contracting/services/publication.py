"""Projects, scheduled publication and follow e-mails; the ARCO erase provider."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from openlima import city
from openlima.errors import Invalid
from openlima.services import audit_log_record

from .. import selectors
from ..models import (
    ContractingProcess,
    Follow,
    InfrastructureProject,
)

# --- projects, publication, follows -----------------------------------------------------


@transaction.atomic
def project_saved(*, user, project: InfrastructureProject) -> None:
    selectors.access_project_for_edit(user=user, project_id=project.pk)
    InfrastructureProject.objects.filter(pk=project.pk).update(
        updated_at=timezone.now()
    )
    audit_log_record(actor=user, action="contracting.project_save", obj=project)


def publish_and_notify(*, now) -> dict:
    """Publisher hook (every minute): publish what is due, then e-mail followers."""
    return {"published": publish_due(now=now), "notified": follows_notify(now=now)}


def publish_due(*, now) -> int:
    """Processes and projects whose `publish_at` has come."""
    count = ContractingProcess.objects.filter(
        is_published=False, publish_at__isnull=False, publish_at__lte=now
    ).update(is_published=True, published_at=Coalesce(F("published_at"), Value(now)))
    count += InfrastructureProject.objects.filter(
        is_published=False, publish_at__isnull=False, publish_at__lte=now
    ).update(is_published=True)
    return count


def follow_create(*, user, query: str, label: str) -> Follow:
    if not getattr(user, "is_authenticated", False):
        raise Invalid(_("Inicie sesión para seguir una búsqueda."))
    query = (query or "")[:500]
    follow, _created = Follow.objects.get_or_create(
        user=user, query=query, defaults={"label": (label or "")[:300]}
    )
    return follow


def follow_delete(*, user, follow_id: int) -> None:
    Follow.objects.filter(user=user, pk=follow_id).delete()


def follows_notify(*, now=None) -> int:
    """E-mail each follower the published processes that match their search and appeared
    since their last notice. Idempotent: last_notified_at moves forward."""
    from django.core.mail import send_mail
    from django.http import QueryDict

    from openlima.selectors import absolute_url

    now = now or timezone.now()
    sent = 0
    for follow in Follow.objects.select_related("user").filter(user__is_active=True):
        filters = selectors.process_filters_clean(QueryDict(follow.query))
        since = follow.last_notified_at
        # Appeared = became public in (since, now], however it was published (a save of
        # a draft, publish_at, an import): each process once (docs/contracting.md).
        new = list(
            selectors.process_list(filters=filters)
            .filter(published_at__gt=since, published_at__lte=now)
            .order_by("id")[:20]
        )
        if new:
            lines = [f"- {p.title}: {absolute_url(p.get_absolute_url())}" for p in new]
            send_mail(
                subject=_("Nuevos procesos de contratación: %(label)s")
                % {"label": follow.label},
                message=_(
                    "Hay procesos nuevos que coinciden con la búsqueda que sigue en "
                    "%(portal)s:"
                )
                % {"portal": city.text("portal_name")}
                + "\n\n"
                + "\n".join(lines)
                + "\n\n"
                + _("Deje de seguirla en %(url)s")
                % {"url": absolute_url("/contrataciones/siguiendo/")},
                from_email=None,
                recipient_list=[follow.user.email],
            )
            sent += 1
        Follow.objects.filter(pk=follow.pk).update(last_notified_at=now)
    return sent


def erase_personal_data(*, user) -> None:
    Follow.objects.filter(user=user).delete()
