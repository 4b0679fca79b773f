from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("jobs/status.json", views.job_status, name="job-status"),
    path("healthz/jobs", views.job_metrics_view, name="job-metrics"),
    path("jobs/<id:pk>/cancel/", views.cancel_job, name="job-cancel"),
]
