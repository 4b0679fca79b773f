"""Loopback servers for egress tests: a git server over HTTPS and a listener that counts connections.

`GitHttpsServer` serves bare repositories with git's "dumb" HTTP protocol (static files after
`git update-server-info`) over TLS, with a throw-away certificate for the names and addresses it is
given; `ca_file` is that certificate, for GIT_SSL_CAINFO. `redirect_to` makes it answer every
request with a redirect instead. `Listener` accepts TCP connections on an address and counts them,
to prove that nothing connected.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed(folder: Path, names: list[str]) -> tuple[Path, Path]:
    """A certificate (its own CA) for `names` (host names or IP addresses); returns (cert, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.crt", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Quiet(SimpleHTTPRequestHandler):
    redirect_to = ""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        if self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


class GitHttpsServer:
    """Serves every bare repository added with `add()` at https://HOST:PORT/<name>.git."""

    def __init__(self, folder: Path, *, address: str = "127.0.0.1", names: list[str] | None = None,
                 redirect_to: str = ""):
        self.root = folder / "served"
        self.root.mkdir(parents=True)
        self.address = address
        self.ca_file, self._key_file = self_signed(folder, [*(names or []), address])
        handler = type("Handler", (_Quiet,), {"redirect_to": redirect_to})
        self._server = ThreadingHTTPServer((address, 0), partial(handler, directory=str(self.root)))
        self._server.requests = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, self._key_file)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[str]:
        return self._server.requests

    def add(self, name: str, work_tree: Path) -> None:
        """Publish the repository at `work_tree` (all branches) as <name>.git."""
        bare = self.root / f"{name}.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(work_tree), str(bare)], check=True, capture_output=True)
        subprocess.run(["git", "--git-dir", str(bare), "update-server-info"], check=True, capture_output=True)

    def __enter__(self) -> GitHttpsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        shutil.rmtree(self.root, ignore_errors=True)


class Listener:
    """A TCP listener on `address` that accepts and counts connections, and closes each at once or,
    with `hold`, after holding it that many seconds without a word."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0, hold: float = 0.0):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((address, port))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.address = address
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self.hold = hold
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.connections += 1
            if self.hold:
                threading.Timer(self.hold, conn.close).start()
            else:
                conn.close()

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()
