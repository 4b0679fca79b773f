"""Verify a Sigstore bundle against a pinned trusted root and an identity policy (no Django here).

The trusted root always comes from the portal's configuration, never from the bundle, and the
policy always names an identity and its OIDC issuer (sigstore's UnsafeNoOp is never used). Every
outcome, including a rejection, is returned as data with its reason so it can be kept as evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from cryptography import x509
from sigstore._internal.timestamp import TimestampSource
from sigstore.errors import Error as SigstoreError
from sigstore.hashes import Hashed
from sigstore.models import Bundle, TrustedRoot
from sigstore.verify import Verifier, policy
from sigstore_models.common.v1 import HashAlgorithm
from sigstore_models.trustroot.v1 import TrustedRoot as TrustedRootMessage

# The public-good trusted root embedded in the pinned sigstore wheel (what `--offline` uses).
PUBLIC_GOOD_STORE = "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev"
OIDC_ISSUER_V2 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8")  # DER UTF8String
OIDC_ISSUER_V1 = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1")  # raw bytes (deprecated)
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
INTOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"


class TrustConfigError(Exception):
    """The configured trusted root or trust configuration cannot be read."""


@dataclass(frozen=True)
class PinnedRoot:
    """A trusted root and the SHA-256 of the JSON it was read from (recorded with every result)."""

    root: TrustedRoot
    json: str
    sha256: str
    public_good: bool  # the root embedded in sigstore-python, not one from configuration


def public_good_file(name: str) -> str:
    """A file of the public-good TUF snapshot that ships inside the pinned sigstore wheel."""
    return resources.files("sigstore._store").joinpath(PUBLIC_GOOD_STORE, name).read_text()


def load_pinned_root(*, trusted_root_path: str = "", trust_config_path: str = "") -> PinnedRoot:
    """The root to verify against: the trusted_root.json file, else the trust config's root, else public-good."""
    try:
        if trusted_root_path:
            text, public_good = Path(trusted_root_path).read_text(), False
        elif trust_config_path:
            text = json.dumps(json.loads(Path(trust_config_path).read_text())["trustedRoot"])
            public_good = False
        else:
            text, public_good = public_good_file("trusted_root.json"), True
        root = TrustedRoot(TrustedRootMessage.from_json(text))
    except (OSError, ValueError, KeyError, SigstoreError) as exc:
        raise TrustConfigError(f"the trusted root cannot be loaded: {type(exc).__name__}: {exc}") from exc
    return PinnedRoot(root=root, json=text, sha256=hashlib.sha256(text.encode()).hexdigest(), public_good=public_good)


@dataclass(frozen=True)
class Outcome:
    verified: bool
    reason: str
    signer_identity: str = ""
    signer_issuer: str = ""
    log_index: int | None = None
    integrated_time: dt.datetime | None = None
    tsa_times: list[dt.datetime] = field(default_factory=list)


def certificate_identity(certificate: x509.Certificate) -> tuple[str, str]:
    """(SAN, OIDC issuer) as written in a Fulcio certificate; blank when absent."""
    identity = ""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        values = [str(n.value) for n in names if isinstance(n, (x509.RFC822Name, x509.UniformResourceIdentifier))]
        identity = values[0] if values else ""
    except x509.ExtensionNotFound:
        pass
    issuer = ""
    for oid in (OIDC_ISSUER_V2, OIDC_ISSUER_V1):
        try:
            raw = certificate.extensions.get_extension_for_oid(oid).value.value
        except x509.ExtensionNotFound:
            continue
        issuer = _der_utf8(raw) if oid == OIDC_ISSUER_V2 else raw.decode(errors="replace")
        break
    return identity, issuer


def _der_utf8(raw: bytes) -> str:
    """The text of a DER UTF8String (tag 0x0c, short or long length)."""
    if len(raw) < 2 or raw[0] != 0x0C:
        return raw.decode(errors="replace")
    size, offset = raw[1], 2
    if size & 0x80:
        count = size & 0x7F
        size, offset = int.from_bytes(raw[2:2 + count], "big"), 2 + count
    return raw[offset:offset + size].decode(errors="replace")


def artifact_input(artifact: bytes | None, sha256_hex: str) -> bytes | Hashed:
    """The artifact's bytes when we have them, else its SHA-256 digest (a digest-only third-party upload)."""
    if artifact is not None:
        return artifact
    if not SHA256_HEX.fullmatch(sha256_hex):
        raise ValueError("a SHA-256 digest is 64 lower-case hexadecimal characters")
    return Hashed(algorithm=HashAlgorithm.SHA2_256, digest=bytes.fromhex(sha256_hex))


