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


class AmountField(models.DecimalField):
    """An amount in the city's currency. Its label is written with Lima's symbol, e.g.
    ``_("presupuesto (S/)")``, and shown with the city profile's ("presupuesto (Bs)" under
    La Paz, docs/city-profile.md). ``deconstruct`` gives Django's DecimalField with the
    label as written, so migrations never depend on the profile."""

    def __init__(self, verbose_name=None, *args, **kwargs):
        from openlima import city

        self._written_label = verbose_name
        if verbose_name is not None:
            verbose_name = city.currency_label(verbose_name)
        super().__init__(verbose_name, *args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        if self._written_label is not None:
            kwargs["verbose_name"] = self._written_label
        return name, "django.db.models.DecimalField", args, kwargs
