"""`Authorization: Bearer <API key>`: a DRF authentication class over access.apikeys and ApiKey rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import BaseThrottle

from .. import apikeys
from ..accesslog import record_refused_key
from ..models import ApiKey
from .throttling import FailedAuthenticationThrottle

# last_used_at is written at most this often per key, not on every call.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)
_NO_DIGEST = apikeys.hash_key("")


class ApiKeyPrincipal:
    """request.user for a call made with an API key: authenticated, no account, permissions from scopes."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key

    def get_username(self) -> str:
        return f"api key {self.api_key.name}"

    def __str__(self) -> str:
        return self.get_username()


def client_address(request) -> str:
    """The caller's address, trusting PEDIGREE_API_NUM_PROXIES proxies (DRF's NUM_PROXIES), like throttling."""
    return BaseThrottle().get_ident(request)


def acting_user(request):
    """The account behind a request, for `created_by` fields; None for API keys."""
    user = request.user
    return None if getattr(user, "api_key", None) is not None or not user.is_authenticated else user


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None  # no key: session authentication may still apply
        # Refused keys are counted per address; over the budget, nothing is checked (429, Retry-After).
        failures = FailedAuthenticationThrottle()
        if failures.over_budget(request):
            raise exceptions.Throttled(wait=failures.wait(),
                                       detail="Too many refused API keys from this address.")
        try:
            return self._authenticate(request, parts)
        except (exceptions.AuthenticationFailed, exceptions.PermissionDenied):
            failures.record_failure(request)
            raise

    def _authenticate(self, request, parts):
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header; send 'Bearer <API key>'.")
        raw = parts[1].decode("latin-1")
        prefix = apikeys.prefix_of(raw)
        key = ApiKey.objects.filter(prefix=prefix).first() if prefix else None
        # Hash and compare even without a row, so that timing does not tell which prefixes exist.
        if not apikeys.matches(raw, key.digest if key else _NO_DIGEST) or key is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        now = timezone.now()
        state = key.state(now)
        address = client_address(request)
        refusal = None
        if state == "revoked":
            refusal = exceptions.AuthenticationFailed("This API key has been revoked.")
        elif state == "expired":
            refusal = exceptions.AuthenticationFailed(f"This API key expired at {key.expires_at:%Y-%m-%d %H:%M} UTC.")
        elif not apikeys.address_allowed(address, key.allowed_networks):
            refusal = exceptions.PermissionDenied(f"This API key may not be used from {address}.")
        if refusal is not None:
            record_refused_key(request, key.name, str(refusal.detail))
            raise refusal
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION or key.last_used_from != address:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_from=address[:45])
        return ApiKeyPrincipal(key), key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="pedigree-api"'
