"""Job monitoring for scrapers: queue depths and job ages as JSON.

Reachable with `Authorization: Bearer <PEDIGREE_MONITORING_TOKEN>` (a monitoring system has no
session), or by a signed-in admin; without the token setting only the latter.
"""

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audits.permissions import can_view_access_log
from audits.services.monitoring import job_metrics

from .middleware import public


def _token_matches(request) -> bool:
    token = settings.PEDIGREE_MONITORING_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@public
@never_cache
@require_GET
def job_metrics_view(request):
    if not (_token_matches(request) or (request.user.is_authenticated and can_view_access_log(request.user))):
        return JsonResponse({"detail": "a monitoring token or an admin session is required"}, status=403)
    return JsonResponse(job_metrics().as_dict())
