"""Lima Activa: proposals and supports, threaded comments with moderation, weighted
consultations, participation sessions, follows and notifications."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import HttpsURLField


class Topic(models.TextChoices):
    GOBIERNO_DIGITAL = "gobierno-digital", _("Gobierno digital")
    TRANSPARENCIA = "transparencia", _("Transparencia y anticorrupción")
    PARTICIPACION = "participacion", _("Participación y espacio cívico")
    EDUCACION = "educacion", _("Educación cívica")
    MOVILIDAD = "movilidad", _("Movilidad y transporte")
    AMBIENTE = "ambiente", _("Ambiente y espacios públicos")
    SEGURIDAD = "seguridad", _("Seguridad ciudadana")
    ECONOMIA = "economia", _("Economía y emprendimiento")
    CULTURA = "cultura", _("Cultura y deporte")
    OTROS = "otros", _("Otros")


class Proposal(models.Model):
    """A citizen proposal: supported, evaluated at a threshold, answered by a unit."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Recogiendo apoyos")
        EVALUATION = "evaluation", _("En evaluación")
        ANSWERED = "answered", _("Respondida")
        ARCHIVED = "archived", _("Archivada")
        WITHDRAWN = "withdrawn", _("Retirada")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Aceptada")
        PARTIAL = "partial", _("Aceptada en parte")
        NOT_VIABLE = "not_viable", _("No viable")
        PLANNED = "planned", _("Ya planificada")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autor/a"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals",
    )
    title = models.CharField(_("título"), max_length=150)
    summary = models.CharField(_("resumen"), max_length=300)
    body = models.TextField(_("descripción"), max_length=10000)
    body_html = models.TextField(_("descripción (HTML saneado)"), blank=True)
    topic = models.CharField(
        _("tema"), max_length=30, choices=Topic.choices, default=Topic.OTROS
    )
    district = models.ForeignKey(
        "openlima.District",
        verbose_name=_("distrito"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vacío: toda la ciudad."),
    )
    image = models.ImageField(
        _("imagen"), upload_to="participation/proposals/", blank=True
    )
    image_alt = models.CharField(
        _("descripción de la imagen"), max_length=200, blank=True
    )
    status = models.CharField(
        _("estado"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    support_count = models.PositiveIntegerField(_("apoyos"), default=0)
    comment_count = models.PositiveIntegerField(_("comentarios"), default=0)
    published_at = models.DateTimeField(_("publicada el"), default=timezone.now)
    support_ends_at = models.DateTimeField(_("apoyos hasta"))
    threshold_reached_at = models.DateTimeField(
        _("umbral alcanzado el"), null=True, blank=True
    )
    assigned_unit = models.ForeignKey(
        "openlima.OrgUnit",
        verbose_name=_("unidad asignada"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("respuesta"), max_length=20, choices=Outcome.choices, blank=True
    )
    answer = models.TextField(_("motivos de la respuesta"), blank=True)
    answered_at = models.DateTimeField(_("respondida el"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondida por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment_id = models.PositiveIntegerField(
        _("compromiso vinculado (id)"), null=True, blank=True
    )
    withdrawn_reason = models.CharField(
        _("motivo del retiro"), max_length=500, blank=True
    )
    is_hidden = models.BooleanField(_("oculta por moderación"), default=False)
    hidden_reason = models.CharField(
        _("motivo de moderación"), max_length=300, blank=True
    )
    updated_at = models.DateTimeField(_("actualizada el"), auto_now=True)
    # PostgreSQL only: Spanish, unaccented tsvector kept by services (GIN index in 0002).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("propuesta")
        verbose_name_plural = _("propuestas")
        indexes = [
            # keyset pagination: newest (-id) and most supported (-support_count, -id),
            # each also within a status, district or topic filter.
            models.Index(fields=["status", "-id"], name="prop_status_id"),
            models.Index(
                fields=["status", "-support_count", "-id"], name="prop_status_sup"
            ),
            models.Index(fields=["-support_count", "-id"], name="prop_sup"),
            models.Index(fields=["district", "-id"], name="prop_district_id"),
            models.Index(
                fields=["district", "-support_count", "-id"], name="prop_district_sup"
            ),
            models.Index(fields=["topic", "-id"], name="prop_topic_id"),
            models.Index(
                fields=["topic", "-support_count", "-id"], name="prop_topic_sup"
            ),
            models.Index(fields=["author", "-id"], name="prop_author_id"),
            models.Index(fields=["status", "support_ends_at"], name="prop_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(outcome=""),
                name="prop_answered_has_outcome",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def image_filename(self) -> str:
        """The stored image's own name: part of its URL, so replacing it changes the URL."""
        return self.image.name.rsplit("/", 1)[-1] if self.image else ""

    @property
    def is_open_for_support(self) -> bool:
        return (
            self.status in (self.Status.PUBLISHED, self.Status.EVALUATION)
            and not self.is_hidden
            and self.support_ends_at > timezone.now()
        )


class Support(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("apoyo")
        verbose_name_plural = _("apoyos")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="support_one_per_user"
            )
        ]
        indexes = [models.Index(fields=["user", "-id"], name="support_user_id")]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}"


class Comment(models.Model):
    """A comment on any registered target (``target_type`` is a label such as
    ``participation.proposal`` or ``commitments.commitment``)."""

    MAX_DEPTH = 2  # 0, 1, 2 → three levels

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Oculto por moderación")
        REVIEW = "review", _("Oculto para revisión")

    target_type = models.CharField(_("tipo de objeto"), max_length=60)
    target_id = models.PositiveBigIntegerField(_("id del objeto"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("responde a"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    root_id = models.PositiveBigIntegerField(_("hilo"), null=True, blank=True)
    depth = models.PositiveSmallIntegerField(_("nivel"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autor/a"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("comentario"), max_length=3000)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    hidden_reason = models.CharField(
        _("motivo de moderación"), max_length=300, blank=True
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("comentario")
        verbose_name_plural = _("comentarios")
        indexes = [
            models.Index(
                fields=["target_type", "target_id", "depth", "id"],
                name="comment_target",
            ),
            models.Index(fields=["root_id", "id"], name="comment_root"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_max")
        ]

    def __str__(self):
        return f"{self.target_type}:{self.target_id} #{self.pk}"


class CommentVote(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.SmallIntegerField(choices=[(1, "+1"), (-1, "-1")])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="comment_vote_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.value:+d} → {self.comment_id}"


class CommentFlag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"], name="comment_flag_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} ⚑ {self.comment_id}"


class ModerationAction(models.Model):
    """Public moderation log: what was hidden or restored, when and why (never content)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Ocultado")
        AUTO_HIDE = "auto_hide", _("Ocultado automáticamente para revisión")
        RESTORE = "restore", _("Restablecido")

    created_at = models.DateTimeField(_("fecha"), default=timezone.now)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("acción"), max_length=20, choices=Action.choices)
    target_kind = models.CharField(_("tipo"), max_length=20)  # comment | proposal
    target_id = models.PositiveBigIntegerField()
    context_label = models.CharField(_("dónde"), max_length=200, blank=True)
    context_url = models.CharField(max_length=300, blank=True)
    reason = models.CharField(_("motivo"), max_length=300)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("acción de moderación")
        verbose_name_plural = _("registro de moderación")

    def __str__(self):
        return f"{self.action} {self.target_kind}#{self.target_id}"


class Consultation(models.Model):
    """A weighted consultation: each participant rates each option on a published scale."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        SCHEDULED = "scheduled", _("Programada")
        OPEN = "open", _("Abierta")
        CLOSED = "closed", _("Cerrada")

    class Cut(models.TextChoices):
        TOP_SHARE = "top_share", _("Las opciones del tramo superior del ranking")
        SCORE_SHARE = "score_share", _("Puntaje de al menos una fracción del máximo")

    title = models.CharField(_("título"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    question = models.CharField(_("pregunta"), max_length=300)
    contribution_question = models.CharField(
        _("pregunta de aportes"), max_length=300, blank=True
    )
    description = models.TextField(_("descripción"), blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("abre el"))
    closes_at = models.DateTimeField(_("cierra el"))
    weight_high = models.PositiveSmallIntegerField(_("peso muy prioritario"), default=3)
    weight_medium = models.PositiveSmallIntegerField(_("peso prioritario"), default=2)
    weight_low = models.PositiveSmallIntegerField(_("peso poco prioritario"), default=1)
    cut_kind = models.CharField(
        _("regla de corte"), max_length=20, choices=Cut.choices, default=Cut.TOP_SHARE
    )
    cut_fraction = models.DecimalField(
        _("fracción del corte"),
        max_digits=4,
        decimal_places=3,
        default="0.100",
        help_text=_("0,1 = décimo superior."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("consulta")
        verbose_name_plural = _("consultas")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(cut_fraction__gt=0) & Q(cut_fraction__lte=1),
                name="consultation_cut_fraction_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def weights(self) -> dict[str, int]:
        return {
            Level.HIGH: self.weight_high,
            Level.MEDIUM: self.weight_medium,
            Level.LOW: self.weight_low,
        }

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class Level(models.TextChoices):
    HIGH = "high", _("Muy prioritario")
    MEDIUM = "medium", _("Prioritario")
    LOW = "low", _("Poco prioritario")


class ConsultationOption(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="options"
    )
    title = models.CharField(_("opción"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    commitment_id = models.PositiveIntegerField(
        _("compromiso (id)"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("opción")
        verbose_name_plural = _("opciones")

    def __str__(self):
        return self.title


class ConsultationRating(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="ratings"
    )
    option = models.ForeignKey(
        ConsultationOption, on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("prioridad"), max_length=10, choices=Level.choices)
    contribution = models.TextField(_("aporte"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calificación")
        verbose_name_plural = _("calificaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "user"], name="rating_one_per_option_user"
            )
        ]
        indexes = [
            models.Index(fields=["consultation", "user"], name="rating_cons_user")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.option_id} = {self.level}"


class Session(models.Model):
    """A participation session (Lima Activa física y digitalmente)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Presencial")
        ONLINE = "online", _("Virtual")
        HYBRID = "hybrid", _("Híbrida")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Programada")
        CANCELLED = "cancelled", _("Cancelada")
        CLOSED = "closed", _("Realizada")

    title = models.CharField(_("título"), max_length=200)
    agenda = models.TextField(_("agenda"))
    mode = models.CharField(_("modalidad"), max_length=10, choices=Mode.choices)
    district = models.ForeignKey(
        "openlima.District",
        verbose_name=_("distrito"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("dirección"), max_length=300, blank=True)
    online_url = HttpsURLField(_("enlace de conexión"), blank=True)
    starts_at = models.DateTimeField(_("inicio"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveIntegerField(_("aforo"))
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    registered_count = models.PositiveIntegerField(_("inscritos"), default=0)
    minutes = models.TextField(_("acta"), blank=True)
    attendance_count = models.PositiveIntegerField(_("asistencia"), default=0)
    proposals = models.ManyToManyField(
        Proposal,
        verbose_name=_("propuestas surgidas"),
        blank=True,
        related_name="sessions",
    )
    organiser_unit = models.ForeignKey(
        "openlima.OrgUnit",
        verbose_name=_("unidad organizadora"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("sesión de participación")
        verbose_name_plural = _("sesiones de participación")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_cap"),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.registered_count)


class SessionRegistration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmada")
        WAITLISTED = "waitlisted", _("En lista de espera")
        CANCELLED = "cancelled", _("Cancelada")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="registration_one_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.session_id} ({self.status})"


class Follow(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Propuesta")
        CONSULTATION = "consultation", _("Consulta")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "target_id"], name="follow_one_per_user"
            )
        ]
        indexes = [models.Index(fields=["kind", "target_id"], name="follow_target")]

    def __str__(self):
        return f"{self.user_id} → {self.kind}:{self.target_id}"


class NotificationSettings(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("En cuanto ocurra")
        DAILY = "daily", _("Un resumen diario")
        NEVER = "never", _("Nunca")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participation_notifications",
    )
    frequency = models.CharField(
        _("avisos por correo"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    follow_own_proposals = models.BooleanField(
        _("seguir automáticamente mis propuestas"), default=True
    )
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.user_id}: {self.frequency}"


class Notification(models.Model):
    """A notice waiting for the next e-mail (immediately or in the daily digest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=400)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "user"], name="notif_pending")]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"
