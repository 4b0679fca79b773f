"""OpenID Connect sign-in with Authlib: the authorization code flow with PKCE (S256), state and nonce.

`start` redirects to the provider's authorization endpoint; Authlib keeps the state, nonce and PKCE
code verifier in the session under the state, and `finish` takes them out again (a state is good
once: a replayed callback finds nothing and is refused). The ID token from the token endpoint must
be signed by a key in the provider's JWKS with an asymmetric algorithm the provider advertises, and
carry our issuer, our client id as audience, a lifetime that has not ended (60 s leeway) and the
nonce of this sign-in. The provider's discovery document must name the configured issuer, and every
endpoint must be https:// (http:// only on loopback, for tests). Connections: oidc_http.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from joserfc import errors as jose_errors

from .. import egress
from .oidc_http import EgressOAuth2Session
from .rolemap import roles_for

logger = logging.getLogger(__name__)

# ID tokens signed with a shared secret (HS*) or not at all are never accepted.
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
LEEWAY_SECONDS = 60
_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint")


class OIDCError(Exception):
    """Sign-in through the provider failed; the message says why in plain words."""


@dataclass(frozen=True)
class ProviderUser:
    issuer: str
    subject: str
    username: str
    groups: list[str]
    roles: frozenset[str]
    email: str
    first_name: str
    last_name: str
    id_token: str
    end_session_endpoint: str


def enabled() -> bool:
    return bool(settings.PEDIGREE_OIDC_ISSUER and settings.PEDIGREE_OIDC_CLIENT_ID)


def issuer() -> str:
    return settings.PEDIGREE_OIDC_ISSUER.rstrip("/")


def secure_or_loopback(url: str) -> bool:
    """https://, or http:// to a loopback address (a provider of the test suite)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    if parts.scheme != "http":
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PedigreeOIDCApp(DjangoOAuth2App):
    client_cls = EgressOAuth2Session


def _app() -> PedigreeOIDCApp:
    secret = settings.PEDIGREE_OIDC_CLIENT_SECRET
    return PedigreeOIDCApp(
        DjangoIntegration("pedigree"), name="pedigree", client_id=settings.PEDIGREE_OIDC_CLIENT_ID,
        client_secret=secret or None, server_metadata_url=f"{issuer()}/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(settings.PEDIGREE_OIDC_SCOPES), "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_basic" if secret else "none"},
    )


def _metadata(app: PedigreeOIDCApp) -> dict:
    metadata = app.load_server_metadata()
    if metadata.get("issuer") != issuer():
        raise OIDCError(f"the provider's discovery document names the issuer {metadata.get('issuer')!r}, "
                        f"not the configured {issuer()!r}")
    for name in _ENDPOINTS:
        url = metadata.get(name)
        if url and not (isinstance(url, str) and secure_or_loopback(url)):
            raise OIDCError(f"the provider's {name} {url!r} is not an https:// address")
    advertised = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [a for a in advertised if a in ASYMMETRIC_ALGORITHMS]
    if not allowed:
        raise OIDCError(f"the provider signs ID tokens only with {', '.join(map(str, advertised))}; Pedigree "
                        f"accepts {', '.join(ASYMMETRIC_ALGORITHMS)}")
    metadata["id_token_signing_alg_values_supported"] = allowed  # what parse_id_token accepts
    return metadata


def _plain(exc: Exception) -> str:
    """What went wrong, in our words (the details go to the log)."""
    if isinstance(exc, OIDCError):
        return str(exc)
    if isinstance(exc, MismatchingStateError):
        return ("this sign-in answer does not belong to a sign-in started here, or it was already used "
                "(state); start again")
    if isinstance(exc, OAuthError):
        return f"the provider answered {exc.error}" + (f": {exc.description}" if exc.description else "")
    if isinstance(exc, jose_errors.ExpiredTokenError):
        return "the provider's ID token has expired"
    if isinstance(exc, jose_errors.BadSignatureError):
        return "the ID token's signature does not verify with the provider's published keys"
    if isinstance(exc, jose_errors.InvalidKeyIdError):
        return "the ID token is signed with a key the provider does not publish"
    if isinstance(exc, jose_errors.ClaimError):
        words = {"aud": "is not for this client (audience)", "iss": "comes from another issuer",
                 "nonce": "does not belong to this sign-in (nonce)", "azp": "was issued to another client (azp)",
                 "nbf": "is not valid yet", "iat": "has a wrong issue time"}
        what = words.get(exc.claim, f"has a wrong or missing {exc.claim} claim")
        return f"the ID token {'lacks the ' + exc.claim + ' claim' if isinstance(exc, jose_errors.MissingClaimError) else what}"
    if isinstance(exc, jose_errors.JoseError):
        return "the ID token could not be verified"
    if isinstance(exc, egress.EgressError):
        return f"Pedigree may not connect to the provider: {exc}"
    if isinstance(exc, (requests.RequestException, ValueError)):
        return "the provider could not be reached or answered something that is not OpenID Connect"
    return "the provider's answer could not be used"


# Failures that are the provider's or the network's, not a bug here: logged without a traceback.
_EXPECTED = (OIDCError, OAuthError, jose_errors.JoseError, egress.EgressError, requests.RequestException, ValueError)


def _log(what: str, exc: Exception) -> None:
    logger.warning("%s: %r", what, exc, exc_info=not isinstance(exc, _EXPECTED))


def start(request, redirect_uri: str):
    """The redirect to the provider's authorization endpoint (state, nonce and PKCE kept in the session)."""
    try:
        app = _app()
        _metadata(app)
        return app.authorize_redirect(request, redirect_uri)
    except Exception as exc:
        _log("OpenID Connect sign-in could not start", exc)
        raise OIDCError(_plain(exc)) from exc


def finish(request) -> ProviderUser:
    """The verified user of the provider's answer at the callback."""
    try:
        app = _app()
        metadata = _metadata(app)
        claims_options = {
            "iss": {"essential": True, "value": issuer()},
            "aud": {"essential": True, "value": settings.PEDIGREE_OIDC_CLIENT_ID},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
        }
        token = app.authorize_access_token(request, claims_options=claims_options, leeway=LEEWAY_SECONDS)
        claims = token.get("userinfo")
        if not claims:
            raise OIDCError("the provider sent no ID token")
    except Exception as exc:
        _log("OpenID Connect sign-in refused", exc)
        raise OIDCError(_plain(exc)) from exc
    raw_groups = claims.get(settings.PEDIGREE_OIDC_GROUPS_CLAIM) or []
    groups = [raw_groups] if isinstance(raw_groups, str) else [str(g) for g in raw_groups if isinstance(g, (str, int))]
    return ProviderUser(
        issuer=issuer(), subject=str(claims["sub"]), username=str(claims.get(settings.PEDIGREE_OIDC_USERNAME_CLAIM) or ""),
        groups=groups, roles=roles_for(groups, settings.PEDIGREE_OIDC_ROLE_MAP),
        email=str(claims.get("email") or ""), first_name=str(claims.get("given_name") or ""),
        last_name=str(claims.get("family_name") or ""), id_token=str(token.get("id_token") or ""),
        end_session_endpoint=str(metadata.get("end_session_endpoint") or ""),
    )
