from django.urls import path

from . import views

app_name = "information"
urlpatterns = [
    path("", views.index, name="index"),
    path("nueva/", views.file_request, name="file"),
    path("estadisticas/", views.statistics, name="statistics"),
    path(
        "estadisticas/informe-anual.<str:fmt>",
        views.annual_report,
        name="annual_report",
    ),
    path("mis-solicitudes/", views.my_requests, name="mine"),
    # Workspace of the transparency officer and the units (staff + 2FA).
    path("gestion/", views.work_list, name="work_list"),
    path("gestion/registrar/", views.work_register, name="work_register"),
    path("gestion/<str:number>/", views.work_detail, name="work_detail"),
    path(
        "gestion/<str:number>/documentos/<int:document_id>/<slug:action>/",
        views.work_document,
        name="work_document",
    ),
    path("gestion/<str:number>/<slug:action>/", views.work_action, name="work_action"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/seguimiento/", views.track, name="track"),
    path(
        "<str:number>/seguimiento/mensaje/", views.track_message, name="track_message"
    ),
    path("<str:number>/apelacion/", views.appeal_letter, name="appeal"),
    path(
        "<str:number>/mensajes/<int:message_id>/adjunto/",
        views.message_attachment,
        name="message_attachment",
    ),
    path(
        "<str:number>/documentos/<int:document_id>/",
        views.public_document,
        name="document",
    ),
]
