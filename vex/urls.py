from django.urls import path

from . import views

app_name = "vex"

urlpatterns = [
    path("releases/<id:release_id>/", views.release_vex, name="release"),
    path("releases/<id:release_id>/scan", views.scan, name="scan"),
    path("advisories/", views.advisories, name="advisories"),
    path("advisories/import", views.import_file, name="import"),
]
