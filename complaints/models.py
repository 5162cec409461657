"""Lima Honesta. Content lives only in `sealed_*` binary fields (see crypto.py); what is
stored in clear is workflow metadata (stage, dates, channel, priority) needed for the
unit's queue and the public aggregates."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openlima import city


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Correo electrónico")
    PHONE = "phone", _("Teléfono")


class Stage(models.TextChoices):
    RECEIVED = "received", _("Recibida")
    EVALUATION = "evaluation", _("En evaluación")
    INVESTIGATION = "investigation", _("En investigación")
    REFERRED = "referred", _("Derivada")
    PROSECUTOR_DECISION = "prosecutor_decision", _("Decisión fiscal")
    TRIAL = "trial", _("Juicio")
    RULING = "ruling", _("Dictamen")
    ARCHIVED = "archived", _("Archivada")


# The reporter's timeline (Archivada is shown only when it happens).
STAGE_PATH = [
    Stage.RECEIVED,
    Stage.EVALUATION,
    Stage.INVESTIGATION,
    Stage.REFERRED,
    Stage.PROSECUTOR_DECISION,
    Stage.TRIAL,
    Stage.RULING,
]
TRANSITIONS = {
    Stage.RECEIVED: {Stage.EVALUATION, Stage.ARCHIVED},
    Stage.EVALUATION: {Stage.INVESTIGATION, Stage.ARCHIVED},
    Stage.INVESTIGATION: {Stage.REFERRED, Stage.ARCHIVED},
    Stage.REFERRED: {Stage.PROSECUTOR_DECISION, Stage.ARCHIVED},
    Stage.PROSECUTOR_DECISION: {Stage.TRIAL, Stage.ARCHIVED},
    Stage.TRIAL: {Stage.RULING},
    Stage.RULING: set(),
    Stage.ARCHIVED: set(),
}
CLOSED_STAGES = {Stage.RULING, Stage.ARCHIVED}
# Cases the unit has dealt with: referred to the authorities, decided or archived.
ATTENDED_STAGES = {
    Stage.REFERRED,
    Stage.PROSECUTOR_DECISION,
    Stage.TRIAL,
    Stage.RULING,
    Stage.ARCHIVED,
}
# While in these stages the response deadline runs.
RESPONSE_STAGES = {Stage.RECEIVED, Stage.EVALUATION, Stage.INVESTIGATION}


class Destination(models.TextChoices):
    """Where a case is referred. The codes are fixed; the labels are Lima's unless the city
    profile's legal.complaint_destinations names the bodies (docs/city-profile.md)."""

    PROSECUTOR = (
        "fiscalia",
        city.lazy_text(
            "legal.complaint_destinations.fiscalia", _("Fiscalía (Ministerio Público)")
        ),
    )
    PROCURADURIA = (
        "procuraduria",
        city.lazy_text(
            "legal.complaint_destinations.procuraduria",
            _("Procuraduría Pública Anticorrupción"),
        ),
    )
    COMPTROLLER = (
        "contraloria",
        city.lazy_text(
            "legal.complaint_destinations.contraloria",
            _("Contraloría General de la República"),
        ),
    )
    DISCIPLINARY = (
        "disciplinaria",
        city.lazy_text(
            "legal.complaint_destinations.disciplinaria",
            _("Secretaría Técnica de Procedimientos Disciplinarios"),
        ),
    )


def destination_choices():
    """The destinations with the city profile's names, read when shown: a callable, so
    that a profile's labels never enter migrations (docs/city-profile.md)."""
    return Destination.choices


class ArchiveReason(models.TextChoices):
    UNFOUNDED = "unfounded", _("Sin fundamento")
    INSUFFICIENT = "insufficient", _("Información insuficiente")
    DUPLICATE = "duplicate", _("Duplicada")
    OUT_OF_SCOPE = "out_of_scope", _("Fuera de competencia")
    WITHDRAWN = "withdrawn", _("Desistimiento")


class Priority(models.IntegerChoices):
    LOW = 1, _("Baja")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("Alta")
    URGENT = 4, _("Urgente")


class Category(models.Model):
    """Kind of irregularity (configuration, no complaint content)."""

    name = models.CharField(_("nombre"), max_length=120, unique=True)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("categoría de irregularidad")
        verbose_name_plural = _("categorías de irregularidad")

    def __str__(self):
        return self.name


class Complaint(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices)
    stage = models.CharField(
        max_length=24, choices=Stage.choices, default=Stage.RECEIVED
    )
    destination = models.CharField(
        max_length=20, choices=destination_choices, blank=True
    )
    archive_reason = models.CharField(
        max_length=20, choices=ArchiveReason.choices, blank=True
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL
    )
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    stage_changed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    ack_due_at = models.DateTimeField()
    response_due_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # Tracking code: only argon2id output (first half) and its salt/parameters.
    code_index = models.CharField(max_length=8, db_index=True)
    code_salt = models.BinaryField(max_length=32)
    code_verifier = models.BinaryField(max_length=32)
    code_params = models.JSONField(default=dict)
    code_must_change = models.BooleanField(default=False)
    # The complaint key encrypted under the key derived from the code.
    reporter_grant = models.BinaryField(max_length=128)
    # JSON of the intake form, encrypted with the complaint key.
    sealed_body = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_5",
            )
        ]

    def __str__(self):
        # Never content: this string reaches the audit log.
        return f"Denuncia #{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES


