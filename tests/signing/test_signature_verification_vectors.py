"""The portal's verifier against real public Sigstore vectors (sigstore-conformance and sigstore-python).

Every happy-path case verifies and every `_fail` case is rejected, each against the trusted root the
vectors' README names (a case's own trusted_root.json, else the production or staging root embedded
in the pinned sigstore wheel), with an identity policy: never UnsafeNoOp.
"""

from __future__ import annotations

import pytest

from signing.services.verification import (
    TrustConfigError,
    certificate_identity,
    load_pinned_root,
    verify_bundle,
)
from tests.support.sigstore_vectors import (
    CONFORMANCE_IDENTITY,
    CONFORMANCE_ISSUER,
    conformance_case_names,
    embedded_root_path,
    vectors_dir,
)

pytestmark = pytest.mark.corpus

# Cases sigstore-python 4.5.1 cannot verify although they should pass; strict, so a fix is noticed.
UNSUPPORTED = {
    "managed-key-happy-path": "signed with a managed key (key.pub); the portal verifies keyless Fulcio "
                              "certificates against an identity policy only",
    "managed-key-and-trusted-root": "signed with a managed key (key.pub); keyless identity policies only",
    "intoto-with-custom-trust-root": "an intoto 0.0.2 log entry with an integrated time: sigstore-python 4.5.1 "
                                     "accepts integrated times for dsse/hashedrekord 0.0.1 only",
    "trust-root-tsa-validity-end-inclusive": "sigstore-python 4.5.1 treats the TSA's validFor end as exclusive",
}


def _conformance_case(name: str):
    case = vectors_dir() / "conformance-assets" / "bundle-verify" / name
    base = case.parent

    def text(file: str, default: str) -> str:
        return (case / file).read_text().strip() if (case / file).exists() else default

    artifact = (case / "artifact") if (case / "artifact").exists() else base / "a.txt"
    trusted_root = case / "trusted_root.json"
    root = load_pinned_root(trusted_root_path=str(trusted_root) if trusted_root.exists()
                            else embedded_root_path("production"))
    return case, artifact.read_bytes(), root, text("identity", CONFORMANCE_IDENTITY), text("issuer", CONFORMANCE_ISSUER)


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=UNSUPPORTED[n], strict=True)) if n in UNSUPPORTED else n
    for n in conformance_case_names()
])
def test_conformance_case_is_verified_unless_it_is_a_fail_case(name):
    try:
        case, artifact, root, identity, issuer = _conformance_case(name)
    except TrustConfigError as exc:  # the case's own trusted root is malformed: nothing can verify against it
        assert name.endswith("_fail"), exc
        return
    outcome = verify_bundle((case / "bundle.sigstore.json").read_bytes(), artifact, root=root, identity=identity,
                            issuer=issuer)
    assert outcome.verified is not name.endswith("_fail"), outcome.reason
    assert outcome.reason


def test_a_rekor_v2_bundle_with_a_timestamp_authority_keeps_the_verified_tsa_time():
    case, artifact, root, identity, issuer = _conformance_case("rekor2-happy-path")
    outcome = verify_bundle((case / "bundle.sigstore.json").read_bytes(), artifact, root=root, identity=identity,
                            issuer=issuer)
    assert outcome.verified and len(outcome.tsa_times) == 1
    assert outcome.integrated_time is None  # Rekor v2 entries have no integrated time; the TSA is the time source


def test_a_happy_path_bundle_records_the_signer_log_index_and_integrated_time():
    case, artifact, root, identity, issuer = _conformance_case("happy-path-v0.3")
    outcome = verify_bundle((case / "bundle.sigstore.json").read_bytes(), artifact, root=root, identity=identity,
                            issuer=issuer)
    assert outcome.verified
    assert (outcome.signer_identity, outcome.signer_issuer) == (CONFORMANCE_IDENTITY, CONFORMANCE_ISSUER)
    assert outcome.log_index is not None and outcome.log_index > 0
    assert outcome.integrated_time is not None and outcome.integrated_time.year >= 2023


def test_a_conformance_bundle_from_another_identity_is_rejected_with_the_reason():
    case, artifact, root, _, issuer = _conformance_case("happy-path-v0.3")
    outcome = verify_bundle((case / "bundle.sigstore.json").read_bytes(), artifact, root=root,
                            identity="https://github.com/evil/repo/.github/workflows/release.yml@refs/heads/main",
                            issuer=issuer)
    assert not outcome.verified
    assert "SAN" in outcome.reason and outcome.signer_identity == CONFORMANCE_IDENTITY


