"""PURE PYTHON: strict parsing of uploaded OSV and CSAF 2.0 advisory files, and RPM version matching.

Uploaded files are untrusted: a file is refused as a whole (AdvisoryError, one sentence naming the
field) when it is too large, not UTF-8 JSON, nested too deeply, of the wrong shape, or names no RPM
package. What is kept of an advisory is `ParsedAdvisory`: its identifier, CVEs and, per package, the
affected RPM version ranges. Versions are compared by univers' `RpmVersion` (rpm's rpmvercmp, epoch
included), never by Pedigree's own code.

- OSV: `affected[].package.name`, `ranges[]` of type ECOSYSTEM (events introduced / fixed /
  last_affected; introduced "0" is the beginning) and `versions` (exact affected versions).
- CSAF 2.0: products whose `product_identification_helper.purl` is a `pkg:rpm/...@EVR` purl. A
  product in `known_affected` (or `first_affected`, `last_affected`) is that exact version; a product
  in `fixed` or `first_fixed` means every version below it is affected; `known_not_affected` and
  `under_investigation` products add nothing. Version ranges (`product_version_range`) are not read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from univers.versions import InvalidVersion, RpmVersion

from .cves import cves_in

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_PACKAGES = 2000
MAX_STRING = 4096


class AdvisoryError(ValueError):
    """The file is refused; the message says why."""


@dataclass(frozen=True, slots=True)
class VersionRange:
    introduced: str = ""  # "" or "0": from the first version
    fixed: str = ""  # first version that is not affected
    last_affected: str = ""  # last version that is affected


@dataclass(frozen=True, slots=True)
class PackageEntry:
    name: str
    ecosystem: str = ""
    ranges: tuple[VersionRange, ...] = ()
    versions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedAdvisory:
    format: str  # "osv" or "csaf"
    identifier: str
    title: str
    cves: tuple[str, ...]
    packages: tuple[PackageEntry, ...] = field(default_factory=tuple)


def _depth_within(text: str, limit: int) -> bool:
    """True when no array/object nests deeper than `limit` (checked before parsing, so a hostile file
    never reaches the parser's recursion)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _reject_constant(name: str) -> Any:
    raise AdvisoryError(f"the file holds {name}, which JSON does not allow")


def load_json(data: bytes) -> dict[str, Any]:
    """The uploaded bytes as a JSON object, or AdvisoryError."""
    if len(data) > MAX_BYTES:
        raise AdvisoryError(f"the file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AdvisoryError(f"the file is not UTF-8 (byte {exc.start})") from exc
    if text.lstrip().startswith("<"):
        raise AdvisoryError("the file is XML; only JSON advisories (OSV, CSAF 2.0) are accepted")
    if not _depth_within(text, MAX_DEPTH):
        raise AdvisoryError(f"the file nests arrays or objects deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise AdvisoryError(f"the file is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    if not isinstance(value, dict):
        raise AdvisoryError("the file is not a JSON object")
    return value


def _get(obj: Any, key: str, kind: type, where: str, *, required: bool = True) -> Any:
    if not isinstance(obj, dict):
        raise AdvisoryError(f"{where} is not an object")
    if key not in obj:
        if required:
            raise AdvisoryError(f"{where}.{key} is missing")
        return kind()
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise AdvisoryError(f"{where}.{key} is not a{'n' if kind.__name__[0] in 'aeiou' else ''} {kind.__name__}")
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise AdvisoryError(f"{where}.{key} is longer than {MAX_STRING} characters")
    return value


def check_evr(value: str, where: str) -> str:
    """`value` if RpmVersion reads it as an RPM [epoch:]version[-release], else AdvisoryError."""
    value = value.strip()
    try:
        if not value[:1].isalnum() or any(c.isspace() or c in "<>=,;|" for c in value) or len(value) > 200:
            raise InvalidVersion(value)
        RpmVersion(value)
    except (InvalidVersion, ValueError, TypeError) as exc:
        raise AdvisoryError(f"{where} is not an RPM version: {value!r}") from exc
    return value


def parse(data: bytes) -> ParsedAdvisory:
    """An OSV or CSAF 2.0 advisory (told apart by CSAF's `document` object)."""
    document = load_json(data)
    if "document" in document:
        return _parse_csaf(document)
    if "id" in document and "affected" in document:
        return _parse_osv(document)
    raise AdvisoryError("the file is neither OSV (no id and affected) nor CSAF 2.0 (no document)")


def _limit(entries: list[PackageEntry]) -> tuple[PackageEntry, ...]:
    if len(entries) > MAX_PACKAGES:
        raise AdvisoryError(f"the advisory names more than {MAX_PACKAGES} packages")
    if not entries:
        raise AdvisoryError("the advisory names no RPM package with a version")
    return tuple(entries)


def _parse_osv(doc: dict[str, Any]) -> ParsedAdvisory:
    identifier = _get(doc, "id", str, "advisory").strip()
    if not identifier:
        raise AdvisoryError("advisory.id is empty")
    aliases = _get(doc, "aliases", list, "advisory", required=False)
    cves = cves_in(" ".join([identifier, *(a for a in aliases if isinstance(a, str))]))
    entries = []
    for i, affected in enumerate(_get(doc, "affected", list, "advisory")):
        where = f"affected[{i}]"
        package = _get(affected, "package", dict, where)
        name = _get(package, "name", str, f"{where}.package").strip()
        if not name:
            raise AdvisoryError(f"{where}.package.name is empty")
        ecosystem = _get(package, "ecosystem", str, f"{where}.package", required=False)
        ranges = []
        for j, range_ in enumerate(_get(affected, "ranges", list, where, required=False)):
            rwhere = f"{where}.ranges[{j}]"
            if _get(range_, "type", str, rwhere) != "ECOSYSTEM":
                raise AdvisoryError(f"{rwhere}.type must be ECOSYSTEM (RPM versions), not {range_['type']!r}")
            ranges.extend(_osv_events(_get(range_, "events", list, rwhere), rwhere))
        versions = tuple(check_evr(_get({"v": v}, "v", str, f"{where}.versions[{k}]"), f"{where}.versions[{k}]")
                         for k, v in enumerate(_get(affected, "versions", list, where, required=False)))
        if not ranges and not versions:
            raise AdvisoryError(f"{where} has neither ranges nor versions")
        entries.append(PackageEntry(name, ecosystem, tuple(ranges), versions))
    return ParsedAdvisory("osv", identifier, _get(doc, "summary", str, "advisory", required=False), tuple(cves),
                          _limit(entries))


def _osv_events(events: list[Any], where: str) -> list[VersionRange]:
    """OSV events in order: each `introduced` opens a range, `fixed` / `last_affected` closes it."""
    ranges = []
    introduced: str | None = None
    for k, event in enumerate(events):
        ewhere = f"{where}.events[{k}]"
        if not isinstance(event, dict) or len(event) != 1:
            raise AdvisoryError(f"{ewhere} must be an object with one key")
        [(kind, value)] = event.items()
        if kind not in ("introduced", "fixed", "last_affected") or not isinstance(value, str):
            raise AdvisoryError(f"{ewhere} must be introduced, fixed or last_affected with a string")
        evr = "" if kind == "introduced" and value == "0" else check_evr(value, f"{ewhere}.{kind}")
        if kind == "introduced":
            if introduced is not None:
                ranges.append(VersionRange(introduced))
            introduced = evr
        elif introduced is None:
            raise AdvisoryError(f"{ewhere}: {kind} without an earlier introduced")
        else:
            ranges.append(VersionRange(introduced, **{kind: evr}))
            introduced = None
    if introduced is not None:
        ranges.append(VersionRange(introduced))
    return ranges


def _rpm_purl(purl: str, where: str) -> tuple[str, str] | None:
    """(name, EVR) of a `pkg:rpm/<namespace>/<name>@<EVR>?...` purl; None for another type."""
    if not purl.startswith("pkg:rpm/"):
        return None
    path, _, version = purl[len("pkg:rpm/"):].split("?")[0].split("#")[0].partition("@")
    name = unquote(path.rsplit("/", 1)[-1])
    if not name or not version:
        raise AdvisoryError(f"{where} is an rpm purl without a name and version: {purl!r}")
    epoch = ""
    qualifiers = purl.partition("?")[2].split("#")[0]
    for pair in qualifiers.split("&"):
        key, _, value = pair.partition("=")
        if key == "epoch" and value:
            epoch = unquote(value) + ":"
    return name, check_evr(epoch + unquote(version), where)


def _csaf_products(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """product_id -> (name, EVR) of every product with an rpm purl, in branches and full_product_names."""
    products: dict[str, tuple[str, str]] = {}
    tree = _get(doc, "product_tree", dict, "document", required=False)

    def visit(product: Any, where: str) -> None:
        pid = _get(product, "product_id", str, where)
        helper = _get(product, "product_identification_helper", dict, where, required=False)
        purl = _get(helper, "purl", str, f"{where}.product_identification_helper", required=False)
        found = _rpm_purl(purl, f"{where}.product_identification_helper.purl") if purl else None
        if found:
            products[pid] = found

    def walk(branches: list[Any], where: str) -> None:
        for i, branch in enumerate(branches):
            bwhere = f"{where}[{i}]"
            if "product" in _get({"b": branch}, "b", dict, bwhere):
                visit(_get(branch, "product", dict, bwhere), f"{bwhere}.product")
            walk(_get(branch, "branches", list, bwhere, required=False), f"{bwhere}.branches")

    walk(_get(tree, "branches", list, "product_tree", required=False), "product_tree.branches")
    for i, product in enumerate(_get(tree, "full_product_names", list, "product_tree", required=False)):
        visit(product, f"product_tree.full_product_names[{i}]")
    return products


def _parse_csaf(doc: dict[str, Any]) -> ParsedAdvisory:
    meta = _get(doc, "document", dict, "advisory")
    if _get(meta, "csaf_version", str, "document") != "2.0":
        raise AdvisoryError("document.csaf_version must be 2.0")
    identifier = _get(_get(meta, "tracking", dict, "document"), "id", str, "document.tracking").strip()
    if not identifier:
        raise AdvisoryError("document.tracking.id is empty")
    products = _csaf_products(doc)
    versions: dict[str, set[str]] = {}
    fixed: dict[str, set[str]] = {}
    cves: list[str] = []
    for i, vuln in enumerate(_get(doc, "vulnerabilities", list, "advisory", required=False)):
        where = f"vulnerabilities[{i}]"
        cve = _get(vuln, "cve", str, where, required=False)
        cves.extend(c for c in cves_in(cve) if c not in cves)
        status = _get(vuln, "product_status", dict, where, required=False)
        for key, into in (("known_affected", versions), ("first_affected", versions), ("last_affected", versions),
                          ("fixed", fixed), ("first_fixed", fixed)):
            for k, pid in enumerate(_get(status, key, list, f"{where}.product_status", required=False)):
                if not isinstance(pid, str):
                    raise AdvisoryError(f"{where}.product_status.{key}[{k}] is not a string")
                if pid in products:
                    name, evr = products[pid]
                    into.setdefault(name, set()).add(evr)
    entries = [
        PackageEntry(name, "rpm", tuple(VersionRange(fixed=evr) for evr in sorted(fixed.get(name, ()))),
                     tuple(sorted(versions.get(name, ()))))
        for name in sorted({*versions, *fixed})
    ]
    return ParsedAdvisory("csaf", identifier, _get(meta, "title", str, "document", required=False), tuple(cves),
                          _limit(entries))


def _cmp(a: str, b: str) -> int:
    left, right = RpmVersion(a), RpmVersion(b)
    return (left > right) - (left < right)


def affects(package: PackageEntry, evr: str) -> bool:
    """Whether `evr` (epoch:version-release of a built package) is affected according to `package`."""
    if any(_cmp(evr, version) == 0 for version in package.versions):
        return True
    for range_ in package.ranges:
        above = not range_.introduced or _cmp(evr, range_.introduced) >= 0
        if range_.fixed:
            below = _cmp(evr, range_.fixed) < 0
        elif range_.last_affected:
            below = _cmp(evr, range_.last_affected) <= 0
        else:
            below = True
        if above and below:
            return True
    return False


# What an advisory means for one component of a release, combined with the release's VEX statement.
AFFECTED = "affected"
FIXED_BY_OVERLAY = "fixed by an overlay"
NOT_AFFECTED_OVERLAY = "not affected (overlay)"
NOT_AFFECTED_VERSION = "not affected (version)"
AFFECTED_IN_TRIAGE = "affected, overlay in triage"
UNKNOWN = "unknown (identity unresolved)"


def verdict(evr: str | None, package: PackageEntry, statement_state: str | None) -> str:
    """The combined status: the version decides whether the advisory applies; then an overlay's VEX
    statement about the same CVE in the same component decides (resolved / not affected / in triage).
    A component whose identity is unresolved is `UNKNOWN`: no version, no assertion."""
    if evr is None:
        return UNKNOWN
    if not affects(package, evr):
        return NOT_AFFECTED_VERSION
    return {
        "resolved_with_pedigree": FIXED_BY_OVERLAY,
        "not_affected": NOT_AFFECTED_OVERLAY,
        "in_triage": AFFECTED_IN_TRIAGE,
    }.get(statement_state or "", AFFECTED)
