"""One request rate per API key, signed-in user or (unauthenticated) address: PEDIGREE_API_THROTTLE_RATE.

And a budget of refused credentials per client address (PEDIGREE_API_AUTH_FAILURE_RATE): DRF
authenticates before it throttles, so a refused key never reaches ApiClientThrottle; the
authentication class counts its refusals here and answers 429 once the address is over budget.
"""

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


class FailedAuthenticationThrottle(SimpleRateThrottle):
    """Refused API credentials per client address, in a sliding window (DRF's history of timestamps)."""

    scope = "api-auth-failures"

    def get_rate(self) -> str:
        return settings.PEDIGREE_API_AUTH_FAILURE_RATE

    def get_cache_key(self, request, view) -> str:
        return f"throttle-{self.scope}-address-{self.get_ident(request)}"

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def over_budget(self, request) -> bool:
        """True when this address has used up its refusals; `wait()` then says for how long."""
        self._load(request)
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
