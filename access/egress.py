"""One policy for every outbound connection Pedigree makes: git clones (ingest sources, Fedora
dist-git) and the Sigstore services of the trust configuration. No Django here.

Pedigree connects to addresses that users (ingest form, API) and repository content (the distro's
`dist-git-base-uri`) choose, so without a policy anyone who may start a job could make the worker
reach loopback services, the cloud metadata endpoint or the internal network. The rules:

- A host is resolved (getaddrinfo) and **every** address it resolves to must be public. Refused:
  loopback, link-local, private (RFC 1918, fc00::/7), shared (100.64.0.0/10), multicast, reserved,
  unspecified, site-local and anything else that is not globally routable, for IPv4 and IPv6,
  including IPv4 addresses inside IPv6 ones (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, 6to4
  2002::/16, NAT64 64:ff9b::/96). NAT64 and 6to4 addresses are judged by the IPv4 address inside.
- Host names written as odd numbers (`0x7f000001`, `2130706433`, `0177.0.0.1`, `127.1`: forms the
  C resolver turns into 127.0.0.1) are refused outright; addresses must be written as dotted quads
  or IPv6 literals. `localhost` and `*.localhost` are refused without a lookup.
- The allow-list (`EgressPolicy.allow_networks` / `allow_hosts`, the PEDIGREE_EGRESS_ALLOW setting)
  names the exceptions: CIDR networks whose addresses may be reached, and host names whose
  addresses may all be reached. Empty by default: nothing internal.
- The check must hold on the address actually connected to (DNS rebinding): `check_host` returns
  the checked addresses, and the caller pins the connection to them (gitsource passes them to git
  with http.curloptResolve or ssh's HostName) so that nothing resolves the name a second time.
- Addresses taken from repository content (`dist_git_problem`) are trusted less than the ingest
  source: https:// or ssh:// only, never a local path or file:// URL, and only hosts named in
  `dist_git_hosts` (PEDIGREE_DIST_GIT_HOSTS); the address rules above still apply when fetching.

Django code builds the policy from settings in one place (access.egress_settings) and registers it
with `set_default_policy`, so pure callers that are not handed a policy (validate_source from the
ingest form, the Sigstore trust configuration loader) use the configured one; with nothing
registered the default is the strictest policy.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from dataclasses import dataclass, field
from typing import Callable, Iterable, Union
from urllib.parse import urlsplit

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

ALLOW_SETTING = "PEDIGREE_EGRESS_ALLOW"
DIST_GIT_SETTING = "PEDIGREE_DIST_GIT_HOSTS"
DEFAULT_DIST_GIT_HOSTS = ("src.fedoraproject.org",)

_HOST_NAME = re.compile(r"[a-z0-9_](?:[a-z0-9_.\-]*[a-z0-9_])?\Z")
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)\Z")
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_LOCALHOST_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_SCP = re.compile(r"[^@/]+@(?P<host>\[[0-9A-Fa-f:.]+\]|[^:/\[\]]+):(?!//)")


class EgressError(Exception):
    """A connection Pedigree will not make, or cannot check; the message says why in our own words."""

    transient = False


class EgressRefused(EgressError, ValueError):
    """The destination is internal (or otherwise not allowed) and the allow-list does not name it."""


class EgressLookupError(EgressError, OSError):
    """The host name could not be resolved; `transient` when the resolver said "try again"."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class EgressPolicy:
    """What may be reached besides public addresses, and which hosts repository content may name."""

    allow_networks: tuple[IPNetwork, ...] = ()
    allow_hosts: frozenset[str] = frozenset()
    dist_git_hosts: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_DIST_GIT_HOSTS))

    @classmethod
    def from_lists(cls, allow: Iterable[str] = (), dist_git_hosts: Iterable[str] = DEFAULT_DIST_GIT_HOSTS) -> EgressPolicy:
        """Build a policy from setting values; ValueError names the first entry that is neither a CIDR nor a host name."""
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in allow:
            entry = entry.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            hosts.add(_allow_list_host(entry, ALLOW_SETTING))
        dist_git = {_allow_list_host(entry, DIST_GIT_SETTING) for entry in dist_git_hosts if entry.strip()}
        return cls(tuple(networks), frozenset(hosts), frozenset(dist_git))

    def allows_address(self, address: IPAddress) -> bool:
        candidates = [address]
        inner = _embedded_ipv4(address)
        if inner is not None:
            candidates.append(inner[1])
        return any(a in net for a in candidates for net in self.allow_networks if a.version == net.version)

    def allows_host(self, host: str) -> bool:
        return normalise_host(host) in self.allow_hosts


