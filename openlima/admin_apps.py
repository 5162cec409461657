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
        # Date-only fields: a visible "dd/mm/aaaa" hint tied to the input, no time input;
        # the split date-time above names the time zone (issue 12).
        widgets.AdminDateWidget.template_name = "openlima/admin/date.html"
