"""The public Sigstore test vectors in ../shared/corpus/sigstore-vectors (read there, never copied).

Absent vectors skip the tests that need them, or fail them under PEDIGREE_REQUIRE_CORPUS=1 (CI),
through the same rule as the Azure Linux corpus.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .corpus import corpus_dir, require

# The trusted roots embedded in the pinned sigstore wheel, which the vectors' README names.
EMBEDDED_ROOTS = {
    "production": "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev",
    "staging": "https%3A%2F%2Ftuf-repo-cdn.sigstage.dev",
}
# sigstore-conformance's defaults when a case has no `identity` / `issuer` file.
CONFORMANCE_IDENTITY = ("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
                        ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main")
CONFORMANCE_ISSUER = "https://token.actions.githubusercontent.com"


def root() -> Path:
    return corpus_dir() / "sigstore-vectors"


def vectors_dir() -> Path:
    return require(root(), "the Sigstore test vectors")


def embedded_root_path(instance: str) -> str:
    return str(resources.files("sigstore._store").joinpath(EMBEDDED_ROOTS[instance], "trusted_root.json"))


def conformance_case_names() -> list[str]:
    """Case folder names for parametrisation; one placeholder when absent, so the test itself skips."""
    cases = root() / "conformance-assets" / "bundle-verify"
    if not cases.is_dir():
        return ["(sigstore-vectors absent)"]
    return sorted(p.name for p in cases.iterdir() if p.is_dir())