def _allow_list_host(entry: str, setting: str) -> str:
    host = normalise_host(entry)
    if not _HOST_NAME.match(host) or is_odd_numeric(host):
        raise ValueError(f"{setting}: {entry!r} is neither a CIDR network nor a host name")
    return host


# ----------------------------------------------------------------------------- the default policy

_provider: Callable[[], EgressPolicy] | None = None


def set_default_policy(provider: Callable[[], EgressPolicy] | None) -> None:
    """Register the function that builds the configured policy (Django: access.apps); None: strictest."""
    global _provider
    _provider = provider


def default_policy() -> EgressPolicy:
    return _provider() if _provider is not None else EgressPolicy()


# ----------------------------------------------------------------------------- addresses


def normalise_host(host: str) -> str:
    """Lower case, no IPv6 brackets, no trailing dot (the forms a URL may carry)."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def is_odd_numeric(host: str) -> bool:
    """A name whose last label is a number (decimal, octal or hex) but which is not a plain dotted quad.

    No real host name ends in a numeric label (top-level domains are not numeric), while the C
    resolver reads such names as IPv4 addresses in inet_aton's forms: 0x7f000001, 2130706433,
    0177.0.0.1, 127.1 are all 127.0.0.1.
    """
    host = normalise_host(host)
    if ":" in host:
        return False
    last = host.rsplit(".", 1)[-1]
    if not _NUMERIC_LABEL.match(last):
        return False
    try:
        return str(ipaddress.IPv4Address(host)) != host
    except ValueError:
        return True


def _embedded_ipv4(address: IPAddress) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address inside an IPv6 one, with how it is embedded."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address in _NAT64:
        return "NAT64", ipaddress.IPv4Address(address.packed[-4:])
    packed = address.packed
    if packed[:12] == bytes(12) and int.from_bytes(packed[12:], "big") > 1:
        return "IPv4-compatible", ipaddress.IPv4Address(packed[12:])
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why `address` is internal (a few words), or None when it is a public unicast address."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        kind, v4 = inner
        problem = address_problem(v4)
        if problem:
            return f"{problem} ({v4} inside the {kind} IPv6 address {address})"
        if kind in ("NAT64", "6to4"):
            return None  # a public IPv4 address reached through a translator
        return f"an {kind} IPv6 address (a form that is never connected to; use the IPv4 address)"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if address.is_multicast:
        return "a multicast address"
    if address in _SHARED:
        return "a shared address (100.64.0.0/10, carrier-grade NAT)"
    if address.version == 6 and address.is_site_local:
        return "a site-local address"
    if address in _NAT64_LOCAL:
        return "a local-use NAT64 address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def literal_problem(host: str, policy: EgressPolicy) -> str | None:
    """What is wrong with `host` without looking it up (None: nothing, or it needs a lookup to tell).

    Used where validation must stay cheap (the ingest form, the API); the connection itself goes
    through `check_host`, which also resolves names.
    """
    host = normalise_host(host)
    if not host:
        return "no host name"
    if is_odd_numeric(host):
        return (f"the host {host!r} is a number in an unusual form (it would be read as an IPv4 address); "
                "write addresses as dotted quads, such as 192.0.2.10")
    if policy.allows_host(host):
        return None
    if host in _LOCALHOST_NAMES or host.endswith(".localhost"):
        return f"{host} is this machine; {_not_internal()}"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    problem = address_problem(address)
    if problem and not policy.allows_address(address):
        return f"{host} is {problem}; {_not_internal()}"
    return None


def _not_internal() -> str:
    return f"Pedigree does not connect to internal addresses unless the setting {ALLOW_SETTING} names them"


@dataclass(frozen=True)
class Destination:
    """A checked host: connect to one of `addresses` (never resolve `host` again)."""

    host: str
    port: int
    addresses: tuple[str, ...]

    @property
    def is_literal(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
            return True
        except ValueError:
            return False


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the C resolver: it also reads inet_aton's numeric forms)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        transient = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise EgressLookupError(
            f"the host name {host} could not be resolved" + (" (the resolver asked to try again later)" if transient else ""),
            transient=transient,
        ) from None
    except UnicodeError:
        raise EgressRefused(f"the host name {host!r} is not a valid name") from None
    addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    if not addresses:
        raise EgressLookupError(f"the host name {host} resolves to no address", transient=False)
    return addresses


def check_host(host: str, port: int, policy: EgressPolicy) -> Destination:
    """Resolve `host` once and check every address; the Destination's addresses are what to connect to."""
    host = normalise_host(host)
    problem = literal_problem(host, policy)
    if problem:
        raise EgressRefused(problem)
    try:
        addresses = [str(ipaddress.ip_address(host))]  # a literal: nothing to look up
    except ValueError:
        addresses = resolve(host, port)
    if not policy.allows_host(host):
        for text in addresses:
            address = ipaddress.ip_address(text)
            problem = address_problem(address)
            if problem and not policy.allows_address(address):
                shown = host if text == host else f"{host} resolves to {text}, which"
                raise EgressRefused(f"{shown} is {problem}; {_not_internal()}")
    return Destination(host, port, tuple(addresses))


