from django import forms
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.models import District, OrgUnit

from .flags import FLAGS
from .models import Category, InfrastructureProject, Method, Stage


def _no_nul(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError(_("El texto contiene caracteres no válidos."))
    return value


class ProcessFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200)
    stage = forms.ChoiceField(
        label=_("Etapa"), required=False, choices=[("", _("Todas"))] + Stage.choices
    )
    district = forms.ModelChoiceField(
        label=city.lazy_format(_("%(unit)s"), unit="territory.unit_label"),
        required=False,
        queryset=District.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Todos"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unidad"),
        required=False,
        queryset=OrgUnit.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        empty_label=_("Todas"),
    )
    method = forms.ChoiceField(
        label=_("Procedimiento"),
        required=False,
        choices=[("", _("Todos"))] + Method.choices,
    )
    category = forms.ChoiceField(
        label=_("Categoría"),
        required=False,
        choices=[("", _("Todas"))] + Category.choices,
    )
    amount_min = forms.DecimalField(
        label=city.lazy_format(_("Monto desde (%(symbol)s)"), symbol="currency.symbol"),
        required=False,
        min_value=0,
        max_value=10**13,
        decimal_places=2,
    )
    amount_max = forms.DecimalField(
        label=city.lazy_format(_("Monto hasta (%(symbol)s)"), symbol="currency.symbol"),
        required=False,
        min_value=0,
        max_value=10**13,
        decimal_places=2,
    )
    supplier = forms.CharField(
        label=city.lazy_format(
            _("Proveedor (%(label)s o nombre)"), label="legal.supplier_id.label"
        ),
        required=False,
        max_length=200,
    )
    date_from = forms.DateField(
        label=_("Publicado desde"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Publicado hasta"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    flag = forms.ChoiceField(
        label=_("Señal de alerta"),
        required=False,
        choices=[("", _("Cualquiera o ninguna"))]
        + [(code, info.title) for code, info in FLAGS.items()],
    )

    def clean_q(self):
        return _no_nul(self.cleaned_data["q"]).strip()

    def clean_supplier(self):
        return _no_nul(self.cleaned_data["supplier"]).strip()


class ProjectFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=city.lazy_format(_("%(unit)s"), unit="territory.unit_label"),
        required=False,
        queryset=District.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Todos"),
    )
    status = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos"))] + InfrastructureProject.Status.choices,
    )
