"""Rekor v1's half of the instance: an RFC 6962 Merkle log of hashedrekord entries (signed artifacts) and
dsse entries (signed in-toto statements, the release sign-offs) whose replies carry an inclusion proof, a
signed checkpoint and a signed entry timestamp, as POST /api/v1/log/entries does."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from .pki import log_key_id

DIGESTS = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


class RejectedEntry(ValueError):
    """The proposed entry is malformed or its signature does not verify (Rekor answers 400)."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def tree_hash(leaves: list[bytes]) -> bytes:
    """MTH of RFC 6962 section 2.1 over leaf hashes (n >= 1)."""
    if len(leaves) == 1:
        return leaves[0]
    k = _largest_power_of_two_below(len(leaves))
    return node_hash(tree_hash(leaves[:k]), tree_hash(leaves[k:]))


def audit_path(index: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 section 2.1.1, nearest sibling first."""
    if len(leaves) <= 1:
        return []
    k = _largest_power_of_two_below(len(leaves))
    if index < k:
        return audit_path(index, leaves[:k]) + [tree_hash(leaves[k:])]
    return audit_path(index - k, leaves[k:]) + [tree_hash(leaves[:k])]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class RekorLog:
    """One append-only log with an ECDSA P-256 key; `origin` names it in checkpoints."""

    def __init__(self, *, origin: str, unrelated_entries: int = 6) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.log_id = log_key_id(self.key.public_key())
        self.origin = origin
        self._leaves: list[bytes] = []
        self._lock = threading.Lock()
        for i in range(unrelated_entries):  # so proofs have several levels, like a real log's
            self._append(rfc8785.dumps({"unrelated": i}))

    def _append(self, body: bytes) -> tuple[int, list[bytes]]:
        with self._lock:
            self._leaves.append(leaf_hash(body))
            return len(self._leaves) - 1, list(self._leaves)

    def checkpoint(self, size: int, root: bytes) -> str:
        """A signed note: "origin\\nsize\\nroot\\n", a blank line, then "— name b64(key hint + signature)".

        Pitfall: the key hint is the first four bytes of the log ID (SHA-256 of the SPKI), which
        sigstore-python compares before it tries the signature.
        """
        note = f"{self.origin}\n{size}\n{_b64(root)}\n"
        signature = self.key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        return f"{note}\n\u2014 {self.origin.split(' ')[0]} {_b64(self.log_id[:4] + signature)}\n"

    def add(self, proposed: dict) -> dict:
        """Check a proposed hashedrekord or dsse 0.0.1 entry, log it, and answer like Rekor v1."""
        kind = (proposed.get("kind"), proposed.get("apiVersion"))
        if kind not in (("hashedrekord", "0.0.1"), ("dsse", "0.0.1")):
            raise RejectedEntry("only hashedrekord and dsse 0.0.1 entries are accepted by this log")
        checked = self._checked_hashedrekord(proposed) if kind[0] == "hashedrekord" else self._checked_dsse(proposed)
        body = rfc8785.dumps(checked)
        index, leaves = self._append(body)
        integrated_time = int(time.time())
        root = tree_hash(leaves)
        encoded = _b64(body)
        promise = rfc8785.dumps({"body": encoded, "integratedTime": integrated_time,
                                 "logID": self.log_id.hex(), "logIndex": index})
        return {leaves[index].hex(): {
            "body": encoded,
            "integratedTime": integrated_time,
            "logID": self.log_id.hex(),
            "logIndex": index,
            "verification": {
                "signedEntryTimestamp": _b64(self.key.sign(promise, ec.ECDSA(hashes.SHA256()))),
                "inclusionProof": {
                    "logIndex": index, "treeSize": len(leaves), "rootHash": root.hex(),
                    "hashes": [h.hex() for h in audit_path(index, leaves)],
                    "checkpoint": self.checkpoint(len(leaves), root),
                },
            },
        }}

    @staticmethod
    def _checked_hashedrekord(proposed: dict) -> dict:
        try:
            spec = proposed["spec"]
            algorithm = spec["data"]["hash"]["algorithm"]
            digest = bytes.fromhex(spec["data"]["hash"]["value"])
            signature = base64.b64decode(spec["signature"]["content"], validate=True)
            certificate = x509.load_pem_x509_certificate(
                base64.b64decode(spec["signature"]["publicKey"]["content"], validate=True))
            certificate.public_key().verify(signature, digest, ec.ECDSA(Prehashed(DIGESTS[algorithm])))
        except Exception as exc:  # any defect of the proposal is the client's
            raise RejectedEntry(f"invalid hashedrekord entry: {type(exc).__name__}: {exc}") from exc
        return {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
            "data": {"hash": {"algorithm": algorithm, "value": digest.hex()}},
            "signature": {"content": spec["signature"]["content"],
                          "publicKey": {"content": spec["signature"]["publicKey"]["content"]}},
        }}

    @staticmethod
    def _checked_dsse(proposed: dict) -> dict:
        """Rekor's dsse type: the envelope's signature over its PAE must verify with the proposed certificate;
        the log keeps the envelope's and payload's digests and each signature with its verifier."""
        try:
            content = proposed["spec"]["proposedContent"]
            envelope_text = content["envelope"]
            envelope = json.loads(envelope_text)
            (verifier,) = content["verifiers"]
            certificate = x509.load_pem_x509_certificate(base64.b64decode(verifier, validate=True))
            payload = base64.b64decode(envelope["payload"], validate=True)
            payload_type = envelope["payloadType"].encode()
            pae = b"DSSEv1 %d %b %d %b" % (len(payload_type), payload_type, len(payload), payload)
            signatures = []
            for entry in envelope["signatures"]:
                certificate.public_key().verify(base64.b64decode(entry["sig"], validate=True), pae,
                                                ec.ECDSA(hashes.SHA256()))
                signatures.append({"signature": entry["sig"], "verifier": verifier})
        except Exception as exc:  # any defect of the proposal is the client's
            raise RejectedEntry(f"invalid dsse entry: {type(exc).__name__}: {exc}") from exc
        return {"apiVersion": "0.0.1", "kind": "dsse", "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": hashlib.sha256(envelope_text.encode()).hexdigest()},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
            "signatures": signatures,
        }}
