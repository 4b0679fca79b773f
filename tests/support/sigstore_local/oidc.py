"""The instance's OIDC identity provider: ES256 ID tokens for the audience "sigstore"."""

from __future__ import annotations

import time

import jwt
from cryptography.hazmat.primitives.asymmetric import ec


class TokenIssuer:
    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.key = ec.generate_private_key(ec.SECP256R1())

    def token(self, subject: str, *, lifetime: int = 600, issuer: str | None = None) -> str:
        """An ID token whose `sub` becomes the certificate identity (sigstore-python's rule for unknown issuers)."""
        now = int(time.time())
        claims = {"iss": issuer or self.issuer, "sub": subject, "aud": "sigstore", "iat": now, "nbf": now,
                  "exp": now + lifetime}
        return jwt.encode(claims, self.key, algorithm="ES256")

    def identity_of(self, token: str) -> tuple[str, str]:
        """What Fulcio checks before issuing: our signature, audience, lifetime; returns (subject, issuer)."""
        claims = jwt.decode(token, self.key.public_key(), algorithms=["ES256"], audience="sigstore",
                            issuer=self.issuer, options={"require": ["iss", "sub", "aud", "exp", "iat"]})
        return claims["sub"], claims["iss"]
