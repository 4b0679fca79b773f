"""A private OpenLDAP server (Debian's slapd) for the LDAP sign-in tests: its own slapd.conf and
database in a temporary directory, loaded with slapadd from an LDIF of users and nested groups,
listening on 127.0.0.1 on a free port (plain LDAP with StartTLS, and LDAPS on a second port), with a
certificate from a throw-away CA. No debconf, no system service: `slapd -f conf -h URLs -d 0`
runs in the foreground as a child of the test process and is stopped at the end.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import ldap
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-secret-for-tests"
SERVICE_DN = f"cn=pedigree-reader,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "reader-secret-for-tests"
USERS_BASE = f"ou=people,{SUFFIX}"
GROUPS_BASE = f"ou=groups,{SUFFIX}"
PASSWORDS = {"lena": "lena-password-1", "otto": "otto-password-1", "nina": "nina-password-1",
             "gus": "gus-password-1", "admin": "directory-admin-password-1"}


def group_dn(name: str) -> str:
    return f"cn={name},{GROUPS_BASE}"


def user_dn(name: str) -> str:
    return f"uid={name},{USERS_BASE}"


# lena: directly in pedigree-admins. otto: directly in pedigree-auditors. nina: in qa-team, which is a
# member of release-team, which is a member of pedigree-release-managers (two levels of nesting).
# gus: only in kitchen, mapped to nothing. admin: a directory user whose name is the local admin's.
# (cn=nobody keeps pedigree-auditors a valid groupOfNames while otto leaves it in a test.)
LDIF = f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: ou=services,{SUFFIX}
objectClass: organizationalUnit
ou: services

dn: {SERVICE_DN}
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: pedigree-reader
userPassword: {SERVICE_PASSWORD}
""" + "".join(f"""
dn: {user_dn(name)}
objectClass: inetOrgPerson
uid: {name}
cn: {name.title()} Example
givenName: {name.title()}
sn: Example
mail: {name}@example.org
userPassword: {password}
""" for name, password in PASSWORDS.items()) + f"""
dn: {group_dn("pedigree-admins")}
objectClass: groupOfNames
cn: pedigree-admins
member: {user_dn("lena")}

dn: {group_dn("pedigree-auditors")}
objectClass: groupOfNames
cn: pedigree-auditors
member: cn=nobody,{SUFFIX}
member: {user_dn("otto")}

dn: {group_dn("qa-team")}
objectClass: groupOfNames
cn: qa-team
member: {user_dn("nina")}

dn: {group_dn("release-team")}
objectClass: groupOfNames
cn: release-team
member: {group_dn("qa-team")}

dn: {group_dn("pedigree-release-managers")}
objectClass: groupOfNames
cn: pedigree-release-managers
member: {group_dn("release-team")}

dn: {group_dn("kitchen")}
objectClass: groupOfNames
cn: kitchen
member: {user_dn("gus")}
member: {user_dn("admin")}
"""

CONF = """include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile {dir}/ca.pem
TLSCertificateFile {dir}/server.pem
TLSCertificateKeyFile {dir}/server.key
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {dir}/db
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificates(directory: Path) -> None:
    """A CA and a server certificate for 127.0.0.1 (slapd is built with GnuTLS: PEM files)."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Pedigree test LDAP CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                          x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .sign(ca_key, hashes.SHA256()))
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (directory / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    (directory / "server.key").chmod(0o600)


@dataclass
class Slapd:
    directory: Path
    port: int = 0
    tls_port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def ca_file(self) -> str:
        return str(self.directory / "ca.pem")

    def setup(self) -> None:
        (self.directory / "db").mkdir(parents=True)
        make_certificates(self.directory)
        conf = self.directory / "slapd.conf"
        conf.write_text(CONF.format(dir=self.directory, suffix=SUFFIX, root_dn=ROOT_DN, root_password=ROOT_PASSWORD))
        (self.directory / "data.ldif").write_text(LDIF)
        subprocess.run([SLAPADD, "-q", "-f", str(conf), "-l", str(self.directory / "data.ldif")], check=True,
                       capture_output=True, timeout=60)

    def start(self) -> None:
        self.port, self.tls_port = free_port(), free_port()
        with open(self.directory / "slapd.log", "ab") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(self.directory / "slapd.conf"), "-h", f"{self.uri}/ {self.ldaps_uri}/", "-d", "0"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {(self.directory / 'slapd.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not start listening within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def modify(self, dn: str, changes: list) -> None:
        """Change an entry as the directory's administrator (python-ldap)."""
        conn = ldap.initialize(self.uri)
        try:
            conn.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
            conn.modify_s(dn, changes)
        finally:
            conn.unbind_s()


def available() -> bool:
    return Path(SLAPD).exists() and Path(SLAPADD).exists()
