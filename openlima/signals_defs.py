"""Signals the core sends for other apps to react to (receivers live in those apps)."""

from django.dispatch import Signal

# A login form verified `password` for `user` (args: request, user, password).
# The password is never stored; receivers derive what they need and drop it.
password_verified = Signal()
# A user changed their password (args: user, old_password, new_password).
password_changed = Signal()
