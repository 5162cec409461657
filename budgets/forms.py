from django import forms
from django.utils.translation import gettext_lazy as _

from openlima.selectors import district_list


class ResidentVerificationForm(forms.Form):
    dni = forms.CharField(
        label=_("DNI con su carácter de verificación"),
        max_length=12,
        help_text=_(
            "Los 8 dígitos y el número o letra que aparece después del guion, por ejemplo 12345678-9. Solo guardamos una huella cifrada, nunca el número."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    district = forms.ModelChoiceField(
        label=_("Distrito de residencia"), queryset=district_list()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = district_list()


class ProjectProposalForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    description = forms.CharField(
        label=_("Descripción"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    location = forms.CharField(label=_("Ubicación"), max_length=200, required=False)
    image = forms.FileField(
        label=_("Imagen (opcional)"),
        required=False,
        help_text=_("JPEG, PNG o WebP de hasta 5 MB; quitamos los metadatos (GPS)."),
    )
    image_alt = forms.CharField(
        label=_("Descripción de la imagen"), max_length=200, required=False
    )
