from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from openlima import api_auth, metrics, views

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
    # Supports are the API's busiest write: their patterns are tried first.
    path("", include("participation.api_urls")),
    path("", include("commitments.api_urls")),
    path("", include("complaints.api_urls")),
    path("", include("opendata.api_urls")),
    path("", include("budgets.api_urls")),
    path("", include("information.api_urls")),
    path("auth/token/", api_auth.ApiTokenApi.as_view(), name="auth-token"),
]

urlpatterns = [
    # The API first: its busiest requests resolve without trying the other prefixes
    # (HealthzMiddleware answers /healthz before any URL is resolved).
    path("api/v1/", include((api_v1, "api"))),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("perfil/tema.css", views.city_theme_css, name="city_theme_css"),
    path("perfil/logo", views.city_logo, name="city_logo"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("gestion/", admin.site.urls),
    # Non-localised machine endpoints of opendata (CKAN API, DCAT catalogue).
    path("", include("opendata.root_urls")),
    path("", include("contracting.root_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacidad/", views.privacy, name="privacy"),
    path("buscar/", views.search, name="search"),
    path("valoracion/", views.feedback, name="feedback"),
    path("cuenta/", include("allauth.urls")),
    path("cuenta/mis-datos/", views.account, name="account_profile"),
    path("cuenta/mis-datos/descargar/", views.account_export, name="account_export"),
    path("cuenta/eliminar/", views.account_delete, name="account_delete"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("compromisos/", include("commitments.urls")),
    path("denuncias/", include("complaints.urls")),
    path("participa/presupuestos/", include("budgets.urls")),
    path("participa/", include("participation.urls")),
    path("informacion/", include("information.urls")),
    path("", include("opendata.urls")),
    path("", include("contracting.urls")),
    prefix_default_language=False,
)

# JSON error pages under /api/, Django's elsewhere (openlima/api_errors.py).
handler400 = "openlima.api_errors.bad_request"
handler403 = "openlima.api_errors.permission_denied"
handler404 = "openlima.api_errors.page_not_found"
handler500 = "openlima.api_errors.server_error"
