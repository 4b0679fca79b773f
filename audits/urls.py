from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.release_list, name="release-list"),
    path("releases/<int:pk>/", views.release_detail, name="release-detail"),
    path("releases/<int:pk>/components/<str:name>/", views.component_detail, name="component-detail"),
]
