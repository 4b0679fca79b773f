"""The network guard: tests reach loopback only, and an attempt elsewhere fails loudly."""

import os
import socket
import subprocess
import sys

import pytest

from tests.support.corpus import PROJECT_ROOT
from tests.support.network_guard import NetworkBlocked, expected_attempts


def test_a_connection_to_a_public_address_is_refused_by_the_guard():
    with expected_attempts() as seen, socket.socket() as s, pytest.raises(NetworkBlocked, match="192.0.2.1:443"):
        s.connect(("192.0.2.1", 443))
    assert seen == ["connection to 192.0.2.1:443"]


def test_a_name_lookup_of_a_public_host_is_refused_by_the_guard():
    with expected_attempts() as seen, pytest.raises(NetworkBlocked, match="rekor.sigstore.dev"):
        socket.getaddrinfo("rekor.sigstore.dev", 443)
    assert seen == ["name lookup of 'rekor.sigstore.dev'"]


def test_loopback_connections_are_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_a_swallowed_network_error_still_fails_the_test(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_swallows.py").write_text(
        "import socket\n\n"
        "def test_swallows():\n"
        "    try:\n"
        "        socket.create_connection(('192.0.2.7', 80), timeout=1)\n"
        "    except OSError:\n"
        "        pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.support.network_guard", "-p", "no:django",
         "-p", "no:cacheprovider", "-rf", "--tb=line", "test_swallows.py"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "network guard: the test tried to reach the network" in result.stdout
    assert "192.0.2.7" in result.stdout
