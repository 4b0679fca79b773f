"""Sign-in with a brake on password guessing.

Two counters, both in Django's cache (the database cache table, shared by every web process), both
kept for PEDIGREE_LOGIN_LOCKOUT_SECONDS from the first failure:

- per user name and address: after PEDIGREE_LOGIN_MAX_FAILURES failed attempts, further attempts
  for that name from that address are refused with 429 without checking the password;
- per address: after PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS failed attempts for any names (slow
  password spraying), every attempt from that address is refused with 429. A successful sign-in
  clears the first counter, never the second.

The user name is counted as the authentication backend will see it: the sign-in form's own field
cleans it (strip, NFKC, as AbstractBaseUser.normalize_username), so `ｖｉｃｔｉｍ` and `victim` share a
counter, and it is case-folded on top (a stricter brake; no two names the backend tells apart are
merged unless they differ only in case). The address is the client's as the REST API sees it
(PEDIGREE_API_NUM_PROXIES proxies trusted), so behind a proxy the budget is per client, not per proxy.
"""

from __future__ import annotations

import hashlib
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from rest_framework.throttling import BaseThrottle

from access.signin import ldap as directory
from access.signin import oidc
from access.signin.backends import local_signin_enabled
from access.signin.sessions import ENDED


def client_address(request) -> str:
    """The caller's address, trusting PEDIGREE_API_NUM_PROXIES proxies (DRF's NUM_PROXIES), like the API."""
    return BaseThrottle().get_ident(request) or ""


def counted_name(form_class, raw: str) -> str:
    """The user name as the backend receives it (the form field's cleaning), case-folded."""
    try:
        name = form_class.base_fields["username"].to_python(raw)
    except ValidationError:
        name = raw
    name = get_user_model().normalize_username(name if isinstance(name, str) else str(name))
    return unicodedata.normalize("NFKC", name.casefold())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _count(key: str) -> None:
    cache.add(key, 0, settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS)


class ThrottledLoginView(LoginView):
    """The sign-in page: the configured methods (docs/authentication.md), and the throttled form of
    local and LDAP accounts. A directory that cannot be reached is said so, and not counted as a
    wrong password."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            oidc_enabled=oidc.enabled(), oidc_name=settings.PEDIGREE_OIDC_NAME, ldap_enabled=directory.enabled(),
            local_enabled=local_signin_enabled(), local_for_everyone="*" in settings.PEDIGREE_LOCAL_SIGNIN_USERS,
            session_ended=self.request.session.pop(ENDED, None) if self.request.method == "GET" else None,
        )
        return context

    def _keys(self) -> tuple[str, str]:
        address = client_address(self.request)
        name = counted_name(self.get_form_class(), self.request.POST.get("username", ""))
        return f"login-failures:{address}:{_digest(name)}", f"login-failures-address:{address}"

    def post(self, request, *args, **kwargs):
        name_key, address_key = self._keys()
        if cache.get(address_key, 0) >= settings.PEDIGREE_LOGIN_MAX_FAILURES_PER_ADDRESS:
            return self._throttled("address")
        if cache.get(name_key, 0) >= settings.PEDIGREE_LOGIN_MAX_FAILURES:
            return self._throttled("user name")
        return super().post(request, *args, **kwargs)

    def _throttled(self, what: str):
        form = self.get_form()
        context = self.get_context_data(form=form, throttled=what,
                                        lockout_minutes=max(1, settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS // 60))
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS)
        return response

    def form_invalid(self, form):
        if getattr(self.request, directory.UNAVAILABLE_ATTRIBUTE, False):
            context = self.get_context_data(form=form, directory_unavailable=True)
            return self.render_to_response(context, status=503)
        for key in self._keys():
            _count(key)
        return super().form_invalid(form)

    def form_valid(self, form):
        cache.delete(self._keys()[0])
        return super().form_valid(form)
