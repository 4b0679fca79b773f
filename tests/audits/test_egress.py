"""Unit tests for access.egress, the one policy for outbound connections (pure Python, no network:
the resolver is replaced, or only ever given numeric forms)."""

from __future__ import annotations

import socket

import pytest

from access import egress
from access.egress import EgressLookupError, EgressPolicy, EgressRefused
from tests.support import network_guard

STRICT = EgressPolicy()

INTERNAL = {
    "127.0.0.1": "loopback",
    "127.255.0.9": "loopback",
    "::1": "loopback",
    "::ffff:127.0.0.1": "loopback address (127.0.0.1 inside the IPv4-mapped",
    "::ffff:7f00:1": "loopback address (127.0.0.1 inside the IPv4-mapped",
    "::127.0.0.1": "loopback address (127.0.0.1 inside the IPv4-compatible",
    "2002:7f00:1::": "loopback address (127.0.0.1 inside the 6to4",
    "64:ff9b::7f00:1": "loopback address (127.0.0.1 inside the NAT64",
    "64:ff9b::a9fe:a9fe": "(169.254.169.254 inside the NAT64",
    "169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "10.0.0.1": "private",
    "172.16.0.1": "private",
    "172.31.255.254": "private",
    "192.168.1.1": "private",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "100.64.0.1": "shared",
    "100.127.255.254": "shared",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "fec0::1": "site-local",
    "64:ff9b:1::1": "local-use NAT64",
    "192.0.2.10": "private",  # documentation ranges are not globally routable either
    "2001:db8::1": "private",
    "::ffff:8.8.8.8": "IPv4-mapped IPv6 address (a form that is never connected to",
}
PUBLIC = ["8.8.8.8", "140.82.112.3", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::1"]
ODD_NUMERIC = ["0x7f000001", "2130706433", "0177.0.0.1", "127.1", "0x7f.1", "0x7f.0.0.1", "017700000001", "1.2.3.4.5",
               "127.0.0.01", "example.0x10"]


@pytest.mark.parametrize("host, kind", INTERNAL.items(), ids=INTERNAL.keys())
def test_every_internal_address_form_is_refused_with_its_kind(host, kind):
    problem = egress.literal_problem(host, STRICT)
    assert problem and kind in problem and "PEDIGREE_EGRESS_ALLOW" in problem
    with pytest.raises(EgressRefused, match="PEDIGREE_EGRESS_ALLOW"):
        egress.check_host(f"[{host}]" if ":" in host else host, 443, STRICT)


@pytest.mark.parametrize("host", PUBLIC)
def test_public_addresses_pass(host):
    assert egress.literal_problem(host, STRICT) is None
    assert egress.check_host(host, 443, STRICT).addresses == (host,)


@pytest.mark.parametrize("host", ODD_NUMERIC)
def test_numbers_in_unusual_forms_are_refused_outright(host):
    assert "unusual form" in egress.literal_problem(host, STRICT)
    # ... even when the allow-list covers what they stand for
    assert "unusual form" in egress.literal_problem(host, EgressPolicy.from_lists(["0.0.0.0/0"]))


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "ip6-localhost", "db.localhost"])
def test_localhost_names_are_refused_without_a_lookup(host, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("no lookup expected"))
    with pytest.raises(EgressRefused, match="is this machine"):
        egress.check_host(host, 443, STRICT)


def numeric_only_resolver(host, port, *args, **kwargs):
    """The real C resolver, but never on the network (numeric forms only)."""
    kwargs["flags"] = kwargs.get("flags", 0) | socket.AI_NUMERICHOST
    return network_guard._getaddrinfo(host, port, *args, **kwargs)


@pytest.mark.parametrize("host", ["0x7f000001", "2130706433", "0177.0.0.1", "127.1"])
def test_the_resolved_address_is_checked_even_if_the_numeric_form_were_let_through(host, monkeypatch):
    """Defence in depth: the resolver reads these forms as 127.0.0.1, and the resolved address is what counts."""
    monkeypatch.setattr(socket, "getaddrinfo", numeric_only_resolver)
    monkeypatch.setattr(egress, "is_odd_numeric", lambda host: False)
    with pytest.raises(EgressRefused, match=rf"{host} resolves to 127\.0\.0\.1, which is a loopback address"):
        egress.check_host(host, 443, STRICT)


class FakeResolver:
    def __init__(self, answers: dict[str, list[list[str]]]):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.calls.append(host)
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]


