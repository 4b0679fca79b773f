"""Keyless Sigstore signing of artifact bytes with sigstore-python (no Django here).

The Sigstore instance is named by a ClientTrustConfig (public-good when none is configured) and
the signer's identity is an OIDC token from configuration or from the CI/cloud environment
(ambient detection). Without an identity nothing is signed: signing never falls back to a key
or to another identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sigstore._internal.fulcio.client import ExpiredCertificate, FulcioClientError
from sigstore._internal.rekor import RekorClientError
from sigstore.errors import Error as SigstoreError
from sigstore.models import ClientTrustConfig
from sigstore.oidc import (
    ExpiredIdentity,
    IdentityError,
    IdentityToken,
    detect_credential,
)
from sigstore.sign import SigningContext

from access import egress
from access.egress import EgressPolicy

T = TypeVar("T")

NO_IDENTITY = (
    "no signing identity is configured: set PEDIGREE_SIGSTORE_IDENTITY_TOKEN or "
    "PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE, or PEDIGREE_SIGSTORE_AMBIENT_CREDENTIALS=true on a CI or cloud "
    "runner with workload identity; nothing was signed"
)


# What the Fulcio/Rekor clients raise (sigstore-python's own classes are not all under its Error;
# requests' connection errors are OSErrors).
SERVICE_ERRORS = (SigstoreError, FulcioClientError, RekorClientError, ExpiredIdentity, ExpiredCertificate,
                  ValueError, OSError)


class SigningError(Exception):
    """Signing cannot happen (no identity, bad trust configuration, a service refused); nothing was stored."""


@dataclass(frozen=True)
class IdentitySource:
    """Where the OIDC token comes from, as configured; read at signing time since tokens are short-lived."""

    token: str = ""
    token_file: str = ""
    ambient: bool = False


def identity_token(source: IdentitySource) -> IdentityToken:
    """The token from the setting, the file (re-read each time: projected tokens are rotated), or the environment."""
    raw = source.token.strip()
    if not raw and source.token_file:
        try:
            raw = Path(source.token_file).read_text().strip()
        except OSError as exc:
            raise SigningError(f"the identity token file cannot be read: {exc}") from exc
    if not raw and source.ambient:
        try:
            raw = detect_credential() or ""
        except IdentityError as exc:
            raise SigningError(f"ambient credential detection failed: {exc}") from exc
        if not raw:
            raise SigningError("ambient credential detection found no OIDC credential in this environment; "
                               "nothing was signed")
    if not raw:
        raise SigningError(NO_IDENTITY)
    try:
        return IdentityToken(raw)
    except IdentityError as exc:
        raise SigningError(f"the identity token is not usable: {exc}") from exc


def load_trust_config(path: str, *, egress_policy: EgressPolicy | None = None) -> ClientTrustConfig:
    """The ClientTrustConfig JSON at `path`; public-good Sigstore (refreshed over TUF) when `path` is empty.

    The services a configured file names must pass the egress policy (default: the configured one).
    """
    try:
        if not path:
            return ClientTrustConfig.production()
        text = Path(path).read_text()
        config = ClientTrustConfig.from_json(text)
    except (OSError, ValueError, SigstoreError) as exc:
        raise SigningError(f"the Sigstore trust configuration cannot be loaded: {type(exc).__name__}: {exc}") from exc
    problem = egress.trust_config_problem(text, egress_policy if egress_policy is not None else egress.default_policy())
    if problem:
        raise SigningError(f"the Sigstore trust configuration names a service that may not be reached: {problem}; "
                           "nothing was signed")
    return config


def sign_each(items: Iterable[tuple[T, bytes]], *, trust_config: ClientTrustConfig,
              token: IdentityToken) -> Iterator[tuple[T, str]]:
    """Sign each item's bytes; yields (item, bundle JSON). One certificate serves the whole batch."""
    context = SigningContext.from_trust_config(trust_config)
    try:
        with context.signer(token, cache=True) as signer:
            for item, content in items:
                yield item, signer.sign_artifact(content).to_json()
    except SigningError:
        raise
    except SERVICE_ERRORS as exc:
        raise SigningError(f"signing failed: {type(exc).__name__}: {exc}") from exc
