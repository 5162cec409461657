"""Admin of milestones, their evidence and progress updates."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openlima.errors import ApplicationError

from .. import selectors, services
from ..forms import MarkCompletedForm, MarkDelayedForm
from ..models import (
    Evidence,
    Milestone,
    ProgressUpdate,
)
from .common import MILESTONE_FORM_FIELDS, _RoleAdmin


class EvidenceFileInput(forms.ClearableFileInput):
    """Upload widget of a new evidence row; on a saved row (shown read-only, where Django
    renders a widget marked `read_only` with only the name and the value) the file's
    original name, linked to the staff download (issue 12), not the storage key."""

    read_only = True

    def render(self, name, value, attrs=None, renderer=None):
        instance = getattr(value, "instance", None)
        if attrs is None and renderer is None and getattr(instance, "pk", None):
            if not value:
                return "—"
            return format_html(
                '<a href="{}">{}</a> <span class="help">({})</span>',
                reverse(
                    "admin:commitments_milestone_evidence_file", args=[instance.pk]
                ),
                instance.original_name or _("documento"),
                filesizeformat(instance.size),
            )
        return super().render(name, value, attrs, renderer)


class EvidenceForm(forms.ModelForm):
    url = forms.URLField(
        label=_("enlace"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Evidence
        fields = ["description", "url", "file"]
        widgets = {"file": EvidenceFileInput}

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        uploaded, url = cleaned.get("file"), cleaned.get("url")
        if bool(uploaded) == bool(url):
            raise forms.ValidationError(
                _("Adjunte un documento o indique un enlace (uno solo).")
            )
        if uploaded:
            try:
                services.evidence_check_file(uploaded=uploaded)
            except ApplicationError as exc:
                self.add_error("file", exc.message)
        return cleaned

    def validate_constraints(self):  # checked in clean() and in the service
        return None


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = EvidenceForm
    fields = ["description", "url", "file"]
    extra = 1

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_add_permission(self, request, obj=None):
        return obj is not None and selectors.user_can_edit_commitment(
            user=request.user, commitment=obj.commitment
        )

    def has_change_permission(self, request, obj=None):
        return False  # evidence is append-only

    def has_delete_permission(self, request, obj=None):
        return selectors.user_is_coordinator(user=request.user)


class MilestoneAdminForm(forms.ModelForm):
    update_note = forms.CharField(
        label=_("Nota pública del cambio"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    publish_at = forms.SplitDateTimeField(
        label=_("Publicar el"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("Déjelo vacío para publicar ahora; una fecha futura lo programa."),
    )

    class Meta:
        model = Milestone
        fields = ["commitment", *MILESTONE_FORM_FIELDS]


@admin.register(Milestone)
class MilestoneAdmin(_RoleAdmin):
    form = MilestoneAdminForm
    inlines = [EvidenceInline]
    list_display = [
        "code",
        "title",
        "commitment",
        "due_on",
        "status",
        "progress",
        "overdue",
    ]
    list_filter = ["status", "commitment__plan", "commitment__responsible_units"]
    search_fields = ["title", "commitment__title"]
    actions = ["mark_completed", "mark_delayed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment__plan")

    def get_urls(self):
        from ..views import evidence_file_staff

        return [
            path(
                "evidence/<int:evidence_id>/archivo/",
                self.admin_site.admin_view(evidence_file_staff),
                name="commitments_milestone_evidence_file",
            ),
            *super().get_urls(),
        ]

    @admin.display(boolean=True, description=_("vencido"))
    def overdue(self, obj):
        return obj.is_overdue()

    def has_add_permission(self, request):
        return selectors.user_may_manage(user=request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return selectors.user_may_manage(user=request.user)
        return selectors.user_can_edit_commitment(
            user=request.user, commitment=obj.commitment
        )

    def get_readonly_fields(self, request, obj=None):
        return ["commitment"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = selectors.commitments_editable_by(
                user=request.user
            ).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {
            f: form.cleaned_data[f]
            for f in MILESTONE_FORM_FIELDS
            if f in form.cleaned_data
        }
        if not change:
            commitment = form.cleaned_data["commitment"]
            created = services.milestone_create(
                user=request.user, commitment=commitment, data=data
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        changed = {f: data[f] for f in form.changed_data if f in data}
        services.milestone_update(
            user=request.user,
            milestone=obj,
            data=changed,
            note=form.cleaned_data.get("update_note", ""),
            publish_at=form.cleaned_data.get("publish_at"),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Evidence:  # pragma: no cover
            return formset.save()
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        milestone = form.instance
        for f in formset.forms:
            data = getattr(f, "cleaned_data", None) or {}
            if f.instance.pk and data.get("DELETE"):
                if not selectors.user_is_coordinator(user=request.user):
                    raise PermissionDenied
                f.instance.delete()
                formset.deleted_objects.append(f.instance)
            elif f.instance.pk is None and f.has_changed() and data:
                evidence = services.evidence_add(
                    user=request.user,
                    milestone=milestone,
                    description=data.get("description", ""),
                    url=data.get("url", ""),
                    uploaded=data.get("file") or None,
                    publish_at=form.cleaned_data.get("publish_at"),
                )
                formset.new_objects.append(evidence)

    def _bulk(self, request, queryset, *, form_class, title, run):
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        count = run(form.cleaned_data)
                except PermissionDenied as exc:
                    self.message_user(
                        request, str(exc) or _("Permiso denegado."), messages.ERROR
                    )
                    return None
                except ApplicationError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                    return None
                self.message_user(
                    request,
                    _("%(n)d hitos actualizados.") % {"n": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = form_class(initial={"completed_on": timezone.localdate()})
        return TemplateResponse(
            request,
            "admin/commitments/milestone/bulk_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "milestones": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Marcar como completados (con fecha de cumplimiento)"))
    def mark_completed(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            form_class=MarkCompletedForm,
            title=_("Marcar hitos como completados"),
            run=lambda data: services.milestones_mark_completed(
                user=request.user,
                milestones=queryset.select_related("commitment"),
                completed_on=data["completed_on"],
                note=data.get("note", ""),
            ),
        )

    @admin.action(description=_("Marcar como retrasados (con motivo)"))
    def mark_delayed(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            form_class=MarkDelayedForm,
            title=_("Marcar hitos como retrasados"),
            run=lambda data: services.milestones_mark_delayed(
                user=request.user,
                milestones=queryset.select_related("commitment"),
                reason=data["reason"],
            ),
        )


class ProgressUpdateForm(forms.ModelForm):
    """A commitment-level note (e.g. a scheduled announcement). A note on a milestone is
    written with its progress on the milestone's own form, the one way (issue 12)."""

    publish_at = forms.SplitDateTimeField(
        label=_("Publicar el"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("Déjelo vacío para publicar ahora; una fecha futura lo programa."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["commitment", "note", "publish_at"]

    def clean_publish_at(self):
        return self.cleaned_data.get("publish_at") or timezone.now()


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(_RoleAdmin):
    """Append-only: staff add notes (optionally scheduled); nobody edits or deletes."""

    form = ProgressUpdateForm
    list_display = ["publish_at", "commitment", "milestone", "unit", "published_at"]
    list_filter = ["commitment__plan", "unit"]
    search_fields = ["note", "commitment__title"]
    list_select_related = ["commitment", "milestone", "unit"]

    def has_add_permission(self, request):
        return selectors.user_may_manage(user=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = selectors.commitments_editable_by(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        created = services.progress_update_create(
            user=request.user,
            commitment=form.cleaned_data["commitment"],
            milestone=None,
            note=form.cleaned_data.get("note", ""),
            publish_at=form.cleaned_data.get("publish_at"),
        )
        obj.pk = created.pk