# ----------------------------------------------------------------------------- URLs

_DEFAULT_PORTS = {"https": 443, "http": 80, "ssh": 22}


@dataclass(frozen=True)
class Endpoint:
    scheme: str  # https, http or ssh (scp-like user@host:path is ssh)
    host: str
    port: int


def endpoint(url: str) -> Endpoint | None:
    """Scheme, host and port of a git or service URL; None for anything that is not a network address
    (local paths, file:// URLs, bundles). Raises EgressRefused for a network URL without a usable host."""
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
        if scheme == "file":
            return None
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port
        except ValueError:
            raise EgressRefused(f"{url!r} is not a well-formed URL") from None
        if not host:
            raise EgressRefused(f"{url!r} names no host")
        return Endpoint(scheme, normalise_host(host), port or _DEFAULT_PORTS.get(scheme, 0))
    m = _SCP.match(url)
    if m and not url.startswith("/"):
        return Endpoint("ssh", normalise_host(m["host"]), 22)
    return None


def check_url(url: str, policy: EgressPolicy, *, schemes: Iterable[str] = ("https", "http")) -> Destination:
    """Check a service URL (Sigstore's Fulcio, Rekor, TSA): a network address on an allowed host."""
    point = endpoint(url)
    if point is None or point.scheme not in tuple(schemes):
        raise EgressRefused(f"{url!r} is not an {' or '.join(f'{s}://' for s in schemes)} URL")
    return check_host(point.host, point.port, policy)


def dist_git_problem(url: str, policy: EgressPolicy) -> str | None:
    """Why a dist-git address taken from repository content may not be fetched (None: it may, subject
    to the address rules when connecting)."""
    try:
        point = endpoint(url)
    except EgressRefused as exc:
        return str(exc)
    if point is None:
        return ("a local path or file:// URL, and addresses from repository content must be https:// or ssh:// "
                f"URLs on a host named in {DIST_GIT_SETTING}")
    if point.scheme not in ("https", "ssh"):
        return f"the {point.scheme}:// protocol is not accepted; use https:// or ssh://"
    if point.host not in policy.dist_git_hosts:
        allowed = ", ".join(sorted(policy.dist_git_hosts)) or "none"
        return f"the host {point.host} is not a dist-git host named in {DIST_GIT_SETTING} (allowed: {allowed})"
    return literal_problem(point.host, policy)


def trust_config_problem(trust_config_json: str, policy: EgressPolicy) -> str | None:
    """What is wrong with the services a Sigstore ClientTrustConfig names (the signing config's Fulcio,
    Rekor, timestamp authority and OIDC URLs: what signing connects to), or None."""
    try:
        signing_config = json.loads(trust_config_json).get("signingConfig") or {}
    except (ValueError, AttributeError):
        return "it is not a JSON object"
    for kind in ("caUrls", "rekorTlogUrls", "tsaUrls", "oidcUrls"):
        for service in signing_config.get(kind) or []:
            url = str(service.get("url", "")) if isinstance(service, dict) else ""
            try:
                check_url(url, policy)
            except EgressError as exc:
                return f"{kind} {url}: {exc}"
    return None
