"""The audits app's API router (included under /api/v1/ by portal/urls.py, namespace "api")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

RELEASE = "releases/<id:release_pk>"

router = SimpleRouter(use_regex_path=False)
router.register("releases", views.ReleaseViewSet, basename="release")
router.register(f"{RELEASE}/components", views.ComponentViewSet, basename="component")
router.register(f"{RELEASE}/components/<str:component_name>/history", views.ComponentHistoryViewSet,
                basename="component-history")
router.register(f"{RELEASE}/overlays", views.OverlayViewSet, basename="overlay")
router.register(f"{RELEASE}/build-customisations", views.BuildCustomisationViewSet, basename="build-customisation")
router.register(f"{RELEASE}/upstream-verifications", views.UpstreamVerificationViewSet, basename="upstream-verification")
router.register(f"{RELEASE}/images", views.ImageViewSet, basename="image")
router.register(f"{RELEASE}/images/<id:image_pk>/packages", views.ImagePackageViewSet, basename="image-package")
router.register("commits", views.CommitViewSet, basename="commit")

urlpatterns = router.urls + [
    path("comparisons/", views.ComparisonView.as_view(), name="comparison"),
    path(f"{RELEASE}/license-inventory/", views.LicenseInventoryView.as_view(), name="license-inventory"),
]
