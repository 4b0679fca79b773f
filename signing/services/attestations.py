"""Signing a release's sign-off (policies): the in-toto statement as a DSSE envelope, with the same
identity and Sigstore instance as the SBOMs. Registered as policies' attestation signer by
SigningConfig.ready, so policies never imports signing."""

from __future__ import annotations

from django.conf import settings
from sigstore.dsse import Statement
from sigstore.errors import Error as SigstoreError
from sigstore.sign import SigningContext

from .signatures import identity_source
from .signing import SERVICE_ERRORS, SigningError, identity_token, load_trust_config


def sign_statement(statement: bytes) -> str:
    """The Sigstore bundle (JSON) of `statement` signed as DSSE; SigningError when it cannot be."""
    token = identity_token(identity_source())
    trust_config = load_trust_config(settings.PEDIGREE_SIGSTORE_TRUST_CONFIG)
    try:
        parsed = Statement(statement)
        with SigningContext.from_trust_config(trust_config).signer(token, cache=False) as signer:
            return signer.sign_dsse(parsed).to_json()
    except SigstoreError as exc:
        raise SigningError(f"signing the sign-off failed: {exc}") from exc
    except SERVICE_ERRORS as exc:
        raise SigningError(f"signing the sign-off failed: {type(exc).__name__}: {exc}") from exc
