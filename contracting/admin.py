"""Staff admin at /gestion/: procurement editors see and edit their own unit's processes
and works; the coordinator sees all. Every save writes an OCDS release (services)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from openlima import city, registry
from openlima.errors import ApplicationError
from openlima.models import OrgUnit

from . import selectors, services
from .models import (
    Amendment,
    Award,
    Bid,
    Contract,
    ContractingProcess,
    Document,
    ImplementationMilestone,
    InfrastructureProject,
    Payment,
    ProgressReport,
    Release,
    Supplier,
)


class _ScopedInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_change_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_add_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_delete_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)


class BidInline(_ScopedInline):
    model = Bid
    raw_id_fields = ["supplier"]


class AwardInline(_ScopedInline):
    model = Award
    raw_id_fields = ["supplier"]


class DocumentForm(forms.ModelForm):
    """An external link or an upload, the upload checked by openlima/uploads.py (sniffed
    type, size cap, images re-encoded without EXIF) before it is stored."""

    class Meta:
        model = Document
        fields = ["section", "document_type", "title", "url", "file", "published_on"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            try:
                content, media_type = services.document_file_clean(upload)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
            self.instance.media_type = media_type
            return content
        return upload


class DocumentInline(_ScopedInline):
    model = Document
    form = DocumentForm


class _ManagedAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return selectors.user_may_manage(user=request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_add_permission(self, request):
        return selectors.user_may_manage(user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # releases are immutable: a process is cancelled, not deleted


@admin.register(Supplier)
class SupplierAdmin(_ManagedAdmin):
    list_display = ["name", "ruc"]
    search_fields = ["name", "ruc"]

    def has_change_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)


@admin.register(ContractingProcess)
class ContractingProcessAdmin(_ManagedAdmin):
    inlines = [BidInline, AwardInline, DocumentInline]
    list_display = ["title", "ocid", "buyer_unit", "stage", "is_published"]
    list_filter = ["stage", "is_published", "source", "buyer_unit"]
    search_fields = ["title", "ocid"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "ocid",
                    "title",
                    "description",
                    "buyer_unit",
                    "district",
                    "project",
                    "commitment_id",
                ]
            },
        ),
        (_("Planificación"), {"fields": ["budget_amount", "budget_rationale"]}),
        (
            _("Convocatoria"),
            {
                "fields": [
                    "method",
                    "category",
                    "tender_amount",
                    "tender_start",
                    "tender_end",
                    "enquiry_end",
                    "tender_cancelled",
                ]
            },
        ),
        (_("Publicación"), {"fields": ["publish_at", "is_published", "is_demo"]}),
        (
            _("Estado calculado del release compilado"),
            {"fields": ["stage", "value_awarded", "value_contracted", "value_paid"]},
        ),
    ]
    readonly_fields = [
        "ocid",
        "stage",
        "value_awarded",
        "value_contracted",
        "value_paid",
    ]

    def get_queryset(self, request):
        return selectors.processes_for_edit(user=request.user)

    def has_change_permission(self, request, obj=None):
        if not selectors.user_may_manage(user=request.user):
            return False
        if obj is None:
            return True
        return obj.source == ContractingProcess.Source.LOCAL and (
            selectors.processes_for_edit(user=request.user).filter(pk=obj.pk).exists()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "buyer_unit" and not selectors.user_is_coordinator(
            user=request.user
        ):
            kwargs["queryset"] = OrgUnit.objects.filter(pk=request.user.org_unit_id)
        if db_field.name == "project":
            kwargs["queryset"] = selectors.projects_for_edit(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "buyer_unit" in form.base_fields:
            form.base_fields["buyer_unit"].required = True
        choices = registry.provider("commitments.choices")
        if choices and "commitment_id" in form.base_fields:
            form.base_fields["commitment_id"] = forms.TypedChoiceField(
                label=_("Compromiso del plan"),
                choices=[("", "—"), *choices()],
                coerce=int,
                empty_value=None,
                required=False,
            )
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.ocid = services.ocid_new()
        selectors.access_check_unit(user=request.user, unit_id=obj.buyer_unit_id)
        if change:
            selectors.access_process_for_edit(user=request.user, process_id=obj.pk)
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            release = services.process_saved(user=request.user, process=form.instance)
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from exc
        if release is not None:
            messages.info(
                request,
                _("Se publicó el release %(id)s (%(tag)s).")
                % {"id": release.release_id, "tag": ", ".join(release.tag)},
            )


class AmendmentInline(_ScopedInline):
    model = Amendment


class MilestoneInline(_ScopedInline):
    model = ImplementationMilestone


class PaymentInline(_ScopedInline):
    model = Payment


@admin.register(Contract)
class ContractAdmin(_ManagedAdmin):
    inlines = [AmendmentInline, MilestoneInline, PaymentInline]
    list_display = ["__str__", "process", "amount", "status"]
    list_select_related = ["process"]

    def get_queryset(self, request):
        return Contract.objects.filter(
            process__in=selectors.processes_for_edit(user=request.user)
        ).select_related("process")

    def has_change_permission(self, request, obj=None):
        if not selectors.user_may_manage(user=request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = selectors.processes_for_edit(user=request.user).filter(
            source=ContractingProcess.Source.LOCAL
        )
        if db_field.name == "process":
            kwargs["queryset"] = scope
        if db_field.name == "award":
            kwargs["queryset"] = Award.objects.filter(process__in=scope).select_related(
                "supplier"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        selectors.access_process_for_edit(user=request.user, process_id=obj.process_id)
        if obj.award.process_id != obj.process_id:
            raise PermissionDenied
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        release = services.process_saved(
            user=request.user, process=form.instance.process
        )
        if release is not None:
            messages.info(
                request,
                _("Se publicó el release %(id)s (%(tag)s).")
                % {"id": release.release_id, "tag": ", ".join(release.tag)},
            )


class ProgressReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["date", "progress", "note", "photo", "photo_url"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload and "photo" in self.changed_data:
            try:
                return services.photo_clean(upload)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload


class ProgressReportInline(_ScopedInline):
    model = ProgressReport
    form = ProgressReportForm


@admin.register(InfrastructureProject)
class InfrastructureProjectAdmin(_ManagedAdmin):
    inlines = [ProgressReportInline]
    list_display = ["title", "district", "status", "progress", "is_published"]
    list_filter = ["status", "district", "is_published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    # `updated_at` is set by services.project_saved on every save: shown, never typed in
    # (it was an editable, untranslated "Updated at" date-time; issue 12).
    exclude = ["updated_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "proposal_id" and field is not None:
            # The model's label names Lima Activa; the profile's channel here
            # (docs/city-profile.md).
            field.label = city.lazy_format(
                _("propuesta de %(name)s (id)"), name="participation_name"
            )
        return field

    readonly_fields = ["last_updated"]

    @admin.display(description=_("actualizado el"))
    def last_updated(self, obj):
        return obj.updated_at if obj and obj.pk else "—"

    def get_queryset(self, request):
        return selectors.projects_for_edit(user=request.user)

    def get_form(self, request, obj=None, **kwargs):
        """The milestone it delivers as a list of the plans' milestones (through the
        registry, docs/contracting.md "Links"); the proposal stays a number."""
        form = super().get_form(request, obj, **kwargs)
        choices = registry.provider("commitments.milestone_choices")
        if choices and "commitment_milestone_id" in form.base_fields:
            form.base_fields["commitment_milestone_id"] = forms.TypedChoiceField(
                label=_("Hito del plan de gobierno abierto"),
                choices=[("", "—"), *choices()],
                coerce=int,
                empty_value=None,
                required=False,
            )
        return form

    def has_change_permission(self, request, obj=None):
        if not selectors.user_may_manage(user=request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not selectors.user_is_coordinator(
            user=request.user
        ):
            kwargs["queryset"] = OrgUnit.objects.filter(pk=request.user.org_unit_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        selectors.access_check_unit(user=request.user, unit_id=obj.unit_id)
        obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.project_saved(user=request.user, project=form.instance)


@admin.register(Release)
class ReleaseAdmin(_ManagedAdmin):
    """Read-only: releases are written by the services and never changed."""

    list_display = ["release_id", "ocid", "date", "tag"]
    search_fields = ["ocid", "release_id"]
    readonly_fields = ["process", "ocid", "release_id", "date", "tag", "data"]

    def get_queryset(self, request):
        return Release.objects.filter(
            process__in=selectors.processes_for_edit(user=request.user)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
