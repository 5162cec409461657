from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter

from . import city


class AccountAdapter(DefaultAccountAdapter):
    """Hooks for allauth: e-mail addresses lower-case (as the User model keeps them) and
    account e-mails signed with the city profile's portal name rather than with the server's host name."""

    def clean_email(self, email):
        return super().clean_email(email).lower()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        site = get_current_site(allauth_context.request)
        context = {
            "current_site": SimpleNamespace(
                name=city.text("portal_name"), domain=site.domain
            ),
            **context,
        }
        super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        """Staff land where their work is (openlima.selectors.staff_landing_url); an
        explicit ?next= still wins (allauth checks it before asking the adapter)."""
        user = request.user
        if getattr(user, "is_staff", False) and user.is_active:
            from .selectors import staff_landing_url

            return staff_landing_url(user=user)
        return super().get_login_redirect_url(request)
