"""Signatures are made over the SBOM tests' release (the sample repository plus a pinned openssl) and
its generated documents: the same fixtures, shared from tests/sbom/conftest.py.

The local Sigstore instance and the settings for it are tests/support/sigstore_fixtures.py."""

from tests.sbom.conftest import generated, release  # noqa: F401  (fixtures)
