"""The open data catalogue (datasets, resources and their versions, counters) and the
transparency sections of Peru's Portal de Transparencia Estándar."""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.fields import HttpsURLField
from openlima.indexes import SearchGinIndex
from openlima.models import District, OrgUnit


class License(models.TextChoices):
    CC_BY_4 = "cc-by-4.0", "Creative Commons Atribución 4.0 (CC BY 4.0)"
    CC_BY_SA_4 = "cc-by-sa-4.0", "Creative Commons Atribución-CompartirIgual 4.0"
    CC0 = "cc-zero", "Creative Commons CC0 1.0 (dominio público)"
    ODC_BY = "odc-by", "Open Data Commons Attribution License (ODC-By)"
    ODBL = "odc-odbl", "Open Data Commons Open Database License (ODbL)"


LICENSE_URLS = {
    License.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    License.CC_BY_SA_4: "https://creativecommons.org/licenses/by-sa/4.0/",
    License.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    License.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    License.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
}

# Our licences under the ids of CKAN's default licence register (what harvesting
# portals map; docs/opendata-api.md) and CKAN's titles for them.
CKAN_LICENSES: dict[str, tuple[str, str]] = {
    License.CC_BY_4: ("cc-by", "Creative Commons Attribution"),
    License.CC_BY_SA_4: ("cc-by-sa", "Creative Commons Attribution Share-Alike"),
    License.CC0: ("cc-zero", "Creative Commons CCZero"),
    License.ODC_BY: ("odc-by", "Open Data Commons Attribution License"),
    License.ODBL: ("odc-odbl", "Open Data Commons Open Database License (ODbL)"),
}
LICENSE_FROM_CKAN = {ckan_id: ours for ours, (ckan_id, _t) in CKAN_LICENSES.items()}


class Frequency(models.TextChoices):
    """Codes of the EU Publications Office frequency vocabulary (used in DCAT-AP)."""

    CONTINUOUS = "CONT", _("Continua")
    DAILY = "DAILY", _("Diaria")
    WEEKLY = "WEEKLY", _("Semanal")
    MONTHLY = "MONTHLY", _("Mensual")
    QUARTERLY = "QUARTERLY", _("Trimestral")
    ANNUAL = "ANNUAL", _("Anual")
    IRREGULAR = "IRREG", _("Irregular")
    NEVER = "NEVER", _("No se actualiza")


