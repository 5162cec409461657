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
    """Password step of the login: unlock the key, keep it wrapped until login completes."""
    if request is None or not _is_member(user):
        return
    private = services.member_key_unlock(user=user, password=password)
    if private is None:
        return
    wrap_key = unlock.wrap_into_session(request=request, private_key=private)
    unlock.park_wrap_key(request=request, wrap_key=wrap_key)


def on_logged_in(sender, request, user, response=None, **kwargs):
    """Login completed (after TOTP): hand the wrap key to the browser only."""
    if request is None:
        return
    wrap_key = unlock.take_parked_wrap_key(request=request)
    if wrap_key is not None and response is not None:
        unlock.set_cookie(request=request, response=response, wrap_key=wrap_key)


def on_logged_out(sender, request, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(unlock.SESSION_KEY, None)


def on_password_changed(sender, user, old_password, new_password, **kwargs):
    services.member_key_rewrap(
        user=user, old_password=old_password, new_password=new_password
    )
