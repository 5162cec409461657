"""A citizen's followed searches (read side, and the ARCO personal-data provider)."""

from django.utils.translation import gettext as _

from ..models import (
    Follow,
)


def follows_of(*, user):
    if not getattr(user, "is_authenticated", False):
        return Follow.objects.none()
    return Follow.objects.filter(user=user).order_by("-created_at")


def personal_data(*, user) -> dict:
    follows = [
        {"label": f.label, "query": f.query, "created_at": f.created_at.isoformat()}
        for f in follows_of(user=user)
    ]
    return {
        "summary": [[_("Búsquedas de contrataciones que sigue"), len(follows)]],
        "follows": follows,
    }