class MemberKey(models.Model):
    """An integrity member's key pair; the private half encrypted under their password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    public_key = models.BinaryField(max_length=32)
    encrypted_private_key = models.BinaryField(max_length=128)
    kdf_salt = models.BinaryField(max_length=32)
    kdf_params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # New complaints are sealed only to approved keys: approval comes from an existing
    # member (the grant flow), so an administrator who gives themselves the role does not
    # start receiving cases. The very first key of an installation is approved by itself.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("llave de miembro")
        verbose_name_plural = _("llaves de miembros")

    def __str__(self):
        return f"Llave de miembro {self.user_id}"


class RecoveryKey(models.Model):
    """Public half of the escrow key pair (the private half is kept offline)."""

    public_key = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("llave de recuperación")
        verbose_name_plural = _("llaves de recuperación")

    def __str__(self):
        return f"Llave de recuperación {self.pk}"


class KeyGrant(models.Model):
    """The complaint key sealed to one member (or to the recovery key when member is null)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="grants", db_index=False
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sealed_key = models.BinaryField(max_length=128)
    # crypto.fingerprint() of the public key the case key is sealed to. A member whose key
    # was re-created keeps the old grants (unusable until re-granted, never deleted); a
    # re-grant or a recovery-key rotation replaces them (docs/threat-model.md).
    key_fingerprint = models.CharField(max_length=16, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acceso a un caso")
        verbose_name_plural = _("accesos a casos")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "member"], name="complaint_grant_unique"
            )
        ]

    def __str__(self):
        return f"Acceso {self.pk}"


class Entry(models.Model):
    """One event of a case: stage change, message either way, internal note, added info."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("Cambio de etapa")
        TO_REPORTER = "to_reporter", _("Mensaje a la persona denunciante")
        FROM_REPORTER = "from_reporter", _("Mensaje de la persona denunciante")
        NOTE = "note", _("Nota interna")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage_from = models.CharField(max_length=24, blank=True)
    stage_to = models.CharField(max_length=24, blank=True)
    is_public = models.BooleanField(default=False)
    sealed_text = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Movimiento {self.pk}"


class Attachment(models.Model):
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments"
    )
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    from_reporter = models.BooleanField(default=True)
    # Random name of the encrypted blob in PRIVATE_STORAGE_ROOT/complaints/.
    blob = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # {"name": ..., "mime": ..., "size": ...} encrypted with the complaint key.
    sealed_meta = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Adjunto {self.pk}"


# --- Inter-institutional tracker (docs/complaints-tracker.md) ------------------------------


class PartnerKind(models.TextChoices):
    PROSECUTOR = "fiscalia", _("Fiscalía (Ministerio Público)")
    JUDICIARY = "poder_judicial", _("Poder Judicial")
    POLICE = "policia", _("Policía Nacional del Perú")
    COMPTROLLER = "contraloria", _("Contraloría General de la República")
    PROCURADURIA = "procuraduria", _("Procuraduría Pública Anticorrupción")


class PartnerInstitution(models.Model):
    """An institution that receives referred cases and reports their progress through
    the API with HMAC-signed requests. The secret is shown once; it is stored encrypted
    under a server key (HMAC verification needs it), never in clear."""

    kind = models.CharField(
        _("institución"), max_length=20, choices=PartnerKind.choices
    )
    name = models.CharField(_("nombre"), max_length=200)
    key_id = models.CharField(max_length=32, unique=True)
    encrypted_secret = models.BinaryField(max_length=128)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReferralStage(models.TextChoices):
    OPENED = "investigacion_fiscal", _("Investigación fiscal abierta")
    DECISION = "decision_fiscal", _("Decisión fiscal")
    TRIAL = "juicio", _("Juicio")
    RULING = "dictamen", _("Dictamen")
    ARCHIVED = "archivo", _("Archivo")


# Which stage an institution may report after which (None: the first event).
REFERRAL_TRANSITIONS = {
    None: {ReferralStage.OPENED, ReferralStage.ARCHIVED},
    ReferralStage.OPENED: {ReferralStage.DECISION, ReferralStage.ARCHIVED},
    ReferralStage.DECISION: {ReferralStage.TRIAL, ReferralStage.ARCHIVED},
    ReferralStage.TRIAL: {ReferralStage.RULING},
    ReferralStage.RULING: set(),
    ReferralStage.ARCHIVED: set(),
}


class Referral(models.Model):
    """A case referred to a partner institution, known to it only by `reference`.

    Public notes the institution sends are sealed on arrival to `public_key`; the private
    half is encrypted with the complaint key, so the unit and the reporter read them and a
    database dump does not."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="referrals"
    )
    institution = models.ForeignKey(
        PartnerInstitution, on_delete=models.PROTECT, related_name="referrals"
    )
    reference = models.CharField(max_length=32, unique=True)
    public_key = models.BinaryField(max_length=32)
    sealed_private_key = models.BinaryField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Derivación {self.reference}"


class ReferralEvent(models.Model):
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    institution_event_id = models.CharField(max_length=64)
    stage = models.CharField(max_length=24, choices=ReferralStage.choices)
    occurred_on = models.DateField()
    sealed_note = models.BinaryField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "received_at", "id"]
        verbose_name = _("novedad de una derivación")
        verbose_name_plural = _("novedades de derivaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "institution_event_id"],
                name="referral_event_idempotent",
            )
        ]

    def __str__(self):
        return f"Novedad {self.pk}"


class UsedProof(models.Model):
    """A proof against automated filing (an ALTCHA solution, a text question) that was
    already spent. Kept in the database, not the cache: intake must keep refusing replays
    and keep accepting new proofs while Redis is down, and every web node sees the same
    list (docs/operations.md, "Faults"). Holds only a digest, nothing about the reporter;
    rows are deleted once the proof would have expired anyway."""

    key = models.CharField(max_length=100, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key
