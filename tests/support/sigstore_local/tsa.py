"""An RFC 3161 timestamp authority: its own root and a timeStamping leaf; replies are made by OpenSSL.

No installed Python package writes TimeStampResp structures (rfc3161-client only reads and verifies
them), so `openssl ts -reply` signs them. Pitfalls: `-chain` is not used, since OpenSSL writes the
embedded certificate SET unsorted and rfc3161-client's strict DER reader then refuses the reply;
OpenSSL wants the serial file as an even number of hex digits.
"""

from __future__ import annotations

import datetime as dt
import secrets
import subprocess
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .pki import FulcioCA

CONFIG = """\
[ tsa ]
default_tsa = local
[ local ]
serial = {folder}/serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.57264.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


class TimestampAuthority:
    def __init__(self, *, name: str, valid_from: dt.datetime) -> None:
        self.root_key = ec.generate_private_key(ec.SECP384R1())
        self.key = ec.generate_private_key(ec.SECP256R1())
        until = valid_from + dt.timedelta(days=3650)
        root_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                               x509.NameAttribute(NameOID.COMMON_NAME, f"{name} TSA root")])
        self.root = FulcioCA._ca_cert(root_name, root_name, self.root_key.public_key(), self.root_key, valid_from,
                                      until, path_length=0, issuer_public_key=None)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                                     x509.NameAttribute(NameOID.COMMON_NAME, f"{name} TSA")]))
            .issuer_name(root_name).public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(valid_from).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                           critical=False)
            .sign(self.root_key, hashes.SHA384())
        )

    @property
    def chain(self) -> list[x509.Certificate]:
        """Leaf first, root last: the order sigstore-python expects in a trusted root's TSA certChain."""
        return [self.certificate, self.root]

    def reply(self, request_der: bytes) -> bytes:
        """A DER TimeStampResp for a DER TimeStampReq."""
        pem = serialization.Encoding.PEM
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "tsa.pem").write_bytes(self.certificate.public_bytes(pem))
            (folder / "tsa.key").write_bytes(self.key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                                    serialization.NoEncryption()))
            (folder / "serial").write_text(secrets.token_hex(8) + "\n")
            (folder / "request.tsq").write_bytes(request_der)
            (folder / "tsa.cnf").write_text(CONFIG.format(folder=folder))
            subprocess.run(["openssl", "ts", "-reply", "-config", folder / "tsa.cnf", "-queryfile",
                            folder / "request.tsq", "-signer", folder / "tsa.pem", "-inkey", folder / "tsa.key",
                            "-out", folder / "reply.tsr"], check=True, capture_output=True, timeout=30)
            return (folder / "reply.tsr").read_bytes()
