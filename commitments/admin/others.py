"""Admin of indicators, subscriptions and sent notices."""

from django.contrib import admin

from .. import selectors
from ..models import (
    Indicator,
    Measurement,
    SentNotice,
    Subscription,
)
from .common import _ReadOnly, _RoleAdmin


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 1

    def has_view_permission(self, request, obj=None):
        return selectors.user_may_manage(user=request.user)

    def has_add_permission(self, request, obj=None):
        return obj is not None and selectors.user_can_edit_commitment(
            user=request.user, commitment=obj.commitment
        )

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(Indicator)
class IndicatorAdmin(_RoleAdmin):
    inlines = [MeasurementInline]
    list_display = ["name", "commitment"]
    list_select_related = ["commitment"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return selectors.user_may_manage(user=request.user)
        return selectors.user_can_edit_commitment(
            user=request.user, commitment=obj.commitment
        )


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ["commitment", "created_at", "confirmed_at", "unsubscribed_at"]
    list_select_related = ["commitment"]


@admin.register(SentNotice)
class SentNoticeAdmin(_ReadOnly):
    list_display = ["key", "recipient", "sent_on"]
    search_fields = ["key", "recipient"]
