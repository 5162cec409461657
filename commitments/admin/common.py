"""Shared pieces of the commitments admin: role-scoped base, read-only base, milestone fields."""

from django.contrib import admin

from .. import selectors, services

# The admin's milestone forms edit exactly what milestone_update accepts (one list).
MILESTONE_FORM_FIELDS = services.MILESTONE_EDITABLE_FIELDS


class _RoleAdmin(admin.ModelAdmin):
    """Coordinators manage; unit editors see (and edit where a method says so)."""

    def has_module_permission(self, request):
        return selectors.user_may_manage(user=request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_add_permission(self, request):
        return selectors.user_is_coordinator(user=request.user)

    def has_change_permission(self, request, obj=None):
        return selectors.user_is_coordinator(user=request.user)

    def has_delete_permission(self, request, obj=None):
        return selectors.user_is_coordinator(user=request.user)


class _ReadOnly(_RoleAdmin):
    def has_module_permission(self, request):
        return selectors.user_is_coordinator(user=request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.user_is_coordinator(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
