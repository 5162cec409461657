"""Proposals, their topics and supports."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.indexes import SearchGinIndex


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
        db_index=False,
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
        db_index=False,
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


class ProposalSearchDocument(models.Model):
    """A proposal's stored search vector (PostgreSQL; Spanish, unaccented, title A,
    summary B, body C), kept by `services.proposal_search_index`.

    In a table of its own, not on the proposal's row (docs/performance.md, "Ninth
    session"): every support updates that row, and an update PostgreSQL cannot make in
    place adds an entry to every index of the table, which for a GIN index is one entry
    per word of the proposal. Here the vector is rewritten only when the text changes."""

    proposal = models.OneToOneField(
        Proposal,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
        verbose_name=_("propuesta"),
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("texto de búsqueda de una propuesta")
        verbose_name_plural = _("textos de búsqueda de las propuestas")
        indexes = [
            # Full-text search (GIN on PostgreSQL, a plain index elsewhere).
            SearchGinIndex(fields=["search_vector"], name="prop_doc_search_gin"),
        ]

    def __str__(self):
        return str(self.proposal_id)


class Support(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
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
