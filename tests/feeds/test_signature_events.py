"""signature.verification_failed: signing records the event where it keeps a failed verification."""

from __future__ import annotations

import hashlib

import pytest

from feeds.models import Event, EventKind
from signing.models import SignatureBundle, SignatureVerification
from signing.services.signatures import verify_bundles

pytestmark = pytest.mark.django_db


def _uploaded(release, content: bytes) -> SignatureBundle:
    artifact = b"an uploaded artifact"
    return SignatureBundle.objects.create(
        release=release, origin=SignatureBundle.Origin.UPLOADED, artifact_name="vendor.tar.gz",
        artifact_content=artifact, artifact_sha256=hashlib.sha256(artifact).hexdigest(), content=content,
        sha256=hashlib.sha256(content).hexdigest())


def test_a_failed_verification_is_an_event_naming_the_file_and_the_reason(release):
    bundle = _uploaded(release, b'{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}')
    verify_bundles(release)
    verification = SignatureVerification.objects.get(bundle=bundle)
    assert not verification.verified
    [event] = Event.objects.filter(kind=EventKind.SIGNATURE_VERIFICATION_FAILED)
    assert event.release == release and event.link == f"/releases/{release.pk}/"
    assert event.title.startswith("Signature of vendor.tar.gz failed verification (azurelinux 4.0 @ ")
    assert event.summary == verification.reason and event.payload["verification_id"] == verification.pk
    assert event.payload["bundle_id"] == bundle.pk and event.payload["origin"] == "uploaded"
