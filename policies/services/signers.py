"""The attestation-signer extension point: the app that signs (`signing`) registers a callable that signs an
in-toto statement's bytes as a DSSE envelope and returns the Sigstore bundle JSON, from its AppConfig.ready.
Policies never imports signing; without a registered signer a release cannot be signed off."""

from __future__ import annotations

from typing import Callable

class SignerError(Exception):
    """The registered signer could not sign (no identity, a Sigstore service refused); its message says why."""


AttestationSigner = Callable[[bytes], str]  # statement JSON -> Sigstore bundle JSON; raises SignerError
_signers: list[AttestationSigner] = []


def register_attestation_signer(signer: AttestationSigner) -> None:
    _signers[:] = [signer]


def attestation_signer() -> AttestationSigner | None:
    return _signers[0] if _signers else None
