"""allauth forms extended by the core (kept apart from openlima.forms, which allauth imports
while building its own forms)."""

from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm

from .signals_defs import password_changed, password_verified


class LoginForm(AllauthLoginForm):
    """allauth's login form, announcing a verified password so that key material derived
    from it (e.g. the integrity unit's complaint keys) can be unlocked for this session."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None and not self.errors:
            password_verified.send(
                sender=self.__class__,
                request=self.request,
                user=user,
                password=cleaned.get("password", ""),
            )
        return cleaned


class ChangePasswordForm(AllauthChangePasswordForm):
    """allauth's change-password form, announcing old and new password so that key material
    encrypted under the old one can be re-encrypted under the new one."""

    def save(self):
        old_password = self.cleaned_data.get("oldpassword", "")
        new_password = self.cleaned_data.get("password1", "")
        super().save()
        password_changed.send(
            sender=self.__class__,
            user=self.user,
            old_password=old_password,
            new_password=new_password,
        )