def test_a_name_is_refused_if_any_of_its_addresses_is_internal(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", FakeResolver({"mixed.example": [["140.82.112.3", "10.1.2.3"]]}))
    with pytest.raises(EgressRefused, match=r"mixed\.example resolves to 10\.1\.2\.3, which is a private address"):
        egress.check_host("mixed.example", 443, STRICT)


def test_check_host_resolves_once_and_returns_the_addresses_it_checked(monkeypatch):
    resolver = FakeResolver({"rebind.example": [["140.82.112.3"], ["127.0.0.1"]]})
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    destination = egress.check_host("Rebind.Example.", 443, STRICT)
    assert destination.addresses == ("140.82.112.3",) and destination.host == "rebind.example"
    assert resolver.calls == ["rebind.example"]
    with pytest.raises(EgressRefused, match="loopback"):  # the next answer is the internal one
        egress.check_host("rebind.example", 443, STRICT)


@pytest.mark.parametrize("error, transient", [(socket.EAI_NONAME, False), (socket.EAI_AGAIN, True)])
def test_lookup_failures_say_so_and_whether_they_are_temporary(monkeypatch, error, transient):
    def failing(*args, **kwargs):
        raise socket.gaierror(error, "resolver message")

    monkeypatch.setattr(socket, "getaddrinfo", failing)
    with pytest.raises(EgressLookupError, match="could not be resolved") as caught:
        egress.check_host("nowhere.example", 443, STRICT)
    assert caught.value.transient is transient and "resolver message" not in str(caught.value)


def test_the_allow_list_names_networks_and_hosts(monkeypatch):
    policy = EgressPolicy.from_lists(["127.0.0.1", "10.0.0.0/8", " fd00::/8 ", "Git.Internal.Example"])
    for host in ("127.0.0.1", "10.200.0.1", "::ffff:127.0.0.1", "fd00::5"):
        assert egress.literal_problem(host, policy) is None, host
    for host in ("127.0.0.2", "192.168.0.1", "::1", "169.254.169.254"):
        assert egress.literal_problem(host, policy), host
    monkeypatch.setattr(socket, "getaddrinfo", FakeResolver({"git.internal.example": [["192.168.7.7"]],
                                                             "other.example": [["192.168.7.7"]]}))
    assert egress.check_host("git.internal.example", 443, policy).addresses == ("192.168.7.7",)
    with pytest.raises(EgressRefused):
        egress.check_host("other.example", 443, policy)


@pytest.mark.parametrize("entries", [["not a host"], ["10.0.0.0/33"], ["0x7f000001"], ["ex ample"]])
def test_a_bad_allow_list_entry_is_a_configuration_error(entries):
    with pytest.raises(ValueError, match="PEDIGREE_EGRESS_ALLOW"):
        EgressPolicy.from_lists(entries)


def test_without_a_registered_provider_the_default_is_the_strictest_policy(monkeypatch):
    monkeypatch.setattr(egress, "_provider", None)
    assert egress.default_policy() == EgressPolicy()
    monkeypatch.setattr(egress, "_provider", lambda: EgressPolicy.from_lists(["127.0.0.1"]))
    assert egress.default_policy().allows_address(__import__("ipaddress").ip_address("127.0.0.1"))


@pytest.mark.parametrize("url, expected", [
    ("https://Git.Example.org:8443/r.git", ("https", "git.example.org", 8443)),
    ("https://[::1]/r", ("https", "::1", 443)),
    ("ssh://git@127.0.0.1:2222/r", ("ssh", "127.0.0.1", 2222)),
    ("git@github.com:org/r.git", ("ssh", "github.com", 22)),
    ("git@[::1]:r", ("ssh", "::1", 22)),
    ("http://127.0.0.1:9/api", ("http", "127.0.0.1", 9)),
])
def test_endpoint_finds_scheme_host_and_port(url, expected):
    point = egress.endpoint(url)
    assert (point.scheme, point.host, point.port) == expected


@pytest.mark.parametrize("url", ["/srv/private-bash", "file:///srv/private-bash", "/srv/x.bundle", "file://localhost/x"])
def test_local_sources_have_no_endpoint(url):
    assert egress.endpoint(url) is None


@pytest.mark.parametrize("url, reason", [
    ("/srv/private-bash", "local path or file:// URL"),
    ("file:///srv/private-bash", "local path or file:// URL"),
    ("http://src.fedoraproject.org/rpms/bash.git", "http:// protocol is not accepted"),
    ("https://127.0.0.1:8100/rpms/bash.git", "not a dist-git host named in PEDIGREE_DIST_GIT_HOSTS"),
    ("https://src.fedoraproject.org.evil.example/rpms/bash.git", "not a dist-git host"),
    ("ssh://git@internal.example/rpms/bash.git", "not a dist-git host"),
    ("git@internal.example:rpms/bash.git", "not a dist-git host"),
])
def test_dist_git_addresses_from_repository_content_are_refused(url, reason):
    assert reason in egress.dist_git_problem(url, STRICT)


def test_allowed_dist_git_hosts_still_obey_the_address_rules():
    assert egress.dist_git_problem("https://src.fedoraproject.org/rpms/bash.git", STRICT) is None
    assert egress.dist_git_problem("ssh://pkgs@src.fedoraproject.org/rpms/bash.git", STRICT) is None
    policy = EgressPolicy.from_lists([], ["127.0.0.1"])
    assert "loopback" in egress.dist_git_problem("https://127.0.0.1/rpms/bash.git", policy)


def test_service_urls_are_checked_like_git_sources():
    with pytest.raises(EgressRefused, match="loopback"):
        egress.check_url("http://127.0.0.1:8080/api/v2", STRICT)
    with pytest.raises(EgressRefused, match="link-local"):
        egress.check_url("https://169.254.169.254/latest/meta-data", STRICT)
    with pytest.raises(EgressRefused, match="is not an https:// or http:// URL"):
        egress.check_url("file:///etc/passwd", STRICT)
    assert egress.check_url("http://127.0.0.1:8080/api", EgressPolicy.from_lists(["127.0.0.0/8"])).port == 8080