def test_a_conformance_bundle_with_another_issuer_is_rejected_with_the_reason():
    case, artifact, root, identity, _ = _conformance_case("happy-path-v0.3")
    outcome = verify_bundle((case / "bundle.sigstore.json").read_bytes(), artifact, root=root, identity=identity,
                            issuer="https://accounts.google.com")
    assert not outcome.verified and "issuer" in outcome.reason.lower()


# sigstore-python's own assets: (bundle, artifact, root, verifies). Their identities are read from each
# certificate, since sigstore-python's tests check these with UnsafeNoOp, which the portal never uses.
TSA_ROOT = "tsa/trust_config.json"
PYTHON_ASSETS = [
    ("bundle.txt.sigstore", "bundle.txt", "staging", True),
    ("bundle_v3.txt.sigstore", "bundle_v3.txt", "staging", True),
    ("bundle_v3_alt.txt.sigstore", "bundle_v3_alt.txt", "staging", True),
    ("integration/bundle_v3.txt.sigstore", "integration/bundle_v3.txt", "staging", True),
    ("bundle_v3_github.whl.sigstore", "bundle_v3_github.whl", "production", True),
    ("staging-rekor-v2.txt.sigstore.json", "staging-rekor-v2.txt", "staging", True),
    # its in-toto subject is "a.txt" with the digest of sigstore-conformance's a.txt
    ("a.dsse.staging-rekor-v2.txt.sigstore.json", "../conformance-assets/bundle-verify/a.txt", "staging", True),
    ("tsa/bundle.txt.sigstore", "tsa/bundle.txt", TSA_ROOT, True),
    # another instance's root: good bundles, wrong trusted root
    ("bundle_v3_github.whl.sigstore", "bundle_v3_github.whl", "staging", False),
    ("bundle_v3.txt.sigstore", "bundle_v3.txt", "production", False),
    ("staging-rekor-v2.txt.sigstore.json", "staging-rekor-v2.txt", "production", False),
    # broken on purpose
    ("bundle_cve_2022_36056.txt.sigstore", "bundle_cve_2022_36056.txt", "staging", False),
    ("bundle_invalid_version.txt.sigstore", "bundle_invalid_version.txt", "staging", False),
    ("bundle_no_cert_v1.txt.sigstore", "bundle_no_cert_v1.txt", "staging", False),
    ("bundle_no_checkpoint.txt.sigstore", "bundle_no_checkpoint.txt", "staging", False),
    ("bundle_no_log_entry.txt.sigstore", "bundle_no_log_entry.txt", "staging", False),
    ("bundle_v3_no_signed_time.txt.sigstore.json", "bundle_v3_no_signed_time.txt", "staging", False),
    ("integration/Python-3.12.5.tgz.sigstore", "integration/a.txt", "production", False),
    ("tsa/bundle.duplicate.sigstore", "tsa/bundle.txt", TSA_ROOT, False),
    ("tsa/bundle.many_timestamp.sigstore", "tsa/bundle.txt", TSA_ROOT, False),
    ("tsa/bundle.txt.late_timestamp.sigstore", "tsa/bundle.txt", TSA_ROOT, False),
]


@pytest.mark.parametrize(("bundle", "artifact", "root_name", "verifies"), PYTHON_ASSETS,
                         ids=[f"{b}@{r}" for b, _, r, _ in PYTHON_ASSETS])
def test_sigstore_python_asset_verifies_only_against_its_own_instance(bundle, artifact, root_name, verifies):
    from sigstore.models import Bundle

    assets = vectors_dir() / "sigstore-python-assets"
    root = (load_pinned_root(trust_config_path=str(assets / root_name)) if root_name == TSA_ROOT
            else load_pinned_root(trusted_root_path=embedded_root_path(root_name)))
    raw = (assets / bundle).read_bytes()
    try:
        identity, issuer = certificate_identity(Bundle.from_json(raw).signing_certificate)
    except Exception:  # unreadable on purpose; the verifier must say so
        identity, issuer = "nobody@example.invalid", "https://issuer.invalid"
    outcome = verify_bundle(raw, (assets / artifact).read_bytes(), root=root, identity=identity, issuer=issuer)
    assert outcome.verified is verifies, outcome.reason
    if bundle.startswith("staging-rekor-v2") and verifies:
        assert outcome.tsa_times, "the staging TSA's timestamp is a verified time source"
