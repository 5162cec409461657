"""Access-to-information requests under Ley 27806 (TUO, DS 021-2019-JUS): the request, its
private requester identity, messages and documents (docs/information-requests.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.models import OrgUnit


class State(models.TextChoices):
    RECEIVED = "received", _("Recibida")
    ASSIGNED = "assigned", _("Asignada a una unidad")
    EXTENDED = "extended", _("Plazo prorrogado")
    ANSWERED = "answered", _("Respondida")
    PARTIALLY_DENIED = "partially_denied", _("Denegada en parte")
    DENIED = "denied", _("Denegada")
    DELIVERED = "delivered", _("Entregada")
    OVERDUE = "overdue", _("Vencida sin respuesta")


OPEN_STATES = [State.RECEIVED, State.ASSIGNED, State.EXTENDED, State.OVERDUE]
ANSWERED_STATES = [
    State.ANSWERED,
    State.PARTIALLY_DENIED,
    State.DENIED,
    State.DELIVERED,
]


class Channel(models.TextChoices):
    """How the request reached the city: filed online, or registered by the officer from
    paper or an e-mail (docs/information-requests.md)."""

    ONLINE = "online", _("En línea")
    PAPER = "paper", _("En papel (mesa de partes)")
    EMAIL = "email", _("Por correo electrónico")


class DeliveryForm(models.TextChoices):
    EMAIL = "email", _("Correo electrónico (gratuito)")
    COPY = "copy", _("Copia simple (costo de reproducción)")
    PICKUP = "pickup", _("Recojo en la entidad (costo de reproducción, si lo hay)")


class DocumentType(models.TextChoices):
    DNI = "dni", _("DNI")
    CE = "ce", _("Carné de extranjería")
    PASSPORT = "passport", _("Pasaporte")
    RUC = "ruc", _("RUC")
    OTHER = "other", _("Otro documento")


class LegalException(models.TextChoices):
    """Legal exceptions of the TUO of Ley 27806 (arts. 13, 15, 16 and 17)."""

    SECRET = "secret", _("Información secreta (art. 15)")
    RESERVED = "reserved", _("Información reservada (art. 16)")
    DELIBERATIVE = (
        "deliberative",
        _("Confidencial: consejos, recomendaciones u opiniones previas (art. 17.1)"),
    )
    BANKING_TAX = (
        "banking_tax",
        _(
            "Confidencial: secreto bancario, tributario, comercial o industrial (art. 17.2)"
        ),
    )
    SANCTION = (
        "sanction",
        _(
            "Confidencial: procedimiento administrativo sancionador en curso (art. 17.3)"
        ),
    )
    LEGAL_ADVICE = (
        "legal_advice",
        _("Confidencial: preparada por abogados para una defensa (art. 17.4)"),
    )
    PERSONAL_DATA = (
        "personal_data",
        _("Confidencial: datos personales e intimidad personal y familiar (art. 17.5)"),
    )
    OTHER_LAW = "other_law", _("Confidencial: otra establecida por ley (art. 17.6)")
    NOT_HELD = (
        "not_held",
        _("La entidad no posee la información ni está obligada a tenerla (art. 13)"),
    )


class InformationRequest(models.Model):
    """One request. Title and text are public; the requester's identity never is."""

    number = models.CharField(_("número"), max_length=20, unique=True, blank=True)
    title = models.CharField(_("asunto"), max_length=200)
    text = models.TextField(_("información solicitada"), max_length=5000)
    # What the public sees of the question: a copy of title and text made at filing, which
    # the officer may edit to take personal data out (docs/information-requests.md,
    # "Redacting the request text"). Public pages, the API and search read only these;
    # title and text stay the requester's words, private once redacted.
    public_title = models.CharField(_("asunto publicado"), max_length=200, blank=True)
    public_text = models.TextField(
        _("información solicitada (versión publicada)"), max_length=5000, blank=True
    )
    text_redacted_at = models.DateTimeField(
        _("texto editado para publicar el"), null=True, blank=True
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitante"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="information_requests",
    )
    channel = models.CharField(
        _("canal de recepción"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.ONLINE,
    )
    # The law's identification of the requester (TUO art. 10 / DS 007-2024-JUS): private.
    requester_name = models.CharField(_("nombre completo"), max_length=200)
    # Codes of the city profile's information.document_types (Lima: DocumentType); no
    # choices on the field so that a profile's labels never enter migrations.
    document_type = models.CharField(_("tipo de documento"), max_length=10)
    document_number = models.CharField(_("número de documento"), max_length=20)
    address = models.CharField(_("domicilio"), max_length=300, blank=True)
    contact_email = models.EmailField(_("correo de contacto"), blank=True)
    show_anonymous = models.BooleanField(
        _("mostrarme como solicitante anónimo"), default=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unidad que posee la información"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery_form = models.CharField(
        _("forma de entrega"), max_length=10, choices=DeliveryForm.choices
    )
    state = models.CharField(
        _("estado"),
        max_length=20,
        choices=State.choices,
        default=State.RECEIVED,
    )
    received_at = models.DateTimeField(_("recibida el"), default=timezone.now)
    due_on = models.DateField(_("vence el"))
    extended_due_on = models.DateField(_("nuevo plazo"), null=True, blank=True)
    extension_reason = models.TextField(_("motivo de la prórroga"), blank=True)
    extended_at = models.DateTimeField(
        _("prórroga comunicada el"), null=True, blank=True
    )
    assigned_at = models.DateTimeField(_("asignada el"), null=True, blank=True)
    answer_text = models.TextField(_("respuesta"), blank=True)
    answered_at = models.DateTimeField(_("respondida el"), null=True, blank=True)
    answered_by_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unidad que respondió"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Codes of the profile's information.exceptions (Lima: LegalException).
    denial_exception = models.CharField(_("excepción legal"), max_length=20, blank=True)
    denial_reasoning = models.TextField(_("fundamento de la denegatoria"), blank=True)
    delivered_at = models.DateTimeField(_("entregada el"), null=True, blank=True)
    cost = models.DecimalField(
        _("costo de reproducción"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    delivery_note = models.CharField(_("nota de entrega"), max_length=300, blank=True)
    overdue_at = models.DateTimeField(_("vencida el"), null=True, blank=True)
    # Reminder keys already sent ("before:<date>", "overdue"), so each goes out once.
    reminders_sent = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("solicitud de acceso a la información")
        verbose_name_plural = _("solicitudes de acceso a la información")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="information_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(extended_due_on__isnull=True)
                | Q(extended_due_on__gt=models.F("due_on")),
                name="information_extension_after_due",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("information:detail", args=[self.number])

    @property
    def effective_due_on(self):
        return self.extended_due_on or self.due_on

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        """Open and past its (possibly extended) deadline, even if the nightly job has
        not marked it yet."""
        from openlima.calendar import local_date

        if self.state == State.OVERDUE:
            return True
        return self.is_open and local_date(timezone.now()) > self.effective_due_on

    @property
    def document_type_label(self) -> str:
        from .selectors.rules import document_type_label

        return document_type_label(self.document_type)

    @property
    def denial_exception_label(self) -> str:
        from .selectors.rules import exception_label

        return exception_label(self.denial_exception)

    @property
    def is_denial(self) -> bool:
        return self.state in (State.DENIED, State.PARTIALLY_DENIED) or bool(
            self.denial_exception
        )


class Message(models.Model):
    """Correspondence between the requester and the city (private to both)."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_city = models.BooleanField(default=False)
    body = models.TextField(_("mensaje"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    # One attached file, private like the message: stored under a random name in private
    # storage, downloaded only by the requester and whoever works on the request.
    attachment_name = models.CharField(max_length=80, blank=True)
    attachment_filename = models.CharField(max_length=200, blank=True)
    attachment_media_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("mensaje")
        verbose_name_plural = _("mensajes")

    def __str__(self):
        return f"{self.request_id}: {self.body[:40]}"


class Document(models.Model):
    """A file of the answer: the original stays private; the redacted copy is published."""

    request = models.ForeignKey(
        InformationRequest, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("título"), max_length=200)
    original_name = models.CharField(max_length=120)
    original_filename = models.CharField(max_length=150)
    original_media_type = models.CharField(max_length=100)
    original_size = models.PositiveIntegerField()
    redacted_name = models.CharField(max_length=120, blank=True)
    redacted_filename = models.CharField(max_length=150, blank=True)
    redacted_media_type = models.CharField(max_length=100, blank=True)
    redacted_size = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    redacted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    dataset_url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(redacted_name=""),
                name="information_published_document_is_redacted",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return bool(self.published_at and self.redacted_name)
