"""Public works and procurement as Open Contracting data (docs/contracting.md).

Staff edit a process in ordinary tables (tender, bids, awards, contracts, ...). Every save
writes an immutable OCDS `Release` built from those tables; the process's compiled release
(`compiled`) is merged from all its releases with ocdsmerge and the bundled schema, and the
public pages, the red flags and the API all read that compiled release. Imported processes
(`manage.py import_ocds`) have releases only: their compiled release is the same kind of
data, so they show and filter like the others.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import AmountField, HttpsURLField

RUC_VALIDATOR = RegexValidator(
    r"^(10|15|17|20)\d{9}$", _("El RUC tiene 11 dígitos y empieza por 10, 15, 17 o 20.")
)
AMOUNT_FIELD = {
    "max_digits": 16,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planificación")
    TENDER = "tender", _("Convocatoria")
    AWARD = "award", _("Adjudicación")
    CONTRACT = "contract", _("Contrato")
    IMPLEMENTATION = "implementation", _("Ejecución")


class Method(models.TextChoices):
    """OCDS `method` codelist (closed)."""

    OPEN = "open", _("Abierto (licitación o concurso público)")
    SELECTIVE = "selective", _("Selectivo")
    LIMITED = "limited", _("Limitado")
    DIRECT = "direct", _("Contratación directa")


class Category(models.TextChoices):
    """OCDS `procurementCategory` codelist (closed)."""

    GOODS = "goods", _("Bienes")
    WORKS = "works", _("Obras")
    SERVICES = "services", _("Servicios")


class Supplier(models.Model):
    """An organisation that bid for or won a contract, identified by its RUC (PE-RUC)."""

    ruc = models.CharField(
        _("RUC"), max_length=11, unique=True, validators=[RUC_VALIDATOR]
    )
    name = models.CharField(_("razón social"), max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name = _("proveedor")
        verbose_name_plural = _("proveedores")

    def __str__(self):
        return f"{self.name} ({self.ruc})"

    def get_absolute_url(self):
        return reverse("contracting:supplier", args=[self.ruc])

    @property
    def party_id(self) -> str:
        return f"PE-RUC-{self.ruc}"


class ContractingProcess(models.Model):
    class Source(models.TextChoices):
        LOCAL = "local", _("Registrado en el portal")
        IMPORT = "import", _("Importado (OCDS)")

    ocid = models.CharField(_("OCID"), max_length=128, unique=True)
    source = models.CharField(
        _("origen"), max_length=10, choices=Source.choices, default=Source.LOCAL
    )
    title = models.CharField(_("título"), max_length=300)
    description = models.TextField(_("descripción"), max_length=5000, blank=True)
    buyer_unit = models.ForeignKey(
        "openlima.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracting_processes",
        verbose_name=_("unidad compradora"),
    )
    district = models.ForeignKey(
        "openlima.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracting_processes",
        verbose_name=_("distrito"),
    )
    project = models.ForeignKey(
        "InfrastructureProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="processes",
        verbose_name=_("obra"),
    )
    commitment_id = models.PositiveIntegerField(
        _("compromiso del plan"), null=True, blank=True
    )
    # Planning
    budget_amount = AmountField(_("presupuesto (S/)"), **AMOUNT_FIELD)
    budget_rationale = models.TextField(_("justificación"), max_length=4000, blank=True)
    # Tender (empty until the call is published)
    method = models.CharField(
        _("procedimiento"), max_length=12, choices=Method.choices, blank=True
    )
    category = models.CharField(
        _("categoría"), max_length=10, choices=Category.choices, blank=True
    )
    tender_amount = AmountField(_("valor estimado (S/)"), **AMOUNT_FIELD)
    tender_start = models.DateTimeField(
        _("inicio de presentación de ofertas"), null=True, blank=True
    )
    tender_end = models.DateTimeField(
        _("cierre de presentación de ofertas"), null=True, blank=True
    )
    enquiry_end = models.DateTimeField(_("cierre de consultas"), null=True, blank=True)
    tender_cancelled = models.BooleanField(_("convocatoria cancelada"), default=False)
    # Publication
    publish_at = models.DateTimeField(_("publicar el"), null=True, blank=True)
    is_published = models.BooleanField(_("publicado"), default=False)
    # When it first became public, however (a save, publish_at, an import): followers are
    # e-mailed on this transition, once (docs/contracting.md, "Follows").
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    # Summary of the compiled release (written by services.process_compile only).
    compiled = models.JSONField(_("release compilado"), default=dict, blank=True)
    stage = models.CharField(
        _("etapa"), max_length=16, choices=Stage.choices, default=Stage.PLANNING
    )
    value_awarded = AmountField(_("adjudicado (S/)"), **AMOUNT_FIELD)
    value_contracted = AmountField(_("contratado (S/)"), **AMOUNT_FIELD)
    value_paid = AmountField(_("pagado (S/)"), **AMOUNT_FIELD)
    value_max = AmountField(_("monto mayor (S/)"), **AMOUNT_FIELD)
    last_release_at = models.DateTimeField(
        _("última publicación"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_release_at", "-id"]
        verbose_name = _("proceso de contratación")
        verbose_name_plural = _("procesos de contratación")
        indexes = [
            models.Index(
                fields=["is_published", "stage", "tender_end"], name="ctr_stage_idx"
            ),
            models.Index(
                fields=["is_published", "-last_release_at", "-id"],
                name="ctr_recent_idx",
            ),
            models.Index(fields=["published_at"], name="ctr_published_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("contracting:process", args=[self.ocid])

    @property
    def is_open_for_bids(self) -> bool:
        return (
            self.stage == Stage.TENDER
            and not self.tender_cancelled
            and self.tender_end is not None
            and self.tender_end > timezone.now()
        )


class Bid(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Válida")
        DISQUALIFIED = "disqualified", _("Descalificada")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="bids"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, verbose_name=_("postor")
    )
    amount = AmountField(_("monto ofertado (S/)"), **AMOUNT_FIELD)
    submitted_at = models.DateTimeField(_("presentada el"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=14, choices=Status.choices, default=Status.VALID
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("oferta")
        verbose_name_plural = _("ofertas")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "supplier"], name="ctr_one_bid_per_supplier"
            )
        ]

    def __str__(self):
        return str(self.supplier)


class Award(models.Model):
    class Status(models.TextChoices):
        """OCDS `awardStatus` codelist."""

        PENDING = "pending", _("Pendiente")
        ACTIVE = "active", _("Vigente")
        CANCELLED = "cancelled", _("Cancelada")
        UNSUCCESSFUL = "unsuccessful", _("Desierta")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="awards"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, verbose_name=_("ganador")
    )
    amount = AmountField(_("monto adjudicado (S/)"), **AMOUNT_FIELD)
    date = models.DateTimeField(_("fecha de la buena pro"), default=timezone.now)
    status = models.CharField(
        _("estado"), max_length=14, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("adjudicación")
        verbose_name_plural = _("adjudicaciones")

    def __str__(self):
        return f"{self.supplier} — {self.amount}"


class Contract(models.Model):
    class Status(models.TextChoices):
        """OCDS `contractStatus` codelist."""

        PENDING = "pending", _("Pendiente")
        ACTIVE = "active", _("Vigente")
        CANCELLED = "cancelled", _("Cancelado")
        TERMINATED = "terminated", _("Terminado")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="contracts"
    )
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="contracts")
    amount = AmountField(_("monto contratado (S/)"), **AMOUNT_FIELD)
    signed_on = models.DateField(_("firmado el"), null=True, blank=True)
    start_on = models.DateField(_("inicio del plazo"), null=True, blank=True)
    end_on = models.DateField(_("fin del plazo"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("contrato")
        verbose_name_plural = _("contratos")

    def __str__(self):
        return f"{self.process.ocid}-c{self.pk}"


class Amendment(models.Model):
    """A change to a signed contract (adicional, ampliación): amount after the change."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments"
    )
    date = models.DateField(_("fecha"))
    rationale = models.CharField(_("motivo"), max_length=1000)
    new_amount = AmountField(_("monto del contrato después (S/)"), **AMOUNT_FIELD)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("modificación del contrato")
        verbose_name_plural = _("modificaciones del contrato")

    def __str__(self):
        return self.rationale[:60]


