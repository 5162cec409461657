from django.contrib.admin.apps import AdminConfig


class OpenLimaAdminConfig(AdminConfig):
    """django.contrib.admin with Open Lima's 2FA-gated site as the default site."""

    default_site = "openlima.admin_site.OpenLimaAdminSite"
