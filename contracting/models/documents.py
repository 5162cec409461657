"""Documents of a process: an external link or a checked upload (docs/contracting.md)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima.fields import HttpsURLField

from .processes import ContractingProcess


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