class ImplementationMilestone(models.Model):
    class Status(models.TextChoices):
        """OCDS `milestoneStatus` codelist."""

        SCHEDULED = "scheduled", _("Programado")
        MET = "met", _("Cumplido")
        NOT_MET = "notMet", _("No cumplido")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("título"), max_length=300)
    due_on = models.DateField(_("fecha prevista"))
    met_on = models.DateField(_("fecha de cumplimiento"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("hito de ejecución")
        verbose_name_plural = _("hitos de ejecución")

    def __str__(self):
        return self.title


class Payment(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="payments"
    )
    date = models.DateField(_("fecha"))
    amount = AmountField(_("monto pagado (S/)"), **AMOUNT_FIELD)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")

    def __str__(self):
        return f"{self.date} {self.amount}"


class Document(models.Model):
    class Section(models.TextChoices):
        PLANNING = "planning", _("Planificación")
        TENDER = "tender", _("Convocatoria")
        AWARD = "award", _("Adjudicación")
        CONTRACT = "contract", _("Contrato")

    class Type(models.TextChoices):
        """A subset of the OCDS `documentType` codelist."""

        PROCUREMENT_PLAN = "procurementPlan", _("Plan de contrataciones")
        TENDER_NOTICE = "tenderNotice", _("Bases / convocatoria")
        TECHNICAL = "technicalSpecifications", _("Especificaciones técnicas")
        EVALUATION = "evaluationReports", _("Acta de evaluación")
        AWARD_NOTICE = "awardNotice", _("Buena pro")
        CONTRACT_SIGNED = "contractSigned", _("Contrato firmado")
        PHYSICAL_PROGRESS = "physicalProgressReport", _("Informe de avance físico")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="documents"
    )
    section = models.CharField(_("etapa"), max_length=10, choices=Section.choices)
    document_type = models.CharField(_("tipo"), max_length=30, choices=Type.choices)
    title = models.CharField(_("título"), max_length=300)
    # An external link, or an upload checked by openlima/uploads.py (docs/contracting.md,
    # "Documents and photos"): exactly one of the two.
    url = HttpsURLField(_("dirección (https)"), max_length=500, blank=True)
    file = models.FileField(
        _("archivo"), upload_to="contracting/documents/", max_length=200, blank=True
    )
    media_type = models.CharField(max_length=100, blank=True, editable=False)
    published_on = models.DateField(_("publicado el"), default=timezone.localdate)

    class Meta:
        ordering = ["published_on", "id"]
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")

    def __str__(self):
        return self.title

    @property
    def file_name(self) -> str:
        """The stored file's own name: part of its public URL, new on each upload."""
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    def clean(self):
        if bool(self.url) == bool(self.file):
            raise ValidationError(
                _("Indique una dirección o suba un archivo (uno de los dos).")
            )


class Release(models.Model):
    """One immutable OCDS release: written once by services, never updated."""

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="releases"
    )
    ocid = models.CharField(max_length=128)
    release_id = models.CharField(max_length=255)
    date = models.DateTimeField(db_index=True)
    tag = models.JSONField(default=list)
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("release OCDS")
        verbose_name_plural = _("releases OCDS")
        constraints = [
            models.UniqueConstraint(
                fields=["ocid", "release_id"], name="ctr_release_unique"
            )
        ]
        indexes = [models.Index(fields=["date", "id"], name="ctr_release_keyset")]

    def __str__(self):
        return f"{self.ocid} {self.release_id}"


