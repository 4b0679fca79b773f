from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("oidc/start/", views.oidc_start, name="oidc-start"),
    path("oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("no-role/", views.no_role, name="no-role"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<id:pk>/end/", views.end_sessions, name="end-sessions"),
]
