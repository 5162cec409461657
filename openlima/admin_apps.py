from django.contrib.admin.apps import AdminConfig


class OpenLimaAdminConfig(AdminConfig):
    """django.contrib.admin with Open Lima's 2FA-gated site as the default site."""

    default_site = "openlima.admin_site.OpenLimaAdminSite"

    def ready(self):
        super().ready()
        from django.contrib.admin import widgets

        # Date and time inputs each with their own <label> and a format hint (axe
        # "label"; issue 12). The template lives in openlima/templates/.
        widgets.AdminSplitDateTime.template_name = "openlima/admin/split_datetime.html"
