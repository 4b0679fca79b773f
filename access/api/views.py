from rest_framework import mixins, viewsets
from rest_framework.routers import SimpleRouter

from ..models import AccessLog
from ..permissions import VIEW_ACCESS_LOG
from .base import ApiView
from .filters import AccessLogFilter, StrictFilterBackend
from .serializers import AccessLogSerializer


class AccessLogViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The access log, newest first (needs the `admin` scope)."""

    queryset = AccessLog.objects.order_by("-at", "-id")
    serializer_class = AccessLogSerializer
    permission = VIEW_ACCESS_LOG
    filter_backends = [StrictFilterBackend]
    filterset_class = AccessLogFilter


router = SimpleRouter(use_regex_path=False)
router.register("access-log", AccessLogViewSet, basename="access-log")
urlpatterns = router.urls
