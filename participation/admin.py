"""Staff screens in /gestion/. Object-level rules come from selectors: unit editors see the
proposals assigned to their unit; answers are published on the staff page (services)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from openlima import roles
from openlima.selectors import user_has_role

from . import selectors
from .models import (
    Comment,
    Consultation,
    ConsultationOption,
    ModerationAction,
    Proposal,
    Session,
)

MIN_OPTIONS = 2


def _coordinator(request) -> bool:
    return request.user.is_superuser or user_has_role(
        user=request.user, role=roles.OGP_COORDINATOR
    )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "support_count", "assigned_unit", "answer_link")
    list_filter = ("status", "topic", "assigned_unit")
    search_fields = ("title",)
    list_select_related = ("assigned_unit",)
    fields = (
        "title",
        "summary",
        "status",
        "support_count",
        "assigned_unit",
        "outcome",
        "commitment_id",
    )
    readonly_fields = (
        "title",
        "summary",
        "status",
        "support_count",
        "outcome",
        "commitment_id",
    )
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if _coordinator(request):
            return qs
        return qs.filter(assigned_unit_id=request.user.org_unit_id)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return _coordinator(request)

    def has_view_permission(self, request, obj=None):
        return _coordinator(request) or user_has_role(
            user=request.user, role=roles.UNIT_EDITOR
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("Respuesta"))
    def answer_link(self, obj):
        if obj.status in (Proposal.Status.EVALUATION, Proposal.Status.ANSWERED):
            return format_html(
                '<a href="{}">{}</a>',
                reverse("participation:proposal_answer", args=[obj.pk]),
                _("Responder"),
            )
        return "—"


def _consultation_staff(request) -> bool:
    """The OGP coordinator, or an editor of the unit that runs participation (the unit
    proposals go to by default)."""
    if _coordinator(request):
        return True
    unit = getattr(request.user, "org_unit", None)
    return bool(
        unit is not None
        and unit.slug == selectors.participation_unit_slug()
        and user_has_role(user=request.user, role=roles.UNIT_EDITOR)
    )


class OptionFormSet(BaseInlineFormSet):
    """A consultation that is scheduled or open has at least two options (a ballot with
    none or one is no consultation)."""

    def clean(self):
        super().clean()
        if self.instance.status == Consultation.Status.DRAFT:
            return
        kept = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and (f.instance.pk or f.has_changed())
        ]
        if len(kept) < MIN_OPTIONS:
            raise ValidationError(
                _(
                    "Una consulta programada o abierta necesita al menos %(n)s opciones. Añada opciones o déjela en borrador."
                )
                % {"n": MIN_OPTIONS}
            )


class OptionInline(admin.StackedInline):
    model = ConsultationOption
    formset = OptionFormSet
    fields = ("title", "description", "commitment_id", "position")
    extra = 2

    def _allowed(self, request):
        return _consultation_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "opens_at", "closes_at", "option_count")
    list_filter = (
        "status",
        ("opens_at", admin.DateFieldListFilter),
        ("closes_at", admin.DateFieldListFilter),
    )
    search_fields = ("title", "question", "options__title")
    date_hierarchy = "opens_at"
    readonly_fields = ("created_at",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [OptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_options=Count("options"))

    @admin.display(description=_("opciones"), ordering="_options")
    def option_count(self, obj):
        return obj._options

    def _allowed(self, request):
        return _consultation_staff(request)

    has_module_permission = has_view_permission = (
        lambda self, request, obj=None: self._allowed(request)
    )  # noqa: E731
    has_add_permission = has_change_permission = (
        lambda self, request, obj=None: self._allowed(request)
    )  # noqa: E731
    has_delete_permission = lambda self, request, obj=None: request.user.is_superuser  # noqa: E731


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "mode",
        "starts_at",
        "status",
        "registered_count",
        "capacity",
    )
    list_filter = (
        "mode",
        "status",
        "district",
        ("starts_at", admin.DateFieldListFilter),
    )
    # Staff look sessions up by title, place or agenda (issue 12).
    search_fields = ("title", "address", "agenda")
    date_hierarchy = "starts_at"
    filter_horizontal = ()
    raw_id_fields = ("proposals",)
    readonly_fields = ("registered_count",)

    def _allowed(self, request):
        return _coordinator(request) or user_has_role(
            user=request.user, role=roles.UNIT_EDITOR
        )

    has_module_permission = has_view_permission = (
        lambda self, request, obj=None: self._allowed(request)
    )  # noqa: E731
    has_add_permission = has_change_permission = (
        lambda self, request, obj=None: self._allowed(request)
    )  # noqa: E731
    has_delete_permission = lambda self, request, obj=None: request.user.is_superuser  # noqa: E731


class FlaggedFilter(admin.SimpleListFilter):
    title = _("señalados")
    parameter_name = "senalados"

    def lookups(self, request, model_admin):
        return [("1", _("Señalados y visibles (por revisar)"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(status=Comment.Status.VISIBLE, flag_count__gt=0)
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # The action next to the text: at 1280 px, with both sidebars, a last column is cut
    # off (issue 12, docs/journeys.md).
    list_display = (
        "excerpt",
        "moderate_link",
        "flags",
        "status",
        "target_type",
        "target_id",
    )
    list_filter = (FlaggedFilter, "status", "target_type")
    search_fields = ("body",)
    fields = (
        "target_type",
        "target_id",
        "body",
        "status",
        "hidden_reason",
        "flags",
    )
    readonly_fields = fields
    ordering = ("-flag_count", "-id")
    show_full_result_count = False

    @admin.display(description=_("reportes"), ordering="flag_count")
    def flags(self, obj):
        return obj.flag_count

    @admin.display(description=_("texto"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(120)

    def _allowed(self, request):
        return user_has_role(user=request.user, role=roles.MODERATOR)

    has_module_permission = has_view_permission = (
        lambda self, request, obj=None: self._allowed(request)
    )  # noqa: E731

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Moderar"))
    def moderate_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("participation:comment_moderate", args=[obj.pk]),
            _("Moderar"),
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log is public anyway; every staff member may read it here."""

    list_display = ("created_at", "action", "target_kind", "target_id", "reason")

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
