from django import forms
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.selectors import district_list

from .identity import identity_help_text, identity_label


class ResidentVerificationForm(forms.Form):
    # Label and help text from the city profile's identity document (budgets/identity.py).
    dni = forms.CharField(
        label=identity_label(),
        max_length=16,
        help_text=identity_help_text(),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    district = forms.ModelChoiceField(
        label=city.lazy_format(
            _("%(unit)s de residencia"), unit="territory.unit_label"
        ),
        queryset=district_list(),
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
