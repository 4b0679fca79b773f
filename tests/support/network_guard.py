"""Pytest plugin: tests may use loopback addresses and Unix sockets only.

Any other connection or name lookup raises `NetworkBlocked` where it happens, and the test fails
afterwards even if the code under test swallowed that error (library code often catches OSError),
naming every address it tried. Subprocesses (git, the Celery worker, Chromium) are not affected:
they only ever get loopback or file URLs from the tests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo
_attempts: list[str] = []
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlocked(OSError):
    """Raised for a non-loopback connection or lookup attempted during a test."""


def is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _blocked(what: str) -> NetworkBlocked:
    _attempts.append(what)
    return NetworkBlocked(f"network guard: {what} is not loopback; tests must not use the network")


def _checked(address) -> None:
    if isinstance(address, tuple) and not is_loopback(address[0]):
        raise _blocked(f"connection to {address[0]}:{address[1]}")


def guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _checked(address)
    return _connect(self, address)


def guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _checked(address)
    return _connect_ex(self, address)


def guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not is_loopback(host):
        raise _blocked(f"name lookup of {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


def pytest_configure(config) -> None:
    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo


def pytest_unconfigure(config) -> None:
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo


@contextmanager
def expected_attempts() -> Iterator[list[str]]:
    """For tests of the guard itself: attempts made inside are expected, listed, and do not fail the test."""
    before = len(_attempts)
    seen: list[str] = []
    try:
        yield seen
    finally:
        seen.extend(_attempts[before:])
        del _attempts[before:]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _attempts.clear()
    result = yield
    if _attempts:
        attempts, _attempts[:] = list(_attempts), []
        pytest.fail("network guard: the test tried to reach the network: " + "; ".join(attempts), pytrace=False)
    return result
