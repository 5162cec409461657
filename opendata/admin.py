"""Staff (role `data_publisher`) publish, schedule and withdraw datasets in /gestion/."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from openlima import city, roles
from openlima.errors import ApplicationError
from openlima.selectors import user_has_role
from openlima.services import audit_log_record

from . import files, selectors, services
from .models import Dataset, Resource, ResourceVersion, Tag, Topic, TransparencyDocument
from .search import dataset_search_index, transparency_search_index


def can_publish(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or user_has_role(user=user, role=roles.DATA_PUBLISHER))
    )


class DataPublisherOnly:
    def has_module_permission(self, request):
        return can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_add_permission(self, request, *args):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Topic)
class TopicAdmin(DataPublisherOnly, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(DataPublisherOnly, admin.ModelAdmin):
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:  # the datasets' search vectors
            dataset_search_index(
                dataset_ids=list(obj.datasets.values_list("pk", flat=True))
            )


class ResourceInline(DataPublisherOnly, admin.StackedInline):
    """Resources added from the dataset page itself: a name and a file (or an external
    URL); each file is stored as a new version by services.resource_version_add."""

    model = Resource
    fields = ["name", "external_url", "upload", "format", "size", "modified_at"]
    readonly_fields = ["format", "size", "modified_at"]
    extra = 1
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("Recursos (archivos o enlaces de este conjunto)")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = ResourceInlineForm
        return super().get_formset(request, obj, **kwargs)


@admin.register(Dataset)
class DatasetAdmin(DataPublisherOnly, admin.ModelAdmin):
    list_display = ["title", "publisher", "state", "publish_at", "modified_at"]
    list_filter = ["state", "publisher", "topics", "license"]
    search_fields = ["title", "slug", "description"]
    list_select_related = ["publisher"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "tags", "districts", "publisher"]
    readonly_fields = ["uuid", "published_at", "source", "created_at", "modified_at"]
    inlines = [ResourceInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "districts" and field is not None:
            # The model's help text names Lima Metropolitana; the profile's whole
            # territory here (docs/city-profile.md).
            field.help_text = city.lazy_format(
                _("Vacío: %(whole)s en su conjunto."),
                whole="territory.whole_city_label",
            )
        return field

    actions = ["publish_now"]
    fieldsets = (
        (
            None,
            {"fields": ("title", "slug", "description", "publisher", "topics", "tags")},
        ),
        (
            _("Licencia y cobertura"),
            {
                "fields": (
                    "license",
                    "frequency",
                    "temporal_start",
                    "temporal_end",
                    "districts",
                )
            },
        ),
        (_("Contacto"), {"fields": ("contact_name", "contact_email")}),
        (
            _("Publicación"),
            {
                "fields": ("state", "publish_at", "withdrawn_reason", "published_at"),
                "description": _(
                    "Programado: se publica solo en la fecha indicada. Retirado: indique el motivo, que se muestra al público."
                ),
            },
        ),
        (
            _("Identificación"),
            {"fields": ("uuid", "source", "created_at", "modified_at")},
        ),
    )

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        obj.modified_at = now
        if obj.state == Dataset.State.PUBLISHED and not obj.published_at:
            obj.published_at = now
            obj.publish_at = obj.publish_at or now
        if (
            obj.state == Dataset.State.SCHEDULED
            and obj.publish_at
            and obj.publish_at <= now
        ):
            obj.state = Dataset.State.PUBLISHED
            obj.published_at = now
        super().save_model(request, obj, form, change)
        if not change or "state" in form.changed_data:
            audit_log_record(actor=request.user, action=f"dataset.{obj.state}", obj=obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not Resource:
            return
        for resource_form in formset.forms:
            data = getattr(resource_form, "cleaned_data", {}).get("upload_data")
            if data and resource_form.instance.pk:
                services.resource_version_add(
                    resource=resource_form.instance,
                    data=data,
                    filename=resource_form.cleaned_data["upload"].name,
                )
                audit_log_record(
                    actor=request.user,
                    action="resource.save",
                    obj=resource_form.instance,
                )

    def view_on_site(self, obj):
        """Published: the public page. Otherwise a staff-only preview (never a public 404)."""
        if obj.state == Dataset.State.PUBLISHED:
            return obj.get_absolute_url()
        return reverse("admin:opendata_dataset_preview", args=[obj.pk])

    def get_urls(self):
        return [
            path(
                "<int:pk>/vista-previa/",
                self.admin_site.admin_view(self.preview_view),
                name="opendata_dataset_preview",
            )
        ] + super().get_urls()

    def preview_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        ds = selectors.dataset_for_preview(pk=pk)
        for resource in ds.resources.all():
            resource.preview = {}
            resource.download_total = 0
        response = render(
            request,
            "opendata/dataset.html",
            {
                "dataset": ds,
                "counts": selectors.dataset_counts(dataset=ds),
                "preview": True,
            },
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, private=True, no_store=True)
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Title, description and tags are all saved now: refresh the search vector.
        dataset_search_index(dataset_ids=[form.instance.pk])

    @admin.action(description=_("Publicar ahora los conjuntos seleccionados"))
    def publish_now(self, request, queryset):
        for dataset in queryset:
            services.dataset_publish(dataset=dataset, actor=request.user)
        self.message_user(request, _("Conjuntos publicados."), messages.SUCCESS)


class ResourceForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Subir archivo (nueva versión)"),
        required=False,
        help_text=_(
            "CSV, XLSX, JSON, GeoJSON o PDF. Se revisa el contenido del archivo."
        ),
    )

    class Meta:
        model = Resource
        fields = ["dataset", "name", "description", "external_url", "position"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            if upload.size > files.max_upload_bytes():
                self.add_error("upload", _("El archivo supera el tamaño máximo."))
                return cleaned
            data = upload.read()
            try:
                files.file_sniff(data=data, filename=upload.name)
            except ApplicationError as exc:
                self.add_error("upload", exc.message)
            cleaned["upload_data"] = data
        elif not cleaned.get("external_url") and not (
            self.instance.pk and self.instance.versions.exists()
        ):
            raise forms.ValidationError(_("Suba un archivo o indique una URL externa."))
        return cleaned


class ResourceInlineForm(ResourceForm):
    class Meta(ResourceForm.Meta):
        fields = ["name", "external_url"]


class ResourceVersionInline(DataPublisherOnly, admin.TabularInline):
    model = ResourceVersion
    fields = ["number", "filename", "format", "size", "sha256", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Resource)
class ResourceAdmin(DataPublisherOnly, admin.ModelAdmin):
    form = ResourceForm
    list_display = ["name", "dataset", "format", "size", "modified_at"]
    list_select_related = ["dataset"]
    search_fields = ["name", "dataset__title"]
    autocomplete_fields = ["dataset"]
    inlines = [ResourceVersionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data.get("upload_data")
        if data:
            services.resource_version_add(
                resource=obj, data=data, filename=form.cleaned_data["upload"].name
            )
        audit_log_record(actor=request.user, action="resource.save", obj=obj)


class TransparencyDocumentForm(forms.ModelForm):
    class Meta:
        model = TransparencyDocument
        fields = [
            "category",
            "title",
            "description",
            "file",
            "external_url",
            "dataset",
            "publish_at",
        ]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if (
            upload
            and hasattr(upload, "read")
            and not getattr(upload, "_committed", True)
        ):
            data = upload.read()
            upload.seek(0)
            try:
                fmt = files.file_sniff(data=data, filename=upload.name)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
            self.instance.media_type = services.FORMATS[fmt]
        return upload


@admin.register(TransparencyDocument)
class TransparencyDocumentAdmin(DataPublisherOnly, admin.ModelAdmin):
    form = TransparencyDocumentForm
    list_display = ["title", "category", "publish_at"]
    list_filter = ["category"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["dataset"]
    date_hierarchy = "publish_at"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transparency_search_index(document_ids=[obj.pk])
        audit_log_record(actor=request.user, action="transparency.save", obj=obj)
