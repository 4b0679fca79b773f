"""One request rate per API key, signed-in user or (unauthenticated) address: PEDIGREE_API_THROTTLE_RATE."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiClientThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return settings.PEDIGREE_API_THROTTLE_RATE  # read per request, so that tests and operators can change it

    def get_cache_key(self, request, view) -> str:
        api_key = getattr(request.user, "api_key", None)
        if api_key is not None:
            ident = f"key-{api_key.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return f"throttle-{self.scope}-{ident}"
