"""The staff admin at /gestion/: staff only, with TOTP set up and used at this login."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import city, selectors


class OpenLimaAdminSite(admin.AdminSite):
    site_header = city.lazy_format(_("%(portal)s — gestión"), portal="portal_name")
    site_title = city.lazy_format(_("%(portal)s — gestión"), portal="portal_name")
    index_title = _("Gestión del portal")
    index_template = "admin/openlima_index.html"

    def index(self, request, extra_context=None):
        """The dashboard: what is due for this staff member (every app's
        `staff_tasks:` provider), above the list of screens."""
        extra_context = {
            **(extra_context or {}),
            "staff_tasks": selectors.staff_tasks(user=request.user),
        }
        return super().index(request, extra_context)

    def has_permission(self, request):
        return selectors.staff_with_2fa(request=request)

    def login(self, request, extra_context=None):
        """No separate admin login: allauth's login (with its second factor) is the door."""
        user = request.user
        next_url = request.GET.get("next") or reverse("admin:index")
        if not user.is_authenticated:
            return redirect(
                f"{reverse('account_login')}?{urlencode({'next': next_url})}"
            )
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not selectors.user_has_totp(user=user):
            messages.warning(
                request,
                _(
                    "El personal municipal debe activar la verificación en dos pasos para entrar a la gestión."
                ),
            )
            return redirect("mfa_activate_totp")
        if not selectors.session_passed_mfa(request=request):
            # Logged in before activating 2FA: sign in again, this time with the code.
            from django.contrib.auth import logout

            logout(request)
            return redirect(
                f"{reverse('account_login')}?{urlencode({'next': next_url})}"
            )
        return redirect(next_url)
