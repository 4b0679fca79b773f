"""PURE PYTHON: what history keeps of a component at one commit, and what changed between two states.

A `ComponentState` holds what an auditor follows over time (verdict, overlays, build settings,
version, licenses) and nothing that changes without the component changing (commit attribution,
database ids). Two equal states have equal digests, so the history ingest stores a new state row
only when the digest changes; the component timeline and "changes since" are `changes()` between
consecutive or chosen states.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from audits.analysis import ComponentRecord

STATE_VERSION = 1  # bump when a field is added or computed differently: digests change with it


@dataclass(frozen=True)
class OverlayFacts:
    type: str
    description: str
    digest: str  # of the overlay table exactly as written (type and parameters), for "changed"


@dataclass(frozen=True)
class BinaryFacts:
    name: str
    license: str  # the License that applies to it (its own, else the component's)


@dataclass(frozen=True)
class ComponentState:
    name: str
    headline: str  # audits.choices.Headline
    verdict: str
    spec_origin: str  # audits.choices.SpecOrigin
    evr: str  # E:V-R as the SBOMs publish it; blank while the identity is unresolved
    version: str  # the expanded Version (shown when the EVR is unresolved); blank without a rendered spec
    license: str  # the main package's License
    reasons: tuple[tuple[str, str], ...]  # (code, text) of each reason it is not Fedora-intact
    overlays: tuple[OverlayFacts, ...]
    build: str  # the resolved build table as canonical JSON
    binaries: tuple[BinaryFacts, ...]
    spec_sha256: str  # the rendered spec's content address; blank without one
    groups: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ComponentState:
        return cls(
            **{
                **data,
                "reasons": tuple((code, text) for code, text in data["reasons"]),
                "overlays": tuple(OverlayFacts(**o) for o in data["overlays"]),
                "binaries": tuple(BinaryFacts(**b) for b in data["binaries"]),
                "groups": tuple(data["groups"]),
            }
        )

    def digest(self) -> str:
        return json_digest([STATE_VERSION, self.to_json()])


def json_digest(value: Any) -> str:
    """SHA-256 of `value` as canonical JSON (sorted keys, no spaces)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def state_of(record: ComponentRecord) -> ComponentState:
    """The state of an analysed component (audits.analysis), as a full ingest would store it."""
    identity = record.identity
    evr = ""
    if identity.complete:
        evr = f"{identity.version}-{identity.release}"
        evr = f"{identity.epoch}:{evr}" if identity.epoch else evr
    resolved = record.resolved
    return ComponentState(
        name=resolved.name,
        headline=record.classification.headline,
        verdict=record.verdict,
        spec_origin=record.spec_origin,
        evr=evr,
        version=identity.version,
        license=record.license_text,
        reasons=tuple((r.code, r.text) for r in record.classification.reasons),
        overlays=tuple(
            OverlayFacts(o.type, str(o.fields.get("description", "")), json_digest([o.type, o.fields]))
            for o in resolved.overlays
        ),
        build=json.dumps(resolved.config.get("build", {}), sort_keys=True, default=str),
        binaries=tuple(
            BinaryFacts(b.identity.name, text) for b, text in zip(identity.binaries, record.binary_license_texts)
        ),
        spec_sha256=record.rendered.sha256 if record.rendered else "",
        groups=tuple(resolved.groups),
    )


@dataclass(frozen=True)
class Change:
    """One thing that changed about a component between two states (kind is one of KINDS)."""

    kind: str
    summary: str  # plain words, e.g. "verdict: Fedora-intact → altered"
    before: str = ""
    after: str = ""


KINDS = ("added", "removed", "verdict", "overlay-added", "overlay-removed", "overlay-changed", "build",
         "version", "license", "binary-license", "spec-origin", "spec")


def changes(old: ComponentState | None, new: ComponentState | None) -> list[Change]:
    """What changed from `old` to `new` (None: the component did not exist), in KINDS order."""
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [Change("added", f"added ({new.headline})", after=new.headline)]
    if new is None:
        return [Change("removed", f"removed (was {old.headline})", before=old.headline)]
    found: list[Change] = []
    if (old.headline, old.reasons) != (new.headline, new.reasons):
        found.append(Change("verdict", f"verdict: {old.headline} → {new.headline}", old.verdict, new.verdict))
    found.extend(_overlay_changes(old.overlays, new.overlays))
    if old.build != new.build:
        found.append(Change("build", "build settings changed", old.build, new.build))
    old_version, new_version = old.evr or old.version, new.evr or new.version
    if old_version != new_version:
        found.append(Change("version", f"version: {old_version or '—'} → {new_version or '—'}", old_version, new_version))
    if old.license != new.license:
        found.append(Change("license", f"License: {old.license or '—'} → {new.license or '—'}", old.license, new.license))
    old_bins, new_bins = {b.name: b.license for b in old.binaries}, {b.name: b.license for b in new.binaries}
    for name in sorted(old_bins.keys() & new_bins.keys()):
        if old_bins[name] != new_bins[name] and (old_bins[name], new_bins[name]) != (old.license, new.license):
            found.append(Change("binary-license", f"{name} License: {old_bins[name] or '—'} → {new_bins[name] or '—'}",
                                old_bins[name], new_bins[name]))
    if old.spec_origin != new.spec_origin:
        found.append(Change("spec-origin", f"spec origin: {old.spec_origin} → {new.spec_origin}", old.spec_origin, new.spec_origin))
    if old.spec_sha256 != new.spec_sha256 and not any(c.kind == "version" for c in found):
        found.append(Change("spec", "rendered spec changed", old.spec_sha256, new.spec_sha256))
    return found


def _overlay_changes(old: tuple[OverlayFacts, ...], new: tuple[OverlayFacts, ...]) -> list[Change]:
    """Overlays matched by their table (digest); an unmatched pair at the same position with the same type
    and description counts as changed, the rest as removed and added."""
    old_left = [o for o in old if o not in new]
    new_left = [o for o in new if o not in old]
    found = []
    for o in list(old_left):
        twin = next((n for n in new_left if (n.type, n.description) == (o.type, o.description)), None)
        if twin is not None:
            old_left.remove(o)
            new_left.remove(twin)
            found.append(Change("overlay-changed", f"overlay changed: {o.type} {o.description}".rstrip(), o.digest, twin.digest))
    found.extend(Change("overlay-removed", f"overlay removed: {o.type} {o.description}".rstrip(), o.digest) for o in old_left)
    found.extend(Change("overlay-added", f"overlay added: {n.type} {n.description}".rstrip(), after=n.digest) for n in new_left)
    return found
