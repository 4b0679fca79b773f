from django.urls import path, re_path

from . import changes, views

app_name = "history"
urlpatterns = [
    path("history/<str:distribution>/", views.distribution_history, name="distribution"),
    path("history/<str:distribution>/commits/<str:sha>/", views.snapshot_page, name="snapshot"),
    path("history/<str:distribution>/components/<str:name>/", views.component_timeline, name="timeline"),
    path("history/<str:distribution>/changes/", changes.changes_page, name="changes"),
    re_path(r"^history/(?P<distribution>[^/]+)/changes\.(?P<fmt>csv|xlsx)$", changes.changes_export, name="changes-export"),
]
