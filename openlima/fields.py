"""Model fields shared by the apps."""

from django.db import models


class HttpsURLField(models.URLField):
    """A URLField whose form field assumes ``https://`` for addresses typed without one.

    Django 5.x's ``forms.URLField`` warns (``RemovedInDjango60Warning``) unless
    ``assume_scheme`` is given, and 6.0 switches the default to ``https``. Passing it here
    covers every ModelForm and the admin at once, so the move to 6.x changes nothing.
    ``deconstruct`` names Django's own field, so migrations see a plain URLField.
    """

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs
