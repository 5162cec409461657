"""Admin of action plans and commitments (with their milestones inline)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import selectors, services
from ..models import (
    ActionPlan,
    Commitment,
    Milestone,
    OgpValue,
)
from .common import MILESTONE_FORM_FIELDS, _RoleAdmin


@admin.register(ActionPlan)
class ActionPlanAdmin(_RoleAdmin):
    list_display = [
        "title",
        "level",
        "status",
        "period_start",
        "period_end",
        "is_published",
    ]
    list_filter = ["level", "status", "is_published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        services.action_plan_save(user=request.user, plan=obj)


class MilestoneInlineForm(forms.ModelForm):
    update_note = forms.CharField(
        label=_("Nota pública"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Milestone
        fields = MILESTONE_FORM_FIELDS


class MilestoneInline(admin.TabularInline):
    model = Milestone
    form = MilestoneInlineForm
    fields = [
        "code",
        "title",
        "start_on",
        "due_on",
        "status",
        "progress",
        "completed_on",
        "weight",
        "update_note",
    ]
    extra = 0
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_change_permission(self, request, obj=None):
        return obj is not None and selectors.user_can_edit_commitment(
            user=request.user, commitment=obj
        )

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return selectors.user_is_coordinator(user=request.user)


class CommitmentForm(forms.ModelForm):
    ogp_values = forms.MultipleChoiceField(
        label=_("Valores OGP"),
        choices=OgpValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commitment
        exclude = []  # noqa: DJ006 - every card field (editors get them read-only)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ogp_values" in self.fields:
            self.initial["ogp_values"] = (
                self.instance.ogp_value_list if self.instance.pk else []
            )

    def clean_ogp_values(self):
        return ",".join(self.cleaned_data.get("ogp_values") or [])


def _save_milestone_formset(request, formset, commitment):
    """Inline milestones: create/update/delete through the services."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.cleaned_data:
            continue
        instance = form.instance
        if formset.can_delete and form.cleaned_data.get("DELETE") and instance.pk:
            services.milestone_delete(user=request.user, milestone=instance)
            formset.deleted_objects.append(instance)
            continue
        if not form.has_changed():
            continue
        data = {
            f: form.cleaned_data[f]
            for f in MILESTONE_FORM_FIELDS
            if f in form.cleaned_data
        }
        note = form.cleaned_data.get("update_note", "")
        if instance.pk is None:
            milestone = services.milestone_create(
                user=request.user, commitment=commitment, data=data
            )
            formset.new_objects.append(milestone)
        else:
            changed = {f: data[f] for f in form.changed_data if f in data}
            services.milestone_update(
                user=request.user, milestone=instance, data=changed, note=note
            )
            formset.changed_objects.append((instance, form.changed_data))


@admin.register(Commitment)
class CommitmentAdmin(_RoleAdmin):
    form = CommitmentForm
    inlines = [MilestoneInline]
    list_display = ["number", "title", "plan", "progress", "status", "completion_level"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "status", "completion_level", "responsible_units"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["responsible_units"]
    readonly_fields = ["progress", "status"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan")
            .prefetch_related("responsible_units")
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return selectors.user_may_manage(user=request.user)
        return selectors.user_can_edit_commitment(user=request.user, commitment=obj)

    def get_readonly_fields(self, request, obj=None):
        if selectors.user_is_coordinator(user=request.user):
            return self.readonly_fields
        # Unit editors: the card is the coordinator's; they edit the milestones inline.
        return [f.name for f in Commitment._meta.fields if f.name != "id"] + [
            "responsible_units"
        ]

    def save_model(self, request, obj, form, change):
        if selectors.user_is_coordinator(user=request.user):
            services.commitment_save(user=request.user, commitment=obj)

    def save_related(self, request, form, formsets, change):
        if selectors.user_is_coordinator(user=request.user):
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Milestone:
            _save_milestone_formset(request, formset, form.instance)
        else:  # pragma: no cover
            formset.save()
