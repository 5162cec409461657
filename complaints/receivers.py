"""Unlock an integrity member's private key at login; re-encrypt it on password change."""

import logging

from openlima import roles

from . import services, unlock

logger = logging.getLogger(__name__)


def _is_member(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and user.groups.filter(name=roles.INTEGRITY_MEMBER).exists()
    )


def on_password_verified(sender, request, user, password, **kwargs):
    """Password step of the login: unlock the key; the ciphertext goes into the session
    and the wrap key into this response's cookie (never into the cache or database)."""
    if request is None or not _is_member(user):
        return
    private = services.member_key_unlock(user=user, password=password)
    if private is None:
        return
    wrap_key = unlock.wrap_into_session(request=request, private_key=private)
    unlock.hand_to_browser(request=request, wrap_key=wrap_key)


def on_logged_out(sender, request, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(unlock.SESSION_KEY, None)


def on_password_changed(sender, user, old_password, new_password, **kwargs):
    services.member_key_rewrap(
        user=user, old_password=old_password, new_password=new_password
    )
