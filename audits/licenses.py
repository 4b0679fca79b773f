"""License values as SPDX expressions: validity, normal form, license keys and family (pure).

Every ``License:`` value is parsed with license-expression against the SPDX keys of the ScanCode
license index it ships (``get_spdx_licensing``). A value is *valid* when it parses and every key
is in that index (license-expression's own rule); otherwise it is kept with the parser's message.
Families come from the index's ScanCode ``category`` per key (docs/licenses.md has the table);
a compound expression gets one family by restrictiveness: ``AND`` the most restrictive operand,
``OR`` the least restrictive (the recipient may choose), ``L WITH E`` the less restrictive of the
two (an exception only grants permissions), unless ``L``'s family is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import boolean  # type: ignore[import-untyped]
import license_expression  # type: ignore[import-untyped]

PUBLIC_DOMAIN = "public-domain"
PERMISSIVE = "permissive"
WEAK_COPYLEFT = "weak-copyleft"
STRONG_COPYLEFT = "strong-copyleft"
UNKNOWN = "unknown"
# From least to most restrictive: AND takes the maximum, OR the minimum. Unknown ranks last, so an
# AND with an unknown part is unknown and an OR is unknown only when every choice is.
FAMILIES = (PUBLIC_DOMAIN, PERMISSIVE, WEAK_COPYLEFT, STRONG_COPYLEFT, UNKNOWN)
FAMILY_LABELS = {
    PUBLIC_DOMAIN: "public domain",
    PERMISSIVE: "permissive",
    WEAK_COPYLEFT: "weak copyleft",
    STRONG_COPYLEFT: "strong copyleft",
    UNKNOWN: "unknown",
}
# ScanCode categories → family. The other categories (Proprietary Free, Free Restricted, Source-available,
# Commercial, Patent License, CLA, Unstated License) say nothing about copyleft: unknown.
CATEGORY_FAMILIES = {
    "Public Domain": PUBLIC_DOMAIN,
    "Permissive": PERMISSIVE,
    "Copyleft Limited": WEAK_COPYLEFT,
    "Copyleft": STRONG_COPYLEFT,
}
_RANK = {family: rank for rank, family in enumerate(FAMILIES)}
NO_LICENSE_ERROR = "no License value"


@dataclass(frozen=True)
class LicenseFacts:
    """What one License value says. ``normalized`` is empty unless the value is valid."""

    text: str
    normalized: str
    valid: bool
    error: str
    keys: tuple[str, ...]  # license and exception keys as written in the normal form, in order of appearance
    family: str


@cache
def _licensing() -> Any:
    return license_expression.get_spdx_licensing()


@cache
def _categories() -> dict[str, str]:
    """SPDX key (lower case, aliases included) → ScanCode category."""
    categories: dict[str, str] = {}
    for entry in license_expression.get_license_index():
        for key in [entry.get("spdx_license_key"), *entry.get("other_spdx_license_keys", [])]:
            if key:
                categories.setdefault(key.lower(), entry.get("category") or "")
    return categories


def family_of_key(key: str) -> str:
    """The family of one SPDX license or exception key; unknown when the index has no category for it."""
    return CATEGORY_FAMILIES.get(_categories().get(key.lower(), ""), UNKNOWN)


def most_restrictive(families: Iterable[str]) -> str:
    return max(families, key=_RANK.__getitem__, default=UNKNOWN)


def least_restrictive(families: Iterable[str]) -> str:
    return min(families, key=_RANK.__getitem__, default=UNKNOWN)


def _family(node: Any) -> str:
    if isinstance(node, license_expression.LicenseWithExceptionSymbol):
        own = family_of_key(node.license_symbol.key)
        return own if own == UNKNOWN else least_restrictive([own, family_of_key(node.exception_symbol.key)])
    if isinstance(node, license_expression.LicenseSymbol):
        return family_of_key(node.key)
    families = [_family(arg) for arg in node.args]
    return least_restrictive(families) if isinstance(node, license_expression.OR) else most_restrictive(families)


@lru_cache(maxsize=16384)
def analyse_license(text: str) -> LicenseFacts:
    """Parse one License value (cached: the SBOM builders ask again per package). A blank value is invalid
    with NO_LICENSE_ERROR."""
    value = " ".join(text.split())
    if not value:
        return LicenseFacts(text, "", False, NO_LICENSE_ERROR, (), UNKNOWN)
    licensing = _licensing()
    try:
        # Not Licensing.validate(): it raises AttributeError on some syntax errors ("MIT and").
        parsed = licensing.parse(value, strict=True)
    except (license_expression.ExpressionError, boolean.ParseError) as error:
        return LicenseFacts(text, "", False, str(error) or type(error).__name__, (), UNKNOWN)
    keys = tuple(licensing.license_keys(parsed, unique=True))
    unknown = licensing.unknown_license_keys(parsed, unique=True)
    if unknown:
        return LicenseFacts(text, "", False, f"Unknown license key(s): {', '.join(unknown)}", keys, UNKNOWN)
    return LicenseFacts(text, str(parsed), True, "", keys, _family(parsed))


def analyse_licenses(texts: Iterable[str]) -> dict[str, LicenseFacts]:
    """Each distinct value parsed once."""
    return {text: analyse_license(text) for text in set(texts)}


# ----------------------------------------------------------------------------- inventory


@dataclass(frozen=True)
class LicenseCount:
    """How many components and binary packages a key, a family or an expression covers."""

    name: str
    components: int
    binaries: int


@dataclass(frozen=True)
class InvalidLicense:
    text: str
    error: str
    components: int
    binaries: int


@dataclass
class LicenseInventory:
    """Counts of a set of components and their binary packages. A value with several keys counts once
    for each key; families and validity count every package once."""

    components: int = 0
    binaries: int = 0
    valid: LicenseCount = LicenseCount("valid", 0, 0)
    invalid: LicenseCount = LicenseCount("invalid", 0, 0)
    missing: LicenseCount = LicenseCount("no License value", 0, 0)
    by_key: list[LicenseCount] = field(default_factory=list)  # most components first
    by_family: list[LicenseCount] = field(default_factory=list)  # in FAMILIES order
    invalid_values: list[InvalidLicense] = field(default_factory=list)  # most components first


def build_inventory(
    counts: Iterable[tuple[LicenseFacts | None, int, int]],
) -> LicenseInventory:
    """The inventory from (facts or None for no License value, components, binary packages) triples."""
    keys: dict[str, list[int]] = {}
    families = {family: [0, 0] for family in FAMILIES}
    invalid: dict[tuple[str, str], list[int]] = {}
    totals = {"valid": [0, 0], "invalid": [0, 0], "missing": [0, 0]}
    for facts, components, binaries in counts:
        if facts is None:
            totals["missing"][0] += components
            totals["missing"][1] += binaries
            families[UNKNOWN][0] += components
            families[UNKNOWN][1] += binaries
            continue
        bucket = totals["valid" if facts.valid else "invalid"]
        bucket[0] += components
        bucket[1] += binaries
        families[facts.family][0] += components
        families[facts.family][1] += binaries
        if facts.valid:
            for key in facts.keys:
                pair = keys.setdefault(key, [0, 0])
                pair[0] += components
                pair[1] += binaries
        else:
            pair = invalid.setdefault((facts.text, facts.error), [0, 0])
            pair[0] += components
            pair[1] += binaries
    return LicenseInventory(
        components=sum(t[0] for t in totals.values()),
        binaries=sum(t[1] for t in totals.values()),
        valid=LicenseCount("valid", *totals["valid"]),
        invalid=LicenseCount("invalid", *totals["invalid"]),
        missing=LicenseCount("no License value", *totals["missing"]),
        by_key=sorted((LicenseCount(k, *v) for k, v in keys.items()), key=lambda c: (-c.components, -c.binaries, c.name)),
        by_family=[LicenseCount(f, *families[f]) for f in FAMILIES],
        invalid_values=sorted(
            (InvalidLicense(text, error, *v) for (text, error), v in invalid.items()),
            key=lambda i: (-i.components, -i.binaries, i.text),
        ),
    )
