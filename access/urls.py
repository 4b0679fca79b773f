from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("api-keys/", views.api_keys, name="api-keys"),
    path("api-keys/<id:pk>/revoke/", views.revoke, name="api-key-revoke"),
]
