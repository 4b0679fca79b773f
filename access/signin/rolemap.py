"""Group-to-role maps (PEDIGREE_OIDC_ROLE_MAP, PEDIGREE_LDAP_ROLE_MAP). PURE PYTHON: settings.py
parses them at start-up, so that a typo fails loudly instead of leaving everyone without a role.

A map is a JSON object from a provider group to one role or a list of roles:
`{"pedigree-auditors": "auditor", "cn=ops,ou=groups,dc=example,dc=org": ["release-manager"]}`.
OpenID Connect groups (or app roles) are compared exactly; LDAP groups are distinguished names,
compared as LDAP does: without case, and without the spaces around the commas between their parts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from ..roles import ROLES

RoleMap = Mapping[str, frozenset[str]]


def normalise_dn(dn: str) -> str:
    return ",".join(part.strip() for part in dn.split(",")).lower()


def parse_role_map(raw: str, setting: str, *, dn: bool = False) -> dict[str, frozenset[str]]:
    """The map in `raw` (JSON); ValueError names the setting and what is wrong."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"{setting} must be a JSON object from group to role ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{setting} must be a JSON object from group to role, such as "
                         '{"pedigree-auditors": "auditor"}')
    result: dict[str, frozenset[str]] = {}
    for group, roles in data.items():
        names = [roles] if isinstance(roles, str) else roles
        if not group.strip() or not isinstance(names, list) or not all(isinstance(r, str) for r in names):
            raise ValueError(f"{setting}: {group!r} must map to a role or a list of roles")
        unknown = sorted(set(names) - set(ROLES))
        if unknown:
            raise ValueError(f"{setting}: {group!r} maps to {', '.join(unknown)}, which is not a role "
                             f"(roles: {', '.join(ROLES)})")
        key = normalise_dn(group) if dn else group
        result[key] = result.get(key, frozenset()) | frozenset(names)
    return result


def roles_for(groups: Iterable[str], role_map: RoleMap, *, dn: bool = False) -> frozenset[str]:
    """Every role that one of `groups` maps to (none: the user signs in to the no-role page)."""
    roles: set[str] = set()
    for group in groups:
        roles |= role_map.get(normalise_dn(group) if dn else group, frozenset())
    return frozenset(roles)
