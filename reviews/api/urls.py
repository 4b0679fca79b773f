"""The reviews app's API router (included under /api/v1/ by portal/urls.py, namespace "api")."""

from rest_framework.routers import SimpleRouter

from audits.api.urls import RELEASE

from . import views

router = SimpleRouter(use_regex_path=False)
router.register(f"{RELEASE}/reviews", views.ReviewViewSet, basename="review")

urlpatterns = router.urls
