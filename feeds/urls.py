from django.urls import path

from . import views, views_admin

app_name = "feeds"
urlpatterns = [
    path("feeds/atom.xml", views.atom_feed, name="atom"),
    path("feeds/webhooks/", views_admin.webhooks, name="webhooks"),
    path("feeds/webhooks/<id:pk>/", views_admin.delivery_log, name="deliveries"),
    path("feeds/webhooks/<id:pk>/toggle/", views_admin.toggle, name="webhook-toggle"),
    path("feeds/webhooks/<id:pk>/delete/", views_admin.delete, name="webhook-delete"),
    path("feeds/deliveries/<id:pk>/redeliver/", views_admin.redeliver, name="redeliver"),
]
