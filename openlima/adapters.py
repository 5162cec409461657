from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Hook for allauth: keep e-mail addresses lower-case, as the User model does."""

    def clean_email(self, email):
        return super().clean_email(email).lower()
