"""Pytest plugin: the sign-in providers of the tests, real servers on loopback.

- `oidc_provider`: tests/support/oidc_provider.py started on a free port, Pedigree configured for it
  (the loopback address allowed by the egress policy, as an operator would allow an internal provider).
- `slapd`: Debian's slapd (tests/support/slapd.py), one per test session, with `ldap_settings`
  pointing Pedigree at it. Without slapd installed the LDAP tests skip (CI installs it: .ci/run).
"""

from __future__ import annotations

import pytest
import requests

from access.signin.rolemap import parse_role_map
from tests.support import slapd as slapd_support
from tests.support.oidc_provider import OIDCProvider

OIDC_ROLE_MAP = ('{"pedigree-auditors": "auditor", "pedigree-release-managers": ["release-manager"], '
                 '"pedigree-admins": "admin"}')
LDAP_ROLE_MAP = ('{"cn=pedigree-auditors,ou=groups,dc=example,dc=org": "auditor", '
                 '"cn=pedigree-release-managers,ou=groups,dc=example,dc=org": "release-manager", '
                 '"CN=Pedigree-Admins, OU=Groups, DC=Example, DC=Org": "admin"}')


@pytest.fixture
def oidc_provider(settings, roles):
    provider = OIDCProvider().start()
    settings.PEDIGREE_OIDC_ISSUER = provider.issuer
    settings.PEDIGREE_OIDC_CLIENT_ID = provider.client_id
    settings.PEDIGREE_OIDC_CLIENT_SECRET = provider.client_secret
    settings.PEDIGREE_OIDC_NAME = "Example ID"
    settings.PEDIGREE_OIDC_ROLE_MAP = parse_role_map(OIDC_ROLE_MAP, "PEDIGREE_OIDC_ROLE_MAP")
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1"]
    try:
        yield provider
    finally:
        provider.stop()


def oidc_sign_in(client, provider: OIDCProvider, name: str, *, next_url: str = ""):
    """The whole redirect dance with Django's test client and a real HTTP request to the provider:
    start, authorization (as `name`), callback. Returns the callback's response."""
    provider.login_as = name
    start = client.get("/accounts/oidc/start/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content.decode()[:2000]
    authorization = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert authorization.status_code == 302, authorization.text
    return client.get(callback_path(authorization.headers["Location"]))


def callback_path(location: str) -> str:
    """The path and query of Pedigree's callback URL (the test client has no host)."""
    assert location.startswith("http://testserver/accounts/oidc/callback/?"), location
    return location[len("http://testserver"):]


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    if not slapd_support.available():
        pytest.skip("slapd is not installed (apt-get install slapd)")
    server = slapd_support.Slapd(tmp_path_factory.mktemp("slapd"))
    server.setup()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ldap_settings(settings, slapd, roles):
    settings.PEDIGREE_LDAP_SERVER_URI = slapd.uri
    settings.PEDIGREE_LDAP_START_TLS = False
    settings.PEDIGREE_LDAP_CA_FILE = slapd.ca_file
    settings.PEDIGREE_LDAP_BIND_DN = slapd_support.SERVICE_DN
    settings.PEDIGREE_LDAP_BIND_PASSWORD = slapd_support.SERVICE_PASSWORD
    settings.PEDIGREE_LDAP_USER_SEARCH_BASE = slapd_support.USERS_BASE
    settings.PEDIGREE_LDAP_USER_FILTER = "(uid=%(user)s)"
    settings.PEDIGREE_LDAP_GROUP_SEARCH_BASE = slapd_support.GROUPS_BASE
    settings.PEDIGREE_LDAP_GROUP_FILTER = "(objectClass=groupOfNames)"
    settings.PEDIGREE_LDAP_GROUP_TYPE = "nestedGroupOfNames"
    settings.PEDIGREE_LDAP_ROLE_MAP = parse_role_map(LDAP_ROLE_MAP, "PEDIGREE_LDAP_ROLE_MAP", dn=True)
    return settings
