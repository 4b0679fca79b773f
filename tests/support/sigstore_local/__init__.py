"""A throwaway Sigstore instance for tests, served on 127.0.0.1.

It plays Fulcio (`pki.FulcioCA`, with a CT log key for embedded SCTs), Rekor v1 (`rekor.RekorLog`),
an RFC 3161 timestamp authority (`tsa.TimestampAuthority`) and an OIDC provider (`oidc.TokenIssuer`), and describes itself as a ClientTrustConfig, so the
portal's own signing code (sigstore-python's SigningContext) talks to it over HTTP exactly as it
would talk to a real instance, and sigstore-python's Verifier checks what it produced. Nothing in
it comes from sigstore-python, so the two check each other.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .oidc import TokenIssuer
from .pki import CTLog, FulcioCA, spki
from .rekor import RejectedEntry, RekorLog
from .tsa import TimestampAuthority

TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"
SIGNING_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json"
TRUST_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json"
TSA_PATH = "/api/v1/timestamp"
# The instance is served on loopback, which the portal's egress policy refuses unless allowed: tests
# that sign with it set PEDIGREE_EGRESS_ALLOW to this (production allows nothing internal by default).
EGRESS_ALLOW = "127.0.0.1/32"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class LocalSigstore:
    """One instance with its own keys. Use as a context manager to serve it; `url` is then set."""

    def __init__(self, name: str = "sigstore-local") -> None:
        self.name = name
        self.valid_from = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        self.ct_log = CTLog()
        self.ca = FulcioCA(name=name, valid_from=self.valid_from, ct_log=self.ct_log)
        self.rekor = RekorLog(origin=f"{name}.rekor.test - 7321")
        self.oidc = TokenIssuer(f"https://oidc.{name}.test")
        self.tsa = TimestampAuthority(name=name, valid_from=self.valid_from)
        self.requests: list[str] = []  # "POST /path -> status", for tests that check the services were used
        self.url = "http://127.0.0.1:9"  # replaced by the served address
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- trust material --------------------------------------------------------------------------
    def trusted_root(self) -> dict:
        valid = {"start": _rfc3339(self.valid_from)}

        def key(public_key, log_id: bytes, url: str) -> dict:
            return {"baseUrl": url, "hashAlgorithm": "SHA2_256", "logId": {"keyId": _b64(log_id)},
                    "publicKey": {"rawBytes": _b64(spki(public_key)), "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                                  "validFor": valid}}

        return {
            "mediaType": TRUSTED_ROOT_MEDIA_TYPE,
            "tlogs": [key(self.rekor.key.public_key(), self.rekor.log_id, self.url)],
            "certificateAuthorities": [{
                "subject": {"organization": self.name, "commonName": f"{self.name} root"},
                "uri": self.url,
                "certChain": {"certificates": [{"rawBytes": _b64(c.public_bytes(serialization.Encoding.DER))}
                                               for c in self.ca.chain]},
                "validFor": valid,
            }],
            "ctlogs": [key(self.ct_log.key.public_key(), self.ct_log.log_id, self.url + "/ct")],
            "timestampAuthorities": [{
                "subject": {"organization": self.name, "commonName": f"{self.name} TSA"},
                "uri": self.url + TSA_PATH,
                "certChain": {"certificates": [{"rawBytes": _b64(c.public_bytes(serialization.Encoding.DER))}
                                               for c in self.tsa.chain]},
                "validFor": valid,
            }],
        }

    def signing_config(self) -> dict:
        service = {"url": self.url, "majorApiVersion": 1, "validFor": {"start": _rfc3339(self.valid_from)},
                   "operator": self.name}
        return {"mediaType": SIGNING_CONFIG_MEDIA_TYPE, "caUrls": [service], "oidcUrls": [],
                "rekorTlogUrls": [service], "tsaUrls": [{**service, "url": self.url + TSA_PATH}],
                "rekorTlogConfig": {"selector": "ANY"},
                "tsaConfig": {"selector": "ANY"}}

    def client_trust_config(self) -> dict:
        return {"mediaType": TRUST_CONFIG_MEDIA_TYPE, "trustedRoot": self.trusted_root(),
                "signingConfig": self.signing_config()}

    def token(self, subject: str = "release-bot@pedigree.test", **kwargs) -> str:
        return self.oidc.token(subject, **kwargs)

    # -- the services ----------------------------------------------------------------------------
    def signing_certificate(self, authorization: str, request: dict) -> dict:
        """POST /api/v2/signingCert: a leaf for the CSR's key, bound to the bearer token's identity."""
        if not authorization.startswith("Bearer "):
            raise PermissionError("an OIDC bearer token is required")
        try:
            subject, issuer = self.oidc.identity_of(authorization.removeprefix("Bearer "))
        except Exception as exc:
            raise PermissionError(f"identity token rejected: {exc}") from exc
        csr = x509.load_pem_x509_csr(base64.b64decode(request["certificateSigningRequest"]))
        if not csr.is_signature_valid:
            raise ValueError("the CSR is not signed by its key (no proof of possession)")
        leaf = self.ca.issue(csr.public_key(), identity=subject, issuer=issuer, now=dt.datetime.now(dt.timezone.utc))
        pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in (leaf, *self.ca.chain)]
        return {"signedCertificateEmbeddedSct": {"chain": {"certificates": pems}}}

    def __enter__(self) -> LocalSigstore:
        instance = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == TSA_PATH:  # DER in, DER out
                    return self._send(201, instance.tsa.reply(body), "application/timestamp-reply")
                try:
                    request = json.loads(body or b"{}")
                    if self.path == "/api/v2/signingCert":
                        status, reply = 201, instance.signing_certificate(self.headers.get("Authorization", ""), request)
                    elif self.path == "/api/v1/log/entries":
                        status, reply = 201, instance.rekor.add(request)
                    else:
                        status, reply = 404, {"code": 404, "message": f"no service at {self.path}"}
                except PermissionError as exc:
                    status, reply = 401, {"code": 401, "message": str(exc)}
                except (RejectedEntry, ValueError, KeyError) as exc:
                    status, reply = 400, {"code": 400, "message": f"{type(exc).__name__}: {exc}"}
                self._send(status, json.dumps(reply).encode(), "application/json")

            def _send(self, status: int, data: bytes, content_type: str) -> None:
                instance.requests.append(f"POST {self.path} -> {status}")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"{self.name}-http", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
