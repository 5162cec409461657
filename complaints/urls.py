from django.urls import path
from django.utils.translation import gettext_lazy as _  # noqa: F401

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("nueva/", views.submit, name="submit"),
    path("recibo/", views.receipt_page, name="receipt"),
    path("verificacion/", views.altcha_challenge, name="altcha"),
    path("seguimiento/", views.track, name="track"),
    path("seguimiento/caso/", views.track_action, name="track_action"),
    # Integrity unit workspace (staff + 2FA + integrity_member + unlocked key).
    path("unidad/", views.workspace, name="workspace"),
    path("unidad/desbloquear/", views.workspace_unlock, name="unlock"),
    path("unidad/registrar/", views.register, name="register"),
    path("unidad/miembros/", views.members, name="members"),
    path("unidad/instituciones/", views.partners, name="partners"),
    path("unidad/casos/<int:complaint_id>/", views.case, name="case"),
    path(
        "unidad/casos/<int:complaint_id>/<slug:action>/",
        views.case_action,
        name="case_action",
    ),
    path(
        "unidad/casos/<int:complaint_id>/adjuntos/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
