"""Fulcio's half of the instance: a two-level CA issuing short-lived code-signing certificates that
carry the Sigstore OIDC-issuer extensions and one embedded SCT from the instance's CT log key."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Sigstore's OID arc 1.3.6.1.4.1.57264.1: .1 is the issuer as raw bytes (deprecated), .8 the same as DER UTF8String.
OIDC_ISSUER_LEGACY = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
OIDC_ISSUER = x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
EMBEDDED_SCT_LIST = x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
LEAF_LIFETIME = dt.timedelta(minutes=10)


def spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def log_key_id(public_key) -> bytes:
    """RFC 6962 log ID (and Sigstore's key ID): SHA-256 of the DER SubjectPublicKeyInfo."""
    return hashlib.sha256(spki(public_key)).digest()


def _der(tag: int, content: bytes) -> bytes:
    """One DER TLV; the SCT extension is the only place we need to write DER by hand."""
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not signer, crl_sign=not signer, encipher_only=False, decipher_only=False,
    )


class CTLog:
    """Signs SCTs for precertificates (RFC 6962 section 3.2) with an ECDSA P-256 key."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.log_id = log_key_id(self.key.public_key())

    def embedded_sct_extension(self, *, issuer_key_hash: bytes, precert_tbs: bytes, timestamp_ms: int) -> bytes:
        """The extnValue of the embedded-SCT-list extension: a DER OCTET STRING around the TLS-encoded list.

        Pitfall: X.509 already wraps every extnValue in an OCTET STRING; this extension has a second one
        inside it, so the TLS bytes are wrapped once here and once more by `cryptography`.
        """
        # digitally-signed struct: sct_version v1, signature_type certificate_timestamp, timestamp,
        # entry_type precert_entry, PreCert {issuer_key_hash[32], TBSCertificate<1..2^24-1>}, extensions<0..2^16-1>
        signed = (struct.pack(">BBQH", 0, 0, timestamp_ms, 1) + issuer_key_hash
                  + len(precert_tbs).to_bytes(3, "big") + precert_tbs + struct.pack(">H", 0))
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        # SignedCertificateTimestamp: version, log_id, timestamp, extensions<..>, DigitallySigned{sha256(4), ecdsa(3), sig<..>}
        sct = (bytes([0]) + self.log_id + struct.pack(">QH", timestamp_ms, 0)
               + struct.pack(">BBH", 4, 3, len(signature)) + signature)
        serialized = struct.pack(">H", len(sct)) + sct
        return _der(0x04, struct.pack(">H", len(serialized)) + serialized)


class FulcioCA:
    """Root and intermediate (ECDSA P-384); leaves for ephemeral P-256 keys bound to an OIDC identity."""

    def __init__(self, *, name: str, valid_from: dt.datetime, ct_log: CTLog) -> None:
        self.ct_log = ct_log
        self.root_key = ec.generate_private_key(ec.SECP384R1())
        self.intermediate_key = ec.generate_private_key(ec.SECP384R1())
        until = valid_from + dt.timedelta(days=3650)
        root_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                               x509.NameAttribute(NameOID.COMMON_NAME, f"{name} root")])
        self.root = self._ca_cert(root_name, root_name, self.root_key.public_key(), self.root_key, valid_from, until,
                                  path_length=1, issuer_public_key=None)
        intermediate_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                                       x509.NameAttribute(NameOID.COMMON_NAME, f"{name} intermediate")])
        self.intermediate = self._ca_cert(intermediate_name, root_name, self.intermediate_key.public_key(),
                                          self.root_key, valid_from, until, path_length=0,
                                          issuer_public_key=self.root_key.public_key())

    @staticmethod
    def _ca_cert(subject, issuer, public_key, signing_key, start, until, *, path_length, issuer_public_key):
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .add_extension(_usage(signer=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )
        if issuer_public_key is not None:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False)
        return builder.sign(signing_key, hashes.SHA384())

    @property
    def chain(self) -> list[x509.Certificate]:
        """Intermediate first, root last: the order of a trusted root's certChain and of Fulcio's reply."""
        return [self.intermediate, self.root]

    def issue(self, public_key, *, identity: str, issuer: str, now: dt.datetime) -> x509.Certificate:
        """A leaf as Fulcio issues it: empty subject, critical SAN, code-signing EKU, issuer extensions, SCT."""
        start = now.replace(microsecond=0) - dt.timedelta(seconds=5)
        san = x509.RFC822Name(identity) if "@" in identity and "://" not in identity else x509.UniformResourceIdentifier(identity)
        builder = (
            x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(self.intermediate.subject)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + LEAF_LIFETIME)
            .add_extension(_usage(signer=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.intermediate_key.public_key()),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName([san]), critical=True)
            .add_extension(x509.UnrecognizedExtension(OIDC_ISSUER_LEGACY, issuer.encode()), critical=False)
            .add_extension(x509.UnrecognizedExtension(OIDC_ISSUER, _der(0x0C, issuer.encode())), critical=False)
        )
        # The precertificate's TBS is the final TBS without the SCT extension: sign a throwaway
        # certificate without it to get those bytes, then add the SCT as the last extension.
        precert_tbs = builder.sign(self.intermediate_key, hashes.SHA384()).tbs_certificate_bytes
        sct = self.ct_log.embedded_sct_extension(
            issuer_key_hash=log_key_id(self.intermediate_key.public_key()),
            precert_tbs=precert_tbs,
            timestamp_ms=int(start.timestamp() * 1000),
        )
        leaf = builder.add_extension(x509.UnrecognizedExtension(EMBEDDED_SCT_LIST, sct), critical=False).sign(
            self.intermediate_key, hashes.SHA384())
        if leaf.tbs_precertificate_bytes != precert_tbs:  # the SCT would not verify
            raise RuntimeError("precertificate TBS differs from the signed one")
        return leaf
