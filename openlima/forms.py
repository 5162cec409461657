from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import city
from .models import District


class SignupForm(forms.Form):
    """Extra registration fields, with the privacy notice of Ley 29733 (asked last)."""

    field_order = [
        "email",
        "password1",
        "password2",
        "display_name",
        "district",
        "accept_privacy",
    ]

    display_name = forms.CharField(
        label=_("Nombre para mostrar"),
        max_length=80,
        required=False,
        help_text=_("Opcional. Solo se muestra si activa su perfil público."),
    )
    district = forms.ModelChoiceField(
        label=city.lazy_format(_("%(unit)s donde vive"), unit="territory.unit_label"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("Prefiero no decirlo"),
    )
    accept_privacy = forms.BooleanField(
        label=_(
            "He leído la política de privacidad y acepto el tratamiento de mis datos personales."
        ),
        required=True,
        error_messages={
            "required": _("Debe aceptar la política de privacidad para registrarse.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_privacy"].help_text = format_html(
            '{} <a href="{}">{}</a>',
            _(
                "Responsable de sus datos: %(municipality)s, que los trata para gestionar "
                "su cuenta y sus aportes conforme a %(law)s. Puede verlos, corregirlos, "
                "descargarlos o eliminar su cuenta cuando quiera."
            )
            % {
                "municipality": settings.OPENLIMA["MUNICIPALITY_NAME"],
                "law": city.text("legal.data_protection_law"),
            },
            reverse("privacy"),
            _("Lea la política de privacidad."),
        )

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.district = self.cleaned_data.get("district")
        user.privacy_accepted_at = timezone.now()
        user.save(update_fields=["display_name", "district", "privacy_accepted_at"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Nombre para mostrar"), max_length=80, required=False
    )
    district = forms.ModelChoiceField(
        label=city.lazy_format(_("%(unit)s"), unit="territory.unit_label"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("Prefiero no decirlo"),
    )
    public_profile = forms.BooleanField(
        label=_("Mostrar mi nombre junto a mis aportes"),
        required=False,
        help_text=city.public_profile_help(),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Escriba ELIMINAR para confirmar"),
        max_length=20,
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().upper()
        if value not in ("ELIMINAR", "DELETE"):
            raise forms.ValidationError(_("Escriba ELIMINAR para confirmar."))
        return value
