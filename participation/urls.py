from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("", views.index, name="index"),
    path("propuestas/", views.proposal_list, name="proposal_list"),
    path("propuestas/nueva/", views.proposal_create, name="proposal_create"),
    path("propuestas/mias/", views.my_proposals, name="my_proposals"),
    path("propuestas/apoyadas/", views.my_supports, name="my_supports"),
    path("siguiendo/", views.my_follows, name="my_follows"),
    path("sesiones/mias/", views.my_sessions, name="my_sessions"),
    path("propuestas/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path(
        "propuestas/<int:pk>/imagen/<str:name>",
        views.proposal_image,
        name="proposal_image",
    ),
    path("propuestas/<int:pk>/editar/", views.proposal_edit, name="proposal_edit"),
    path(
        "propuestas/<int:pk>/retirar/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path("propuestas/<int:pk>/apoyo/", views.proposal_support, name="proposal_support"),
    path(
        "propuestas/<int:pk>/moderar/",
        views.proposal_moderate,
        name="proposal_moderate",
    ),
    path("gestion/respuestas/", views.answer_queue, name="answer_queue"),
    path(
        "gestion/propuestas/<int:pk>/responder/",
        views.proposal_answer,
        name="proposal_answer",
    ),
    path("seguir/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path(
        "comentarios/<str:target_type>/<int:target_id>/",
        views.comments,
        name="comments",
    ),
    path(
        "comentario/<int:pk>/moderar/", views.comment_moderate, name="comment_moderate"
    ),
    path(
        "comentario/<int:pk>/<str:action>/",
        views.comment_action,
        name="comment_action",
    ),
    path("moderacion/", views.moderation_log, name="moderation_log"),
    path("consultas/", views.consultation_list, name="consultation_list"),
    path(
        "consultas/<slug:slug>/",
        views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultas/<slug:slug>/calificar/",
        views.consultation_rate,
        name="consultation_rate",
    ),
    path("sesiones/", views.session_list, name="session_list"),
    path("sesiones/<int:pk>/", views.session_detail, name="session_detail"),
    path(
        "sesiones/<int:pk>/inscripcion/",
        views.session_register,
        name="session_register",
    ),
    path("sesiones/<int:pk>/cerrar/", views.session_close, name="session_close"),
    path("sesiones/<int:pk>/cancelar/", views.session_cancel, name="session_cancel"),
    path("distritos/", views.district_list, name="district_list"),
    path("distritos/<slug:slug>/", views.district_detail, name="district_detail"),
    path("avisos/", views.notification_settings, name="notification_settings"),
    path("avisos/baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
