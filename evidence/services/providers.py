"""The extension point through which the signing code adds signature files to evidence bundles.

A signature provider returns the signature bundles and verification results that exist for a
release (components=None) or for some of its components, as BundleFiles (path under
"signatures/", kind "signature-bundle", "signature-verification" or "signing-policy": whose
signature counts and every change of it). The app that signs registers its providers from its
AppConfig.ready(): `register_signature_provider(my_provider)` (today SigningConfig.ready registers
signing.services.signatures.evidence_signature_files and signing.services.policy.evidence_policy_files).
Without a signature-bundle file, bundles say that they hold no signatures.
"""

from __future__ import annotations

from typing import Callable

from audits.models import Release

from ..zipwriter import BundleFile

SignatureProvider = Callable[[Release, "list[str] | None"], list[BundleFile]]
_signature_providers: list[SignatureProvider] = []


def register_signature_provider(provider: SignatureProvider) -> None:
    if provider not in _signature_providers:
        _signature_providers.append(provider)


def signature_files(release: Release, components: list[str] | None) -> list[BundleFile]:
    """Every registered provider's files for the release (components=None) or for these components."""
    return [f for provider in _signature_providers for f in provider(release, components)]