def verify_bundle(bundle_json: bytes, artifact: bytes | Hashed, *, root: PinnedRoot, identity: str,
                  issuer: str) -> Outcome:
    """Check `bundle_json` over `artifact`; never raises for a bad bundle, the reason is in the outcome."""
    try:
        bundle = Bundle.from_json(bundle_json)
    except (SigstoreError, ValueError) as exc:
        return Outcome(False, f"the bundle cannot be read: {_reason(exc)}")
    try:
        signer_identity, signer_issuer = certificate_identity(bundle.signing_certificate)
    except (ValueError, x509.DuplicateExtension):  # malformed extensions: nothing to show, verification says why
        signer_identity, signer_issuer = "", ""
    entry = bundle.log_entry._inner
    facts = dict(
        signer_identity=signer_identity,
        signer_issuer=signer_issuer,
        log_index=entry.log_index,
        integrated_time=dt.datetime.fromtimestamp(entry.integrated_time, dt.timezone.utc)
        if entry.integrated_time else None,
    )
    if not identity or not issuer:
        return Outcome(False, "no identity policy: the expected signer identity and OIDC issuer are not configured",
                       **facts)
    verifier = Verifier(trusted_root=root.root)
    expected = policy.Identity(identity=identity, issuer=issuer)
    try:
        if bundle._dsse_envelope is not None:  # an in-toto statement signed as DSSE (third-party bundles)
            _verify_statement(verifier, bundle, artifact, expected)
        else:
            verifier.verify_artifact(artifact, bundle, expected)
        # sigstore-python has no public API for the times it verified; this is the one it used above.
        tsa_times = [t.time for t in verifier._establish_time(bundle)
                     if t.source == TimestampSource.TIMESTAMP_AUTHORITY]
    except (SigstoreError, ValueError) as exc:
        return Outcome(False, _reason(exc), **facts)
    except Exception as exc:  # untrusted input may trip anything below sigstore; keep it as this bundle's result
        return Outcome(False, f"verification error: {type(exc).__name__}: {_reason(exc)}", **facts)
    return Outcome(True, f"signed by {signer_identity} ({signer_issuer}), logged at index {entry.log_index}",
                   tsa_times=tsa_times, **facts)


def _verify_statement(verifier: Verifier, bundle: Bundle, artifact: bytes | Hashed, expected) -> None:
    """What `sigstore verify` does for DSSE: the envelope verifies and one subject has the artifact's digest."""
    payload_type, payload = verifier.verify_dsse(bundle, expected)
    if payload_type != INTOTO_PAYLOAD_TYPE:
        raise ValueError(f"unexpected DSSE payload type {payload_type}")
    digest = (artifact.digest if isinstance(artifact, Hashed) else hashlib.sha256(artifact).digest()).hex()
    subjects = json.loads(payload).get("subject") or []
    if not any(s.get("digest", {}).get("sha256") == digest for s in subjects):
        raise ValueError("the in-toto statement has no subject with the artifact's SHA-256 digest")


def _reason(exc: BaseException) -> str:
    """sigstore's message on one line (pydantic's are several), bounded."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return (text or type(exc).__name__)[:2000]



TRUST_CONFIG_FILE_NAME = "sigstore-trust-config.json"


def stock_cli_command(artifact: str, bundle_file: str, *, identity: str, issuer: str, custom_root: bool) -> str:
    """The `sigstore` CLI command that verifies `artifact` (a file name or "sha256:HEX") offline.

    Public-good bundles need nothing but the CLI (its embedded root); any other root is passed as
    the portal's trust configuration file, which `--trust-config` takes before the subcommand.
    """
    words = ["python", "-m", "sigstore"]
    if custom_root:
        words += ["--trust-config", TRUST_CONFIG_FILE_NAME]
    words += ["verify", "identity", "--offline", "--bundle", bundle_file, "--cert-identity", identity,
              "--cert-oidc-issuer", issuer, artifact]
    return shlex.join(words)


def customer_trust_config(root: PinnedRoot, signing_config_json: str) -> str:
    """A ClientTrustConfig with the pinned root, for `sigstore --trust-config` (the CLI wants a signing config too)."""
    return json.dumps({
        "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
        "trustedRoot": json.loads(root.json),
        "signingConfig": json.loads(signing_config_json),
    }, indent=2)