class VectorDeferredManager(models.Manager):
    """Never load the stored search vector (a wide column no page shows) unless asked."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class Topic(models.Model):
    """A theme of the catalogue (a CKAN group, a DCAT theme)."""

    name = models.CharField(_("nombre"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("descripción"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tema")
        verbose_name_plural = _("temas")

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(_("nombre"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("etiqueta")
        verbose_name_plural = _("etiquetas")

    def __str__(self):
        return self.name


class Dataset(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        SCHEDULED = "scheduled", _("Programado")
        PUBLISHED = "published", _("Publicado")
        WITHDRAWN = "withdrawn", _("Retirado")

    uuid = models.UUIDField(_("identificador"), default=uuid.uuid4, unique=True)
    title = models.CharField(_("título"), max_length=200)
    slug = models.SlugField(_("nombre corto (URL)"), max_length=100, unique=True)
    description = models.TextField(_("descripción"))
    publisher = models.ForeignKey(
        OrgUnit,
        verbose_name=_("publicador"),
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("temas"), blank=True, related_name="datasets"
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("etiquetas"), blank=True, related_name="datasets"
    )
    license = models.CharField(
        _("licencia"), max_length=20, choices=License.choices, default=License.CC_BY_4
    )
    frequency = models.CharField(
        _("frecuencia de actualización"),
        max_length=12,
        choices=Frequency.choices,
        default=Frequency.IRREGULAR,
    )
    temporal_start = models.DateField(
        _("cobertura temporal: desde"), null=True, blank=True
    )
    temporal_end = models.DateField(
        _("cobertura temporal: hasta"), null=True, blank=True
    )
    districts = models.ManyToManyField(
        District,
        verbose_name=_("cobertura espacial (distritos)"),
        blank=True,
        related_name="+",
        help_text=_("Vacío: toda Lima Metropolitana."),
    )
    contact_name = models.CharField(_("punto de contacto"), max_length=200, blank=True)
    contact_email = models.EmailField(_("correo de contacto"), blank=True)
    state = models.CharField(
        _("estado"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    publish_at = models.DateTimeField(_("publicar el"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicado el"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("motivo del retiro"), blank=True)
    source = models.CharField(
        _("origen automático"),
        max_length=100,
        blank=True,
        help_text=_("Datos de la propia plataforma regenerados cada noche."),
    )
    created_at = models.DateTimeField(_("creado el"), default=timezone.now)
    modified_at = models.DateTimeField(
        _("modificado el"), default=timezone.now, db_index=True
    )
    # Spanish, unaccented: title (A), description and tags (B); kept up to date by the
    # services (opendata.search.dataset_search_index), GIN-indexed on PostgreSQL.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = VectorDeferredManager()

    class Meta:
        ordering = ["-modified_at", "-id"]
        verbose_name = _("conjunto de datos")
        verbose_name_plural = _("conjuntos de datos")
        indexes = [
            models.Index(fields=["state", "-modified_at"]),
            # Full-text search (GIN on PostgreSQL; migrations 0002 and 0003).
            SearchGinIndex(
                fields=["search_vector"], name="opendata_dataset_search_gin"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | ~Q(withdrawn_reason=""),
                name="opendata_withdrawn_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(publish_at__isnull=False),
                name="opendata_scheduled_needs_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("opendata:dataset", kwargs={"slug": self.slug})

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.state == self.State.WITHDRAWN and not self.withdrawn_reason.strip():
            errors["withdrawn_reason"] = _("Indique el motivo del retiro.")
        if self.state == self.State.SCHEDULED and not self.publish_at:
            errors["publish_at"] = _("Indique la fecha de publicación.")
        if (
            self.temporal_start
            and self.temporal_end
            and self.temporal_end < self.temporal_start
        ):
            errors["temporal_end"] = _("El fin no puede ser anterior al inicio.")
        if errors:
            raise ValidationError(errors)

    @property
    def license_url(self):
        return LICENSE_URLS.get(self.license, "")


class Resource(models.Model):
    """A distribution of a dataset: an uploaded file (versioned) or an external URL."""

    uuid = models.UUIDField(_("identificador"), default=uuid.uuid4, unique=True)
    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("conjunto de datos"),
        on_delete=models.CASCADE,
        related_name="resources",
    )
    name = models.CharField(_("nombre"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    external_url = HttpsURLField(_("URL externa"), max_length=500, blank=True)
    format = models.CharField(_("formato"), max_length=20, blank=True)
    media_type = models.CharField(_("tipo de medio"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    position = models.PositiveIntegerField(_("orden"), default=0)
    source_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("creado el"), default=timezone.now)
    modified_at = models.DateTimeField(_("modificado el"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("recurso")
        verbose_name_plural = _("recursos")
        # CKAN's `res_format:` filter and the catalogue's format facet (iexact).
        indexes = [models.Index(Upper("format"), name="opendata_res_format_upper")]

    def __str__(self):
        return self.name


def resource_upload_path(instance, filename):
    return (
        f"opendata/{instance.resource.dataset.uuid}/{instance.resource.uuid}/"
        f"v{instance.number}/{filename}"
    )


class ResourceVersion(models.Model):
    """One uploaded file of a resource; older versions stay downloadable."""

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("recurso"),
        on_delete=models.CASCADE,
        related_name="versions",
        db_index=False,
    )
    number = models.PositiveIntegerField(_("versión"))
    file = models.FileField(
        _("archivo"), upload_to=resource_upload_path, max_length=300
    )
    filename = models.CharField(_("nombre de archivo"), max_length=200)
    format = models.CharField(_("formato"), max_length=20)
    media_type = models.CharField(_("tipo de medio"), max_length=100)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    preview = models.JSONField(_("vista previa"), default=dict, blank=True)
    created_at = models.DateTimeField(_("creado el"), default=timezone.now)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("versión de recurso")
        verbose_name_plural = _("versiones de recursos")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "number"], name="opendata_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.resource} v{self.number}"


class DatasetDailyStat(models.Model):
    """Views and downloads of a dataset on one day: counts only, never who."""

    page_cache_unwatched = True  # counters, not content (openlima/viewcounts.py)

    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="stats", db_index=False
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("estadística diaria de conjunto")
        verbose_name_plural = _("estadísticas diarias de conjuntos")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "day"], name="opendata_dataset_day_unique"
            )
        ]

    def __str__(self):
        return f"{self.dataset_id} {self.day}"


class ResourceDailyStat(models.Model):
    page_cache_unwatched = True  # counters, not content (openlima/viewcounts.py)

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="stats", db_index=False
    )
    day = models.DateField()
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("estadística diaria de recurso")
        verbose_name_plural = _("estadísticas diarias de recursos")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "day"], name="opendata_resource_day_unique"
            )
        ]

    def __str__(self):
        return f"{self.resource_id} {self.day}"


def _category(code, fallback):
    return city.lazy_text(f"legal.transparency_categories.{code}", fallback)


class TransparencyCategory(models.TextChoices):
    """The ten sections of Peru's Portal de Transparencia Estándar: fixed codes, labels from
    the city profile's legal.transparency_categories when it gives them (Lima's otherwise;
    docs/city-profile.md)."""

    GENERAL = "datos-generales", _category("datos-generales", _("Datos generales"))
    PLANNING = (
        "planeamiento-y-organizacion",
        _category("planeamiento-y-organizacion", _("Planeamiento y organización")),
    )
    BUDGET = "presupuesto", _category("presupuesto", _("Presupuesto"))
    INVESTMENT = (
        "proyectos-de-inversion",
        _category("proyectos-de-inversion", _("Proyectos de inversión e Infobras")),
    )
    PARTICIPATION = (
        "participacion-ciudadana",
        _category("participacion-ciudadana", _("Participación ciudadana")),
    )
    STAFF = "personal", _category("personal", _("Personal"))
    PROCUREMENT = (
        "contrataciones",
        _category("contrataciones", _("Contratación de bienes y servicios")),
    )
    ACTIVITIES = (
        "actividades-oficiales",
        _category("actividades-oficiales", _("Actividades oficiales")),
    )
    ACCESS = (
        "acceso-a-la-informacion",
        _category("acceso-a-la-informacion", _("Acceso a la información")),
    )
    VISITS = (
        "registro-de-visitas",
        _category("registro-de-visitas", _("Registro de visitas")),
    )


def transparency_category_choices():
    """The sections with the city profile's labels, read when shown: a callable, so that
    a profile's labels never enter migrations (docs/city-profile.md)."""
    return TransparencyCategory.choices


