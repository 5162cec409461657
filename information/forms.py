from django import forms
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.selectors import org_unit_list

from .models import Channel, DeliveryForm
from .selectors import rules


class RequestForm(forms.Form):
    title = forms.CharField(label=_("Asunto"), max_length=200)
    text = forms.CharField(
        label=_("Información que solicita"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describa con precisión la información (documento, periodo, tema). No incluya "
            "datos personales aquí: este texto será público."
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Unidad que posee la información"),
        queryset=org_unit_list(),
        required=False,
        empty_label=_("No lo sé: que la asigne el funcionario responsable"),
    )
    delivery_form = forms.ChoiceField(
        label=_("Forma de entrega"),
        choices=DeliveryForm.choices,
        widget=forms.RadioSelect,
        initial=DeliveryForm.EMAIL,
    )
    requester_name = forms.CharField(label=_("Nombres y apellidos"), max_length=200)
    document_type = forms.ChoiceField(
        label=_("Tipo de documento de identidad"),
        choices=rules.document_type_choices,
    )
    document_number = forms.CharField(label=_("Número de documento"), max_length=20)
    address = forms.CharField(label=_("Domicilio"), max_length=300, required=False)
    contact_email = forms.EmailField(
        label=_("Correo electrónico para notificaciones"), required=False
    )
    show_anonymous = forms.BooleanField(
        label=_("Mostrarme como «Solicitante anónimo» en la página pública"),
        required=False,
        initial=True,
    )
    accept_cost = forms.BooleanField(
        label=_("He leído la regla del costo de reproducción"), required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_unit_list()


class RegisterForm(RequestForm):
    """The officer registers a request received on paper or by e-mail: the requester's
    identity as written on it, the channel and the reception date."""

    channel = forms.ChoiceField(
        label=_("Recibida"),
        choices=[
            (Channel.PAPER, Channel.PAPER.label),
            (Channel.EMAIL, Channel.EMAIL.label),
        ],
        widget=forms.RadioSelect,
        initial=Channel.PAPER,
    )
    received_on = forms.DateField(
        label=_("Fecha de recepción"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("El plazo legal se cuenta desde este día."),
    )
    field_order = ["channel", "received_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["accept_cost"]
        self.fields["show_anonymous"].label = _(
            "Mostrar al solicitante como «Solicitante anónimo» en la página pública"
        )
        self.fields["text"].help_text = _(
            "Transcriba el pedido sin datos personales: este texto será público."
        )
        self.order_fields(self.field_order)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Mensaje"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Archivo adjunto (opcional)"),
        required=False,
        help_text=_(
            "PDF, Word, Excel, ODF, CSV, JSON, JPEG o PNG, hasta 10 MB. Solo lo verán usted "
            "y quienes tramitan la solicitud."
        ),
    )


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unidad"), queryset=org_unit_list())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_unit_list()


class ExtendForm(forms.Form):
    new_due_on = forms.DateField(
        label=_("Nueva fecha de entrega"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Motivo (por qué no puede atenderse en el plazo)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer_text = forms.CharField(
        label=_("Respuesta"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class DenyForm(forms.Form):
    partial = forms.TypedChoiceField(
        label=_("Alcance"),
        choices=[("0", _("Denegatoria total")), ("1", _("Denegatoria parcial"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    exception = forms.ChoiceField(
        label=_("Excepción legal"), choices=rules.exception_choices
    )
    reasoning = forms.CharField(
        label=_("Fundamento"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    answer_text = forms.CharField(
        label=_("Información que sí se entrega (denegatoria parcial)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeliverForm(forms.Form):
    cost = forms.DecimalField(
        label=city.lazy_format(
            _("Costo de reproducción cobrado (%(symbol)s)"), symbol="currency.symbol"
        ),
        min_value=0,
        max_value=99999,
        max_digits=8,
        decimal_places=2,
        initial=0,
    )
    note = forms.CharField(label=_("Nota de entrega"), max_length=300, required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Título del documento"), max_length=200)
    file = forms.FileField(label=_("Archivo (PDF, Word, Excel, CSV…)"))


class PublicTextForm(forms.Form):
    """The published version of the question (the requester's words stay private)."""

    public_title = forms.CharField(label=_("Asunto publicado"), max_length=200)
    public_text = forms.CharField(
        label=_("Texto publicado"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Quite nombres, documentos, direcciones y otros datos personales. El texto "
            "original queda reservado."
        ),
    )


class RedactForm(forms.Form):
    file = forms.FileField(label=_("Versión sin datos personales"), required=False)
    same_as_original = forms.BooleanField(
        label=_("El original no contiene datos personales: publicarlo tal cual"),
        required=False,
    )


class PromoteForm(forms.Form):
    title = forms.CharField(label=_("Título del conjunto de datos"), max_length=200)
    description = forms.CharField(
        label=_("Descripción"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
