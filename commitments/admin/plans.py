"""Admin of action plans and commitments (with their milestones listed read-only)."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import selectors, services
from ..models import (
    ActionPlan,
    Commitment,
    Milestone,
    OgpValue,
)
from .common import _RoleAdmin


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


class MilestoneInline(admin.TabularInline):
    """The commitment's milestones, read-only: progress is updated in ONE place, the
    milestone's own form (with evidence and a public note, through
    `services.milestone_update`; issue 12). Each row links there."""

    model = Milestone
    fields = [
        "code",
        "title",
        "due_on",
        "status",
        "progress",
        "completed_on",
        "update_link",
    ]
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("Avance"))
    def update_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> — {}</span></a>',
            reverse("admin:commitments_milestone_change", args=[obj.pk]),
            _("Actualizar avance"),
            obj.title,
        )

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        # Unit editors: the card is the coordinator's; they update each milestone on its
        # own form (linked from the read-only list of milestones).
        return [f.name for f in Commitment._meta.fields if f.name != "id"] + [
            "responsible_units"
        ]

    def save_model(self, request, obj, form, change):
        if selectors.user_is_coordinator(user=request.user):
            services.commitment_save(user=request.user, commitment=obj)

    def save_related(self, request, form, formsets, change):
        # The milestones inline is read-only: nothing of it is saved from this form.
        if selectors.user_is_coordinator(user=request.user):
            form.save_m2m()
        for formset in formsets:
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = []
