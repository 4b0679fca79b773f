"""API keys for machines: generation, hashing and source-network checks (pure Python, no Django).

A key reads `pdg_<prefix>_<secret>`. The prefix (8 hex digits) is not secret: it is stored in clear
to find the key's row and shown in lists so that people can tell keys apart. The whole key is stored
only as its SHA-256: the secret has 256 random bits, so a slow password hash would add nothing, and
the digest is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass

SCOPES = ("read", "export", "jobs", "review", "waivers", "sign-off", "policy", "admin", "feed")
SCOPE_HELP = {
    "read": "read releases, components, overlays, provenance, jobs, verdicts, comparisons, document lists",
    "export": "download SBOM documents, VEX documents and evidence bundles",
    "jobs": "start jobs (ingest, SBOM, upstream verification, ...); polling them needs read",
    "review": "decide reviews of divergences and comment on them; reading them needs read",
    "waivers": "approve, change and revoke waivers of policy violations; reading them needs read",
    "sign-off": "sign a release off (a signed attestation); reading it needs read",
    "policy": "save a new version of the policy file; reading it needs read",
    "admin": "read the access log, import advisories",
    "feed": "read the Atom feed of events (/feeds/atom.xml) and nothing else; read includes it",
}
_FORMAT = re.compile(r"pdg_([0-9a-f]{8})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once, never stored
    prefix: str
    digest: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> NewKey:
    prefix = secrets.token_hex(4)
    key = f"pdg_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key, prefix, hash_key(key))


def prefix_of(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    match = _FORMAT.fullmatch(key)
    return match.group(1) if match else None


def matches(key: str, digest: str) -> bool:
    return hmac.compare_digest(hash_key(key), digest)


def parse_networks(text: str) -> list[str]:
    """CIDR networks (or single addresses) separated by commas, spaces or new lines, normalised.

    Raises ValueError naming the first entry that is not a network.
    """
    networks = []
    for entry in re.split(r"[\s,]+", text.strip()):
        if not entry:
            continue
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR network (e.g. 10.0.0.0/8, 2001:db8::/32)") from None
    return sorted(set(networks))


def address_allowed(address: str, networks: list[str]) -> bool:
    """True when no networks are set, or `address` lies in one of them; an unparsable address never matches."""
    if not networks:
        return True
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(net) for net in networks if ipaddress.ip_network(net).version == ip.version)
