from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("releases/<id:pk>/reviews/", views.review_queue, name="queue"),
    path("releases/<id:pk>/reviews/decide/", views.bulk_decide, name="bulk-decide"),
    path("releases/<id:pk>/reviews/<id:review_id>/", views.review_detail, name="review"),
    path("releases/<id:pk>/reviews/<id:review_id>/comments/", views.comment, name="comment"),
]
