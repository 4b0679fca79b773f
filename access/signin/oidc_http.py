"""HTTP to the OpenID Connect provider, through the egress policy (access.egress).

Every request (discovery document, JWKS, token endpoint, and each redirect hop, since requests
sends each through the adapter) is checked with `egress.check_url` against the configured policy
before it is sent: the provider and whatever its metadata names are held to the same rules as git
clones and Sigstore. The connection is then pinned to the addresses that were checked (the TCP
connection goes to the checked address while the Host header, TLS SNI and certificate check keep the
host name), so a second DNS answer cannot move it (DNS rebinding). Environment proxies are ignored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .. import egress
from ..egress_settings import current_policy

Pins = dict[tuple[str, int], str]


def _pinned_connection(base: type, pins: Pins) -> type:
    class PinnedConnection(base):  # type: ignore[misc, valid-type]
        def _new_conn(self):
            address = pins.get((egress.normalise_host(self._dns_host), self.port))
            if address is None:  # never happens: send() checks every URL first
                raise egress.EgressRefused(f"{self._dns_host} was not checked against the egress policy")
            host, self._dns_host = self._dns_host, address
            try:
                return super()._new_conn()
            finally:
                self._dns_host = host

    return PinnedConnection


class EgressAdapter(HTTPAdapter):
    """A requests adapter that checks each URL against `policy` and connects only to the checked addresses."""

    def __init__(self, policy: egress.EgressPolicy, timeout: float):
        self.policy = policy
        self.timeout = timeout
        self.pins: Pins = {}
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        pins = self.pins

        class PinnedHTTPPool(HTTPConnectionPool):
            ConnectionCls = _pinned_connection(HTTPConnection, pins)

        class PinnedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = _pinned_connection(HTTPSConnection, pins)

        self.poolmanager.pool_classes_by_scheme = {"http": PinnedHTTPPool, "https": PinnedHTTPSPool}

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        destination = egress.check_url(request.url, self.policy)  # EgressError: refused, or not resolvable
        host = egress.normalise_host(urlsplit(request.url).hostname or "")
        self.pins[(host, destination.port)] = destination.addresses[0]
        return super().send(request, stream=stream, timeout=timeout or self.timeout, verify=verify, cert=cert,
                            proxies={})


class EgressOAuth2Session(OAuth2Session):
    """Authlib's requests session, every connection through EgressAdapter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timeout", settings.PEDIGREE_SIGNIN_TIMEOUT)
        super().__init__(*args, **kwargs)
        self.trust_env = False  # no HTTP(S)_PROXY: the connection is the one the policy checked
        adapter = EgressAdapter(current_policy(), timeout=settings.PEDIGREE_SIGNIN_TIMEOUT)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
