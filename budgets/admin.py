"""Staff tools at /gestion/: processes, headings, projects (feasibility), in-person
confirmation of residents and paper ballots. Writes go through budgets.services."""

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openlima import city
from openlima.errors import ApplicationError
from openlima.services import audit_log_record

from . import services
from .identity import identity_label
from .models import (
    Ballot,
    BudgetProcess,
    Heading,
    PaperBallot,
    Project,
    ProjectImage,
    ResidentVerification,
    VerificationOffice,
)


def amount_label():
    """The amount's label with the profile's currency: "monto (S/)", "monto (Bs)". The
    model's verbose_name stays out of migrations' way (docs/city-profile.md)."""
    return city.lazy_format(_("monto (%(symbol)s)"), symbol="currency.symbol")


class AmountLabelMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "amount" and field is not None:
            field.label = amount_label()
        return field


class HeadingInline(AmountLabelMixin, admin.TabularInline):
    model = Heading
    extra = 0
    fields = ["name", "slug", "district", "amount"]
    autocomplete_fields = ["district"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(BudgetProcess)
class BudgetProcessAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "phase",
        "voting_style",
        "balloting_starts_at",
        "balloting_ends_at",
        "results_published_at",
    ]
    list_filter = ["phase", "voting_style"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["results_published_at"]
    inlines = [HeadingInline]
    actions = ["publish_results"]

    @admin.action(
        description=_("Publicar resultados (procesos con la votación cerrada)")
    )
    def publish_results(self, request, queryset):
        done = 0
        closed = BudgetProcess.PHASE_ORDER[BudgetProcess.PHASE_ORDER.index("results") :]
        for process in queryset.filter(phase__in=closed):
            services.results_publish(process=process, actor=request.user)
            done += 1
        self.message_user(request, _("Resultados publicados: %(n)s") % {"n": done})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "phase" in form.changed_data:
            audit_log_record(
                actor=request.user,
                action="budgets.process.phase",
                obj=obj,
                details={"to": obj.phase, "manual": True},
            )


@admin.register(Heading)
class HeadingAdmin(AmountLabelMixin, admin.ModelAdmin):
    list_display = ["name", "process", "district", "amount_shown"]
    list_filter = ["process"]
    search_fields = ["name", "process__title"]
    list_select_related = ["process", "district"]
    autocomplete_fields = ["district"]

    @admin.display(description=amount_label(), ordering="amount")
    def amount_shown(self, obj):
        return obj.amount


class ProjectImageInline(admin.TabularInline):
    model = ProjectImage
    extra = 0
    fields = ["image", "alt_text"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "heading",
        "estimated_cost",
        "feasibility",
        "is_selected",
        "support_count",
        "ballot_count",
        "is_winner",
    ]
    list_filter = [
        "heading__process",
        "heading",
        "feasibility",
        "is_selected",
        "is_winner",
        "unit",
    ]
    # Staff look projects up by title, description or heading (issue 12).
    search_fields = ["title", "description", "heading__name", "heading__process__title"]
    list_select_related = ["heading__process"]
    autocomplete_fields = ["heading", "unit"]
    raw_id_fields = ["proposed_by"]
    readonly_fields = [
        "support_count",
        "ballot_count",
        "is_winner",
        "result_position",
        "tracking_status",
        "tracking_url",
    ]
    inlines = [ProjectImageInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [
            f
            for f in form.changed_data
            if f
            in ("feasibility", "unfeasibility_reason", "estimated_cost", "is_selected")
        ]
        if changed:
            audit_log_record(
                actor=request.user,
                action="budgets.project.assess",
                obj=obj,
                details={"fields": changed, "feasibility": obj.feasibility},
            )

    def save_formset(self, request, form, formset, change):
        """Uploaded pictures are re-encoded without metadata before they are stored."""
        if formset.model is ProjectImage:
            for image_form in formset.forms:
                upload = (
                    image_form.cleaned_data.get("image")
                    if hasattr(image_form, "cleaned_data")
                    else None
                )
                if upload and "image" in image_form.changed_data:
                    upload.seek(0)
                    try:
                        data, ext, width, height = services.image_strip_metadata(
                            data=upload.read()
                        )
                    except ApplicationError as exc:
                        messages.error(request, exc.message)
                        image_form.instance.pk = None
                        continue
                    image_form.instance.image = ContentFile(
                        data, name=f"proyecto-{form.instance.pk}.{ext}"
                    )
                    image_form.instance.width = width
                    image_form.instance.height = height
        super().save_formset(request, form, formset, change)


class VerificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[
            ("confirm", _("Confirmar con el documento presentado")),
            ("reject", _("Rechazar")),
        ],
        widget=forms.RadioSelect,
        initial="confirm",
    )
    dni_shown = forms.CharField(
        label=identity_label(),  # the city profile's document (identity.py)
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Motivo del rechazo"), max_length=300, required=False
    )


@admin.register(ResidentVerification)
class ResidentVerificationAdmin(admin.ModelAdmin):
    # The account's e-mail (what the person at the desk can tell the registrar) and the
    # action first: at 1280 px, with both sidebars, a last column is cut off (issue 12).
    list_display = [
        "user",
        "email",
        "decide_link",
        "district",
        "status",
        "created_at",
        "decided_at",
    ]
    list_filter = ["status", "district"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "district"]
    fields = [
        "user",
        "district",
        "birth_date",
        "status",
        "backend",
        "created_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("correo electrónico"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("Decidir"))
    def decide_link(self, obj):
        if obj.status != ResidentVerification.Status.PENDING:
            return "—"
        url = reverse("admin:budgets_residentverification_decide", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Confirmar o rechazar"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/decidir/",
                self.admin_site.admin_view(self.decide_view),
                name="budgets_residentverification_decide",
            )
        ] + super().get_urls()

    def decide_view(self, request, pk):
        verification = get_object_or_404(
            ResidentVerification.objects.select_related("user", "district"), pk=pk
        )
        if not self.has_change_permission(request, verification):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = VerificationDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "confirm":
                    services.resident_verification_confirm(
                        verification_id=pk,
                        staff=request.user,
                        dni_shown=form.cleaned_data["dni_shown"],
                    )
                    self.message_user(
                        request, _("Residencia confirmada."), messages.SUCCESS
                    )
                else:
                    services.resident_verification_reject(
                        verification_id=pk,
                        staff=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    self.message_user(
                        request, _("Verificación rechazada."), messages.WARNING
                    )
                return redirect("admin:budgets_residentverification_changelist")
            except ApplicationError as exc:
                form.add_error(None, exc.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Confirmar residencia"),
            "verification": verification,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/budgets/verification_decide.html", context
        )


class PaperBallotForm(forms.Form):
    heading = forms.ModelChoiceField(
        label=_("Partida"),
        queryset=Heading.objects.filter(
            process__phase=BudgetProcess.Phase.BALLOTING
        ).select_related("process"),
    )
    dni_shown = forms.CharField(
        label=identity_label(),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Proyectos marcados en la cédula"),
        queryset=Project.objects.filter(
            is_selected=True, heading__process__phase=BudgetProcess.Phase.BALLOTING
        ).select_related("heading"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].label_from_instance = (
            lambda p: f"{p.heading.name} — {p.title} ({city.format_money(p.estimated_cost)})"
        )


@admin.register(PaperBallot)
class PaperBallotAdmin(admin.ModelAdmin):
    """Entry of paper ballots against a verified resident found by the DNI they show."""

    list_display = ["id", "user", "heading", "entered_by", "created_at"]
    list_filter = ["heading__process"]
    list_select_related = ["user", "heading__process", "entered_by"]
    search_fields = ["user__email"]
    # The secret of the vote: staff see that a ballot was entered, never its choices.
    fields = ["user", "heading", "channel", "entered_by", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(channel=Ballot.Channel.PAPER)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = PaperBallotForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                voter = services.resident_find_by_dni(
                    dni=form.cleaned_data["dni_shown"]
                )
                services.ballot_submit(
                    user=voter,
                    heading_id=form.cleaned_data["heading"].pk,
                    project_ids=[p.pk for p in form.cleaned_data["projects"]],
                    channel=Ballot.Channel.PAPER,
                    entered_by=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("Cédula en papel registrada."), messages.SUCCESS
                )
                return redirect("admin:budgets_paperballot_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Registrar cédula en papel"),
            "form": form,
        }
        return TemplateResponse(request, "admin/budgets/paper_ballot_add.html", context)


@admin.register(VerificationOffice)
class VerificationOfficeAdmin(admin.ModelAdmin):
    """Where and when residents confirm in person (issue 12); model permissions (the
    coordinator holds every budgets permission)."""

    list_display = ["name", "district", "address", "hours", "is_active", "position"]
    list_filter = ["is_active", "district"]
    search_fields = ["name", "address"]
    list_editable = ["is_active", "position"]
    autocomplete_fields = ["district"]
