"""Contracting processes, their suppliers, parties and red flags (docs/contracting.md)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import AmountField

from .common import (
    AMOUNT_FIELD,
    SUPPLIER_ID_MAX_LENGTH,
    Category,
    Method,
    Stage,
    SupplierIdField,
    validate_supplier_id,
)


class Supplier(models.Model):
    """An organisation that bid for or won a contract, identified by its tax number in the
    city profile's scheme (legal.supplier_id: PE-RUC in Lima, BO-NIT in La Paz). The
    column keeps its first name, `ruc`."""

    ruc = SupplierIdField(
        max_length=SUPPLIER_ID_MAX_LENGTH,
        unique=True,
        validators=[validate_supplier_id],
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
        from openlima import city

        return f"{city.supplier_scheme()}-{self.ruc}"


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
    # Summary of the compiled release (written by services.process_compile only); the
    # compiled release itself is in its own table (CompiledRelease, `compiled` below) so
    # that lists and counts read slim rows (docs/contracting.md, "Scale").
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
            # tender_cancelled included: the list's "open calls" count is an index-only
            # scan (docs/contracting.md, "Scale").
            models.Index(
                fields=["is_published", "stage", "tender_end"],
                include=["tender_cancelled"],
                name="ctr_stage_idx",
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
    def compiled(self) -> dict:
        """The compiled release (empty before the first compilation). Querysets that
        read it for many processes select_related("compiled_release")."""
        try:
            return self.compiled_release.data
        except ObjectDoesNotExist:
            return {}

    @property
    def is_open_for_bids(self) -> bool:
        return (
            self.stage == Stage.TENDER
            and not self.tender_cancelled
            and self.tender_end is not None
            and self.tender_end > timezone.now()
        )


class ProcessParty(models.Model):
    """A supplier's part in a process (tenderer or winner), from the compiled release."""

    class Role(models.TextChoices):
        TENDERER = "tenderer", _("Postor")
        SUPPLIER = "supplier", _("Ganador")

    process = models.ForeignKey(
        ContractingProcess,
        on_delete=models.CASCADE,
        related_name="parties",
        db_index=False,
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
        ContractingProcess,
        on_delete=models.CASCADE,
        related_name="red_flags",
        db_index=False,
    )
    code = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="ctr_flag_unique")
        ]
        indexes = [models.Index(fields=["code", "process"], name="ctr_flag_code")]

    def __str__(self):
        return self.code
