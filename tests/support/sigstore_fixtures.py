"""The throwaway Sigstore instance as fixtures (registered for every test directory in tests/conftest.py)."""

import json

import pytest

from tests.support.sigstore_local import EGRESS_ALLOW

SIGNER = "release-bot@pedigree.test"


@pytest.fixture(scope="session")
def local_sigstore():
    """A throwaway Sigstore instance on 127.0.0.1 (Fulcio, CT log key, Rekor v1, OIDC issuer)."""
    from tests.support.sigstore_local import LocalSigstore

    with LocalSigstore() as instance:
        yield instance


@pytest.fixture
def sigstore_settings(settings, tmp_path, local_sigstore):
    """The portal configured for the local instance, as production would be for a private Sigstore."""
    config = tmp_path / "trust-config.json"
    config.write_text(json.dumps(local_sigstore.client_trust_config()))
    token = tmp_path / "oidc-token"
    token.write_text(local_sigstore.token(SIGNER))
    settings.PEDIGREE_SIGSTORE_TRUST_CONFIG = str(config)
    settings.PEDIGREE_SIGSTORE_TRUSTED_ROOT = ""
    settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN = ""
    settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE = str(token)
    settings.PEDIGREE_SIGSTORE_AMBIENT_CREDENTIALS = False
    settings.PEDIGREE_SIGSTORE_IDENTITY = SIGNER
    settings.PEDIGREE_SIGSTORE_OIDC_ISSUER = local_sigstore.oidc.issuer
    settings.PEDIGREE_EGRESS_ALLOW = [EGRESS_ALLOW]  # the instance runs on loopback
    return settings
