"""Only configuration is in the admin. Complaint content models are deliberately NOT
registered: superusers and other staff must not be able to list or read cases."""

from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]