class ProcessParty(models.Model):
    """A supplier's part in a process (tenderer or winner), from the compiled release."""

    class Role(models.TextChoices):
        TENDERER = "tenderer", _("Postor")
        SUPPLIER = "supplier", _("Ganador")

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="parties"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="process_parties"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    # The winner's share of the process's active awards: an award to several suppliers
    # is divided equally (docs/contracting.md, "Suppliers' totals"). None for tenderers.
    awarded_amount = models.DecimalField(**AMOUNT_FIELD)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["process", "supplier", "role"], name="ctr_party_unique"
            )
        ]

    def __str__(self):
        return f"{self.supplier_id} {self.role} {self.process_id}"


class RedFlag(models.Model):
    """A red flag computed from the compiled release (contracting/flags.py)."""

    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, related_name="red_flags"
    )
    code = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="ctr_flag_unique")
        ]
        indexes = [models.Index(fields=["code", "process"], name="ctr_flag_code")]

    def __str__(self):
        return self.code


class InfrastructureProject(models.Model):
    """An OC4IDS project: a public work and the processes that build it."""

    class Status(models.TextChoices):
        """OC4IDS `projectStatus` codelist (the phases shown here)."""

        IDENTIFICATION = "identification", _("Identificación")
        PREPARATION = "preparation", _("Preparación")
        IMPLEMENTATION = "implementation", _("En ejecución")
        COMPLETION = "completion", _("Concluida")
        CANCELLED = "cancelled", _("Cancelada")

    slug = models.SlugField(_("identificador"), max_length=120, unique=True)
    title = models.CharField(_("título"), max_length=300)
    description = models.TextField(_("descripción"), max_length=5000)
    district = models.ForeignKey(
        "openlima.District",
        on_delete=models.PROTECT,
        related_name="infrastructure_projects",
        verbose_name=_("distrito"),
    )
    unit = models.ForeignKey(
        "openlima.OrgUnit",
        on_delete=models.PROTECT,
        related_name="infrastructure_projects",
        verbose_name=_("unidad responsable"),
    )
    status = models.CharField(
        _("estado"),
        max_length=16,
        choices=Status.choices,
        default=Status.IDENTIFICATION,
    )
    sector = models.CharField(
        _("sector (OC4IDS projectSector)"), max_length=40, default="transport.road"
    )
    budget_amount = AmountField(_("presupuesto (S/)"), **AMOUNT_FIELD)
    cost_amount = AmountField(_("costo a la fecha (S/)"), **AMOUNT_FIELD)
    progress = models.PositiveSmallIntegerField(
        _("avance físico (%)"),
        default=0,
        validators=[MinValueValidator(0)],
    )
    start_on = models.DateField(_("inicio previsto"), null=True, blank=True)
    end_on = models.DateField(_("fin previsto"), null=True, blank=True)
    completed_on = models.DateField(_("concluida el"), null=True, blank=True)
    commitment_milestone_id = models.PositiveIntegerField(
        _("hito de compromiso (id)"), null=True, blank=True
    )
    proposal_id = models.PositiveIntegerField(
        _("propuesta de Lima Activa (id)"), null=True, blank=True
    )
    publish_at = models.DateTimeField(_("publicar el"), null=True, blank=True)
    is_published = models.BooleanField(_("publicado"), default=False)
    is_demo = models.BooleanField(_("dato de demostración"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("obra (proyecto de infraestructura)")
        verbose_name_plural = _("obras (proyectos de infraestructura)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="ctr_progress_max_100"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("contracting:project", args=[self.slug])


class ProgressReport(models.Model):
    """A dated report of a work's physical progress (with an optional photo link)."""

    project = models.ForeignKey(
        InfrastructureProject, on_delete=models.CASCADE, related_name="reports"
    )
    date = models.DateField(_("fecha"))
    progress = models.PositiveSmallIntegerField(_("avance físico (%)"))
    note = models.CharField(_("nota"), max_length=1000, blank=True)
    photo_url = HttpsURLField(_("foto (https)"), max_length=500, blank=True)
    # An uploaded photo, re-encoded without EXIF (docs/contracting.md): used before
    # photo_url when both are given.
    photo = models.FileField(
        _("foto (archivo)"), upload_to="contracting/photos/", max_length=200, blank=True
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("informe de avance")
        verbose_name_plural = _("informes de avance")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="ctr_report_progress_max"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.progress}%"

    @property
    def photo_name(self) -> str:
        return self.photo.name.rsplit("/", 1)[-1] if self.photo else ""


class Follow(models.Model):
    """An e-mail subscription to new processes matching a search (query string)."""

    user = models.ForeignKey(
        "openlima.User", on_delete=models.CASCADE, related_name="contracting_follows"
    )
    query = models.CharField(max_length=500)
    label = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    last_notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="ctr_follow_unique")
        ]

    def __str__(self):
        return self.label


class BulkFile(models.Model):
    """The current stored copy of a nightly bulk file (services/bulk.py): the catalogue
    dataset holds it as a resource (docs/contracting.md, "Bulk files")."""

    name = models.CharField(max_length=50, unique=True)  # releases.json, …
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=20)
    media_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    modified_at = models.DateTimeField()
    processes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
