"""The signature of a webhook delivery (PURE PYTHON: receivers may copy `verify`; docs/feeds.md).

Each delivery is a POST whose headers say what it is and prove who sent it and when:

    X-Pedigree-Event:      the event kind, e.g. component.diverged
    X-Pedigree-Delivery:   the delivery id (a redelivery gets a new one; the event id is in the body)
    X-Pedigree-Timestamp:  unix seconds when this attempt was signed
    X-Pedigree-Signature:  sha256=<hex HMAC-SHA256 with the endpoint secret over "<timestamp>.<raw body>">

The timestamp is inside the signed text, so it cannot be changed without the secret; a receiver refuses
a timestamp further than `tolerance` seconds from its clock (a replay of a captured delivery fails once
the window has passed; within it, receivers drop event ids they have already handled).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

EVENT_HEADER = "X-Pedigree-Event"
DELIVERY_HEADER = "X-Pedigree-Delivery"
TIMESTAMP_HEADER = "X-Pedigree-Timestamp"
SIGNATURE_HEADER = "X-Pedigree-Signature"
SCHEME = "sha256="
DEFAULT_TOLERANCE = 300  # seconds


def generate_secret() -> str:
    """A new endpoint secret: 256 random bits, URL-safe."""
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Pedigree-Signature value of `body` signed at `timestamp`."""
    mac = hmac.new(secret.encode("utf-8"), f"{int(timestamp)}.".encode("ascii") + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def headers(secret: str, *, event_kind: str, delivery_id: int | str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a delivery carries besides Content-Type."""
    return {
        EVENT_HEADER: event_kind,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(int(timestamp)),
        SIGNATURE_HEADER: sign(secret, int(timestamp), body),
    }


def verify(secret: str, timestamp: str | int, body: bytes, signature: str, now: float,
           tolerance: int = DEFAULT_TOLERANCE) -> bool:
    """True when `signature` is the endpoint's signature of `body` at `timestamp`, and `timestamp` is
    within `tolerance` seconds of `now` (the receiver's clock, unix seconds). Constant-time compare."""
    text = str(timestamp).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return False
    if abs(now - int(text)) > tolerance:
        return False
    expected = sign(secret, int(text), body)
    return hmac.compare_digest(expected.encode("ascii"), str(signature).strip().encode("utf-8", "replace"))
