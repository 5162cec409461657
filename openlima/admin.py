from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import city
from .models import (
    AuditLog,
    District,
    JobHeartbeat,
    OrgUnit,
    OutboxMessage,
    PlatformRating,
    User,
)
from .services import audit_log_record


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "org_unit",
        "is_staff",
        "is_verified_resident",
        "is_active",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "is_verified_resident",
        "org_unit",
        "groups",
    ]
    search_fields = ["email", "display_name"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit", "district"]

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "user_permissions":
            _translated_permissions(field)
        return field

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "public_profile" and field is not None:
            # the model's help text names Lima's "distrito"; the profile's unit here
            field.help_text = city.public_profile_help()
        return field

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Datos personales"),
            {"fields": ("display_name", "district", "public_profile")},
        ),
        (_("Personal municipal"), {"fields": ("org_unit", "is_staff", "groups")}),
        (_("Verificación"), {"fields": ("is_verified_resident",)}),
        (
            _("Permisos avanzados"),
            {
                "classes": ("collapse",),
                "fields": ("is_active", "is_superuser", "user_permissions"),
            },
        ),
        (
            _("Fechas"),
            {
                "fields": (
                    "last_login",
                    "date_joined",
                    "privacy_accepted_at",
                    "deleted_at",
                )
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined", "privacy_accepted_at", "deleted_at"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),
    )

    def user_change_password(self, request, id, form_url=""):
        """Django's password form; a successful change is audit-logged with the actor
        (docs/threat-model.md, attack 1)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target = self.get_object(request, id)
            audit_log_record(
                actor=request.user,
                action="user.password.change",
                obj=target,
                object_type="openlima.user",
                object_id=id,
            )
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [
            f
            for f in form.changed_data
            if f
            in (
                "is_staff",
                "is_superuser",
                "is_active",
                "org_unit",
                "groups",
                "user_permissions",
            )
        ]
        if changed:
            audit_log_record(
                actor=request.user,
                action="permission.change",
                obj=obj,
                details={"fields": changed},
            )


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "email", "is_active"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    # The code under the profile's name for it ("UBIGEO" in Lima, docs/city-profile.md).
    list_display = ["code", "name"]
    search_fields = ["name", "ubigeo"]
    fields = ["code", "name", "slug", "geometry"]
    readonly_fields = ["code"]

    @admin.display(
        description=city.lazy_text("territory.code_label"), ordering="ubigeo"
    )
    def code(self, obj):
        return obj.ubigeo

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "action", "object_repr"]
    date_hierarchy = "created_at"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "task_name",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "dead_at",
    ]
    list_filter = ["task_name", ("dead_at", admin.EmptyFieldListFilter)]


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "last_result"]


@admin.register(PlatformRating)
class PlatformRatingAdmin(admin.ModelAdmin):
    """ "¿Le fue útil?" ratings for moderators (docs/feedback.md): they read the comments
    and mark them reviewed; nothing else can be changed, and nothing identifies anyone."""

    list_display = [
        "created_on",
        "part",
        "moment",
        "score",
        "comment_excerpt",
        "reviewed",
    ]
    list_filter = ["reviewed", "part", "moment", "score"]
    search_fields = ["comment"]
    fields = ["created_on", "part", "moment", "score", "comment", "reviewed"]
    readonly_fields = ["created_on", "part", "moment", "score", "comment"]
    actions = ["mark_reviewed"]
    show_full_result_count = False

    def _allowed(self, request):
        from . import roles
        from .selectors import user_has_role

        return request.user.is_superuser or user_has_role(
            user=request.user, role=roles.MODERATOR
        )

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("comentario"))
    def comment_excerpt(self, obj):
        from django.utils.text import Truncator

        return Truncator(obj.comment).chars(120) or "—"

    @admin.action(description=_("Marcar los comentarios como revisados"))
    def mark_reviewed(self, request, queryset):
        queryset.update(reviewed=True)


# allauth's own Authenticator admin shows and edits `data`, i.e. the TOTP secret and the
# recovery-code seed: a superuser could copy a member's second factor. Replaced by a list
# that shows only who has which factor; deleting one (a reset) is allowed and audit-logged.
from allauth.mfa.models import Authenticator  # noqa: E402

if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    # allauth's fields carry no verbose_name (their labels were English under `es`).
    list_display = ["account", "factor", "created", "last_used"]
    list_filter = ["type"]
    fields = ["account", "factor", "created", "last_used"]
    readonly_fields = fields
    search_fields = ["user__email"]
    list_select_related = ["user"]

    @admin.display(description=_("usuario"), ordering="user__email")
    def account(self, obj):
        return obj.user

    @admin.display(description=_("tipo"), ordering="type")
    def factor(self, obj):
        return obj.get_type_display()

    @admin.display(description=_("creado el"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("último uso"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _audit_delete(self, request, obj):
        audit_log_record(
            actor=request.user,
            action="user.mfa.delete",
            object_type="openlima.user",
            object_id=obj.user_id,
            details={"type": obj.type},
        )

    def delete_model(self, request, obj):
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)


# Permission names are written in English when the tables are created ("Can add …");
# staff choosing a group's or a user's permissions see them in their language (issue 12).
_PERMISSION_VERBS = {
    "add": _("Puede añadir %(model)s"),
    "change": _("Puede modificar %(model)s"),
    "delete": _("Puede eliminar %(model)s"),
    "view": _("Puede ver %(model)s"),
}


def permission_label(permission) -> str:
    """`app | model | action` with the action translated for Django's default ones."""
    ct = permission.content_type
    model = ct.model_class()
    verb, _sep, rest = permission.codename.partition("_")
    name = permission.name
    if model is not None and verb in _PERMISSION_VERBS and rest == ct.model:
        name = _PERMISSION_VERBS[verb] % {"model": model._meta.verbose_name}
        app = model._meta.app_config.verbose_name
        return f"{app} | {model._meta.verbose_name} | {name}"
    return str(permission)


def _translated_permissions(formfield):
    if formfield is not None:
        formfield.label_from_instance = permission_label
    return formfield


from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions":
            _translated_permissions(field)
        return field
