"""Signing a release's sign-off (policies): the in-toto statement as a DSSE envelope, with the same
identity and Sigstore instance as the SBOMs. Registered as policies' attestation signer by
SigningConfig.ready, so policies never imports signing."""

from __future__ import annotations

from django.conf import settings
from sigstore.dsse import Statement
from sigstore.sign import SigningContext

from policies.services.signers import SignerError

from .signatures import identity_source
from .signing import SERVICE_ERRORS, SigningError, identity_token, load_trust_config


def sign_statement(statement: bytes) -> str:
    """The Sigstore bundle (JSON) of `statement` signed as DSSE; policies' SignerError when it cannot be."""
    try:
        token = identity_token(identity_source())
        trust_config = load_trust_config(settings.PEDIGREE_SIGSTORE_TRUST_CONFIG)
        # cache=True: sigstore-python 4.x with cache=False signs with another key than the certificate's
        with SigningContext.from_trust_config(trust_config).signer(token, cache=True) as signer:
            return signer.sign_dsse(Statement(statement)).to_json()
    except SigningError as exc:
        raise SignerError(str(exc)) from exc
    except SERVICE_ERRORS as exc:  # sigstore's Error (a malformed statement too) is among them
        raise SignerError(f"{type(exc).__name__}: {exc}") from exc
