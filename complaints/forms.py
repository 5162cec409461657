from django import forms
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.selectors import district_list, org_unit_list

from .models import (
    ArchiveReason,
    Category,
    Channel,
    Destination,
    PartnerKind,
    Priority,
    Stage,
)
from .services import MAX_TEXT, integrity_members
from .uploads import max_attachment_bytes, max_attachments


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _attachments_help():
    return _(
        "Hasta %(count)s archivos de hasta %(mb)s MB cada uno: PDF, imágenes (JPG, PNG, "
        "WebP, GIF), documentos de oficina (Word, Excel, PowerPoint, OpenDocument) o "
        "audio (MP3, OGG, WAV, M4A, FLAC). A las imágenes se les quitan los metadatos "
        "(ubicación GPS, cámara, fecha) antes de guardarlas."
    ) % {"count": max_attachments(), "mb": max_attachment_bytes() // (1024 * 1024)}


class ComplaintForm(forms.Form):
    what = forms.CharField(
        label=_("¿Qué ocurrió?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Describa los hechos con el mayor detalle posible."),
    )
    unit = forms.ChoiceField(label=_("¿En qué unidad municipal?"), required=False)
    district = forms.ChoiceField(
        label=city.lazy_format(_("¿En qué %(unit)s?"), unit="territory.unit_label"),
        required=False,
    )
    when = forms.CharField(
        label=_("¿Cuándo ocurrió?"),
        max_length=200,
        required=False,
        help_text=_("Una fecha o un periodo aproximado."),
    )
    who = forms.CharField(
        label=_("¿Quiénes participaron?"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nombres, cargos o cualquier dato que ayude a identificarlos."),
    )
    amount = forms.CharField(
        label=_("Montos involucrados, si los hay"), max_length=200, required=False
    )
    contact = forms.CharField(
        label=_("Forma de contacto (opcional)"),
        max_length=300,
        required=False,
        help_text=_(
            "Solo si desea que la unidad pueda contactarle fuera de esta plataforma. "
            "Se guarda cifrado y solo lo lee la Unidad de Integridad. Puede dejarlo vacío "
            "y seguir su caso con el código."
        ),
    )
    attachments = MultipleFileField(label=_("Archivos adjuntos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unknown = [("", _("No sé / prefiero no decirlo"))]
        self.fields["unit"].choices = unknown + [
            (u.name, u.name) for u in org_unit_list()
        ]
        self.fields["district"].choices = unknown + [
            (d.name, d.name) for d in district_list()
        ]
        self.fields["attachments"].help_text = _attachments_help()

    def body(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "attachments"}


class RegisterForm(ComplaintForm):
    channel = forms.ChoiceField(
        label=_("Canal"),
        choices=[
            (Channel.EMAIL, Channel.EMAIL.label),
            (Channel.PHONE, Channel.PHONE.label),
        ],
    )
    field_order = ["channel"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código de seguimiento"),
        max_length=40,
        help_text=_("Los 16 dígitos que recibió, con o sin guiones."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Su mensaje o información adicional"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(label=_("Archivos adjuntos"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("¿Cómo valora esta plataforma?"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = muy mala, 5 = muy buena."),
    )


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Nueva etapa"))
    destination = forms.ChoiceField(
        label=_("Derivada a (si corresponde)"),
        required=False,
        choices=[("", "—")] + list(Destination.choices),
    )
    archive_reason = forms.ChoiceField(
        label=_("Motivo del archivo (si corresponde)"),
        required=False,
        choices=[("", "—")] + list(ArchiveReason.choices),
    )
    note = forms.CharField(
        label=_("Nota de la transición"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_public = forms.BooleanField(
        label=_("Mostrar la nota a la persona denunciante"), required=False
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, Stage(s).label) for s in allowed]


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Texto"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class HandlingForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Asignada a"), required=False)
    category = forms.ChoiceField(label=_("Categoría de irregularidad"), required=False)
    priority = forms.TypedChoiceField(
        label=_("Prioridad"), choices=Priority.choices, coerce=int
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Sin asignar"))] + [
            (str(u.pk), u.display_name or u.email) for u in integrity_members()
        ]
        self.fields["category"].choices = [("", _("Sin categoría"))] + [
            (str(c.pk), c.name) for c in Category.objects.filter(is_active=True)
        ]


class FilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Etapa"),
        required=False,
        choices=[("", _("Todas"))] + list(Stage.choices),
    )
    channel = forms.ChoiceField(
        label=_("Canal"),
        required=False,
        choices=[("", _("Todos"))] + list(Channel.choices),
    )
    priority = forms.ChoiceField(
        label=_("Prioridad"),
        required=False,
        choices=[("", _("Todas"))] + [(str(v), label) for v, label in Priority.choices],
    )
    assignee = forms.ChoiceField(label=_("Asignación"), required=False)
    deadline = forms.ChoiceField(
        label=_("Plazo"),
        required=False,
        choices=[
            ("", _("Todos")),
            ("open", _("Abiertos")),
            ("overdue", _("Vencidos")),
            ("closed", _("Cerrados")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Todas")),
            ("me", _("Asignadas a mí")),
            ("none", _("Sin asignar")),
        ] + [(str(u.pk), u.display_name or u.email) for u in integrity_members()]


class UnlockForm(forms.Form):
    password = forms.CharField(
        label=_("Su contraseña"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class GrantForm(forms.Form):
    grantee = forms.IntegerField(widget=forms.HiddenInput)


class ReferForm(forms.Form):
    institution = forms.TypedChoiceField(label=_("Institución"), coerce=int, choices=())

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(p.pk, p.name) for p in partners]


class PartnerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Institución"), choices=PartnerKind.choices)
    name = forms.CharField(
        label=_("Nombre que verá la persona denunciante"),
        max_length=200,
        required=False,
        help_text=_("Por ejemplo: Fiscalía Provincial Anticorrupción de Lima."),
    )
