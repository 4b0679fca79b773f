"""The local Sigstore instance itself: its log proofs and its refusals, checked independently of sigstore-python."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from tests.support.sigstore_local.rekor import (
    audit_path,
    leaf_hash,
    node_hash,
    tree_hash,
)


def root_from_path(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise AssertionError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0, "proof too short"
    return r


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 16, 17])
def test_every_inclusion_proof_of_the_log_leads_to_its_root(size):
    leaves = [leaf_hash(b"entry %d" % i) for i in range(size)]
    for index in range(size):
        assert root_from_path(index, size, leaves[index], audit_path(index, leaves)) == tree_hash(leaves)
        assert root_from_path(index, size, leaf_hash(b"forged"), audit_path(index, leaves)) != tree_hash(leaves)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_fulcio_refuses_a_request_without_a_valid_identity_token(local_sigstore):
    status, reply = _post(local_sigstore.url + "/api/v2/signingCert", b'{"certificateSigningRequest": ""}',
                          {"Authorization": "Bearer not-a-jwt", "Content-Type": "application/json"})
    assert status == 401 and "identity token rejected" in reply["message"]


def test_rekor_refuses_an_entry_whose_signature_does_not_verify(local_sigstore):
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = local_sigstore.ca.issue(key.public_key(), identity="x@pedigree.test", issuer=local_sigstore.oidc.issuer,
                                   now=local_sigstore.valid_from)
    pem = leaf.public_bytes(serialization.Encoding.PEM)
    signature = key.sign(hashlib.sha256(b"one").digest(), ec.ECDSA(Prehashed(hashes.SHA256())))  # valid for "one"
    proposed = {"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
        "data": {"hash": {"algorithm": "sha256", "value": hashlib.sha256(b"another").hexdigest()}},
        "signature": {"content": base64.b64encode(signature).decode(),
                      "publicKey": {"content": base64.b64encode(pem).decode()}}}}
    status, reply = _post(local_sigstore.url + "/api/v1/log/entries", json.dumps(proposed).encode(),
                          {"Content-Type": "application/json"})
    assert status == 400 and "InvalidSignature" in reply["message"]
