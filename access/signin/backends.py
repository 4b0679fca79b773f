"""Local accounts (user name and password kept by Pedigree) and the OpenID Connect session backend.

PEDIGREE_LOCAL_SIGNIN_USERS says who may sign in with a local password: `*` (the default) every
local account; a comma-separated list of names only those (the break-glass admins); empty nobody.
Accounts made for a provider identity never have a usable password, whatever the setting.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

LOCAL_BACKEND = "access.signin.backends.LocalBackend"
OIDC_BACKEND = "access.signin.backends.OIDCBackend"
LDAP_BACKEND = "access.signin.ldap.DirectoryBackend"


def local_signin_allowed(username: str) -> bool:
    allowed = settings.PEDIGREE_LOCAL_SIGNIN_USERS
    if "*" in allowed:
        return True
    name = get_user_model().normalize_username(username or "").casefold()
    return name in {entry.casefold() for entry in allowed}


def local_signin_enabled() -> bool:
    return bool(settings.PEDIGREE_LOCAL_SIGNIN_USERS)


class LocalBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or not local_signin_allowed(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class OIDCBackend(ModelBackend):
    """The session backend of accounts signed in through OpenID Connect (views.oidc_callback logs them
    in after checking the ID token); it authenticates nothing by itself."""

    def authenticate(self, request, **kwargs):
        return None
