"""Settings, access rules and labels every read of Lima Activa shares."""

from django.utils.translation import gettext as _

from openlima import roles
from openlima.errors import Forbidden
from openlima.selectors import user_has_role, user_public_label

from .. import conf
from ..models import (
    Proposal,
)

PAGE_SIZE = 20


SEARCH_RANK_WINDOW = 500  # ≥ the 10 pages × 20 results a search shows


PUBLIC_STATUSES = [
    Proposal.Status.PUBLISHED,
    Proposal.Status.EVALUATION,
    Proposal.Status.ANSWERED,
]


def support_threshold() -> int:
    return conf.support_threshold()


def support_months() -> int:
    return conf.support_months()


def flag_hide_threshold() -> int:
    return conf.flag_hide_threshold()


def user_can_participate(*, user) -> bool:
    """A registered citizen with a verified e-mail address (docs/architecture.md)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.deleted_at:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def access_participation(*, user) -> None:
    if not user_can_participate(user=user):
        raise Forbidden(
            _(
                "Necesita una cuenta con el correo electrónico verificado para participar."
            ),
        )


def user_is_moderator(*, user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_staff
        and user_has_role(user=user, role=roles.MODERATOR)
    )


def author_label(*, user) -> str:
    return user_public_label(user=user)


def participation_unit_slug() -> str:
    """The unit that runs Lima Activa (proposals go to it by default)."""
    return conf.default_unit_slug()


def _iso(value):
    return value.isoformat() if value else None
