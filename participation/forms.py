from django import forms
from django.utils.translation import gettext_lazy as _

from openlima.models import District

from .models import Level, NotificationSettings, Proposal, Topic


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Título"), min_length=5, max_length=150)
    summary = forms.CharField(
        label=_("Resumen"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Una o dos frases; se muestra en las listas."),
    )
    body = forms.CharField(
        label=_("Descripción"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Texto simple o Markdown básico: **negrita**, *cursiva*, listas y enlaces."
        ),
    )
    topic = forms.ChoiceField(label=_("Tema"), choices=Topic.choices)
    district = forms.ModelChoiceField(
        label=_("Distrito"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("Toda la ciudad"),
    )
    image = forms.FileField(
        label=_("Imagen (opcional)"),
        required=False,
        help_text=_("JPEG, PNG o WebP de hasta 5 MB. Quitamos sus metadatos."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )
    image_alt = forms.CharField(
        label=_("Descripción de la imagen"), max_length=200, required=False
    )


class ProposalEditForm(ProposalForm):
    image = None
    image_alt = None


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del retiro"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Respuesta"), choices=Proposal.Outcome.choices)
    answer = forms.CharField(
        label=_("Motivos"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    commitment_id = forms.TypedChoiceField(
        label=_("Compromiso vinculado"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
    )

    def __init__(self, *args, commitment_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment_id"].choices = [("", _("Sin vincular"))] + [
            (str(k), v) for k, v in commitment_choices
        ]


class ModerationForm(forms.Form):
    reason = forms.CharField(label=_("Motivo (se publica)"), max_length=300)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Su comentario"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Prioridad"), choices=Level.choices, widget=forms.RadioSelect
    )
    contribution = forms.CharField(
        label=_("Aporte o mejora (opcional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SessionCloseForm(forms.Form):
    minutes = forms.CharField(
        label=_("Acta"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    attendance_count = forms.IntegerField(label=_("Asistencia"), min_value=0)
    proposals = forms.CharField(
        label=_("Propuestas surgidas (números separados por comas)"),
        required=False,
        max_length=500,
    )

    def clean_proposals(self):
        raw = self.cleaned_data["proposals"]
        ids = []
        for part in raw.replace(" ", "").split(","):
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("Usa solo números separados por comas."))
            ids.append(int(part))
        return ids


class NotificationSettingsForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Avisos por correo"),
        choices=NotificationSettings.Frequency.choices,
        widget=forms.RadioSelect,
    )
    follow_own_proposals = forms.BooleanField(
        label=_("Seguir automáticamente mis propuestas"), required=False
    )
