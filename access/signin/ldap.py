"""LDAP sign-in with django-auth-ldap, configured from the PEDIGREE_LDAP_* settings.

The directory backend binds with the service account (or anonymously), finds the user with the
user search, binds as the user with the password given, then reads the user's groups with the group
search (nested groups followed for the nested group types) and maps their distinguished names to
roles (PEDIGREE_LDAP_ROLE_MAP). Connections: ldaps:// or StartTLS (PEDIGREE_LDAP_START_TLS) with
the CA of PEDIGREE_LDAP_CA_FILE, a timeout, and referrals never chased (the directory cannot send
Pedigree to another server). When the directory cannot be reached the sign-in page says so, and
local break-glass accounts still sign in (they are checked first, without the directory).
"""

from __future__ import annotations

import logging

import ldap
from django.conf import settings
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import (
    ActiveDirectoryGroupType,
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    LDAPSettings,
    NestedActiveDirectoryGroupType,
    NestedGroupOfNamesType,
    NestedGroupOfUniqueNamesType,
    PosixGroupType,
)

from ..models import ExternalIdentity
from .accounts import SignInRefused, provider_account, refuse_unlinked
from .rolemap import roles_for

logger = logging.getLogger(__name__)

GROUP_TYPES = {
    "groupOfNames": GroupOfNamesType,
    "nestedGroupOfNames": NestedGroupOfNamesType,
    "groupOfUniqueNames": GroupOfUniqueNamesType,
    "nestedGroupOfUniqueNames": NestedGroupOfUniqueNamesType,
    "activeDirectory": ActiveDirectoryGroupType,
    "nestedActiveDirectory": NestedActiveDirectoryGroupType,
    "posixGroup": PosixGroupType,
}
# Set on the request when the directory could not be asked (the sign-in page says so).
UNAVAILABLE_ATTRIBUTE = "pedigree_directory_unavailable"


def enabled() -> bool:
    return bool(settings.PEDIGREE_LDAP_SERVER_URI)


def directory_settings() -> dict:
    """django-auth-ldap's settings (its AUTH_LDAP_* names without the prefix) from Pedigree's."""
    timeout = settings.PEDIGREE_SIGNIN_TIMEOUT
    options = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout}
    if settings.PEDIGREE_LDAP_CA_FILE:
        options[ldap.OPT_X_TLS_CACERTFILE] = settings.PEDIGREE_LDAP_CA_FILE
    options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above to this connection
    return {
        "SERVER_URI": settings.PEDIGREE_LDAP_SERVER_URI,
        "START_TLS": settings.PEDIGREE_LDAP_START_TLS,
        "CONNECTION_OPTIONS": options,
        "BIND_DN": settings.PEDIGREE_LDAP_BIND_DN,
        "BIND_PASSWORD": settings.PEDIGREE_LDAP_BIND_PASSWORD,
        "USER_SEARCH": LDAPSearch(settings.PEDIGREE_LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE,
                                  settings.PEDIGREE_LDAP_USER_FILTER),
        "GROUP_SEARCH": LDAPSearch(settings.PEDIGREE_LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE,
                                   settings.PEDIGREE_LDAP_GROUP_FILTER),
        "GROUP_TYPE": GROUP_TYPES[settings.PEDIGREE_LDAP_GROUP_TYPE](),
        "USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "ALWAYS_UPDATE_USER": True,
        "FIND_GROUP_PERMS": False,
        "CACHE_TIMEOUT": 0,
    }


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap with Pedigree's settings, account rules (accounts.py) and role map."""

    @property
    def settings(self):
        if self._settings is None:
            self._settings = LDAPSettings(self.settings_prefix, directory_settings())
        return self._settings

    @settings.setter
    def settings(self, value):
        self._settings = value

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not enabled():
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and not ExternalIdentity.objects.filter(user=user, method=ExternalIdentity.LDAP).exists():
            try:
                refuse_unlinked(user, "ldap", username, settings.PEDIGREE_LDAP_SERVER_URI)
            except SignInRefused as exc:
                raise ldap_user.AuthenticationFailed(str(exc)) from None
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        try:
            groups = sorted(ldap_user.group_dns)
        except ldap.LDAPError as exc:
            _directory_error(None, context="group search", request=ldap_user._request, exception=exc)
            return None
        try:
            return provider_account(
                method=ExternalIdentity.LDAP, issuer=settings.PEDIGREE_LDAP_SERVER_URI, subject=user.get_username().lower(),
                username=user.get_username(), username_source="directory", groups=groups,
                roles=roles_for(groups, settings.PEDIGREE_LDAP_ROLE_MAP, dn=True), user=user,
            )
        except SignInRefused as exc:
            logger.warning("LDAP sign-in of %r refused: %s", user.get_username(), exc)
            return None


def _directory_error(sender, *, context, request=None, exception=None, **kwargs) -> None:
    """django-auth-ldap reports every LDAPError (the user's wrong password is not one): mark the request."""
    logger.warning("LDAP directory error (%s): %r", context, exception)
    if request is not None:
        setattr(request, UNAVAILABLE_ATTRIBUTE, True)


ldap_error.connect(_directory_error, dispatch_uid="pedigree-ldap-error")
