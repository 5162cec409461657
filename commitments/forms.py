from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MilestoneStatus, OgpValue


class PlanFilterForm(forms.Form):
    ogp_value = forms.ChoiceField(
        label=_("Valor OGP"),
        required=False,
        choices=[("", _("Todos"))] + list(OgpValue.choices),
    )
    unit = forms.ChoiceField(label=_("Unidad responsable"), required=False)
    status = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos"))] + list(MilestoneStatus.choices),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Todas"))] + [
            (u.slug, u.name) for u in units
        ]


class EmailFollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Su correo electrónico"),
        max_length=254,
        help_text=_(
            "Le enviaremos un enlace para confirmar. Puede darse de baja cuando quiera."
        ),
    )


class MarkCompletedForm(forms.Form):
    completed_on = forms.DateField(
        label=_("Fecha de cumplimiento"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Nota pública"), required=False, max_length=2000, widget=forms.Textarea
    )


class MarkDelayedForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del retraso"), max_length=2000, widget=forms.Textarea
    )
