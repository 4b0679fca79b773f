from django.urls import path, re_path

from . import views

app_name = "evidence"
urlpatterns = [
    path("releases/<id:pk>/evidence/", views.bundle_list, name="list"),
    path("releases/<id:pk>/evidence/start/", views.start_release_bundle, name="start"),
    path("releases/<id:pk>/components/<str:name>/evidence/", views.create_component_bundle, name="component"),
    path("evidence/<id:pk>.zip", views.download, name="download"),
    re_path(r"^evidence/(?P<pk>[0-9]{1,18})/(?P<member>oscal\.json|findings\.csv)$", views.oscal_file, name="oscal"),
]