def transparency_upload_path(instance, filename):
    return f"transparencia/{instance.category}/{uuid.uuid4().hex}/{filename}"


class TransparencyDocument(models.Model):
    category = models.CharField(
        _("categoría"),
        max_length=40,
        choices=transparency_category_choices,
        db_index=True,
    )
    title = models.CharField(_("título"), max_length=250)
    description = models.TextField(_("descripción"), blank=True)
    file = models.FileField(
        _("archivo"), upload_to=transparency_upload_path, max_length=300, blank=True
    )
    media_type = models.CharField(_("tipo de medio"), max_length=100, blank=True)
    external_url = HttpsURLField(_("URL externa"), max_length=500, blank=True)
    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("conjunto de datos enlazado"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transparency_documents",
    )
    publish_at = models.DateTimeField(
        _("publicar el"), default=timezone.now, db_index=True
    )
    created_at = models.DateTimeField(_("creado el"), default=timezone.now)
    # Title (A) and description (B); see opendata.search.transparency_search_index.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = VectorDeferredManager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("documento de transparencia")
        verbose_name_plural = _("documentos de transparencia")
        indexes = [
            # Full-text search (GIN on PostgreSQL; migrations 0002 and 0003).
            SearchGinIndex(fields=["search_vector"], name="opendata_doc_search_gin"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.file or self.external_url or self.dataset_id):
            raise ValidationError(
                _("Adjunta un archivo, una URL o un conjunto de datos.")
            )
