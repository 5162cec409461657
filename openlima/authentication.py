"""DRF authentication classes of the API (kept apart from views: DRF imports them
while its own views module loads). See openlima/api_auth.py."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's token authentication, refused for staff accounts (their access needs
    two-factor sign-in and the idle timeout, which a token would skip)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if user.is_staff or user.is_superuser:
            raise exceptions.AuthenticationFailed(
                _("Las cuentas del personal no pueden usar tokens de API.")
            )
        return user, token
