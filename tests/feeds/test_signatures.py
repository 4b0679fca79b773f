"""feeds.signatures (pure): what a receiver checks."""

import hashlib
import hmac

from feeds import signatures

SECRET = "whsec_test"
BODY = b'{"kind":"release.ingested","title":"caf\xc3\xa9"}'
NOW = 1_770_000_000


def test_a_signature_verifies_with_the_secret_body_and_timestamp_it_was_made_with():
    signature = signatures.sign(SECRET, NOW, BODY)
    assert signatures.verify(SECRET, str(NOW), BODY, signature, now=NOW + 10)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body_in_hex():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signatures.sign(SECRET, NOW, BODY) == f"sha256={expected}"


def test_a_changed_body_is_refused():
    signature = signatures.sign(SECRET, NOW, BODY)
    assert not signatures.verify(SECRET, NOW, BODY.replace(b"release", b"relea5e"), signature, now=NOW)


def test_a_changed_timestamp_is_refused():
    signature = signatures.sign(SECRET, NOW, BODY)
    assert not signatures.verify(SECRET, NOW + 1, BODY, signature, now=NOW)


def test_another_secret_is_refused():
    assert not signatures.verify("whsec_other", NOW, BODY, signatures.sign(SECRET, NOW, BODY), now=NOW)


def test_a_replay_after_the_tolerance_window_is_refused():
    signature = signatures.sign(SECRET, NOW, BODY)
    assert signatures.verify(SECRET, NOW, BODY, signature, now=NOW + 300)
    assert not signatures.verify(SECRET, NOW, BODY, signature, now=NOW + 301)


def test_a_timestamp_from_the_future_beyond_the_tolerance_is_refused():
    signature = signatures.sign(SECRET, NOW + 1000, BODY)
    assert not signatures.verify(SECRET, NOW + 1000, BODY, signature, now=NOW)


def test_malformed_timestamps_and_signatures_are_refused_without_raising():
    signature = signatures.sign(SECRET, NOW, BODY)
    for timestamp in ("", "-5", "1e9", "１２３", "12345678901234567890", f"{NOW}.0"):
        assert not signatures.verify(SECRET, timestamp, BODY, signature, now=NOW)
    for bad in ("", "sha256=", signature.upper(), signature[:-1], "sha1=" + signature[7:], "sha256=é"):
        assert not signatures.verify(SECRET, NOW, BODY, bad, now=NOW)


def test_headers_name_the_event_delivery_timestamp_and_signature():
    headers = signatures.headers(SECRET, event_kind="job.failed", delivery_id=7, timestamp=NOW, body=BODY)
    assert headers == {"X-Pedigree-Event": "job.failed", "X-Pedigree-Delivery": "7",
                       "X-Pedigree-Timestamp": str(NOW), "X-Pedigree-Signature": signatures.sign(SECRET, NOW, BODY)}


def test_generated_secrets_are_long_and_distinct():
    first, second = signatures.generate_secret(), signatures.generate_secret()
    assert first != second and first.startswith("whsec_") and len(first) >= 40
