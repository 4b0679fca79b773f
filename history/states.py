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
from collections import Counter
from dataclasses import asdict, dataclass, fields
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

    def aspects(self) -> Aspects:
        return aspects_of(self)


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


# "Which kinds changed" without the states: short digests of each aspect `changes()` compares, stored with every
# state row, so that a `kind` filter compares a few short columns instead of decoding two states' JSON.
# Digests are 16 hex digits (64 bits): two different values of one component's aspect collide with odds of 2**-64.

OVERLAY_KINDS = frozenset({"overlay-added", "overlay-removed", "overlay-changed"})


@dataclass(frozen=True)
class Aspects:
    """Per aspect of a state, what `changes()` needs to tell whether a kind of change happened. The lists are
    space-separated `key:value` tokens of short digests: overlays `(type, description):(type, description,
    digest)` in their order, binaries `name:License` (the License digested like `license`)."""

    verdict: str = ""  # headline and reasons
    overlays: str = ""
    build: str = ""
    version: str = ""  # the EVR, else the Version: what the "version" change compares
    license: str = ""
    binaries: str = ""
    spec_origin: str = ""  # the value itself (short)
    spec: str = ""  # the rendered spec's digest


ASPECT_NAMES = tuple(f.name for f in fields(Aspects))

# The aspects each kind reads (added and removed need none: a missing state says it).
ASPECTS_OF_KIND: dict[str, tuple[str, ...]] = {
    "added": (), "removed": (), "verdict": ("verdict",), "overlay-added": ("overlays",),
    "overlay-removed": ("overlays",), "overlay-changed": ("overlays",), "build": ("build",), "version": ("version",),
    "license": ("license",), "binary-license": ("license", "binaries"), "spec-origin": ("spec_origin",),
    "spec": ("spec", "version"),
}


def short_digest(value: Any) -> str:
    return json_digest(value)[:16]


def aspects_of(state: ComponentState) -> Aspects:
    return Aspects(
        verdict=short_digest([state.headline, state.reasons]),
        overlays=" ".join(f"{short_digest([o.type, o.description])}:{short_digest([o.type, o.description, o.digest])}"
                          for o in state.overlays),
        build=short_digest(state.build),
        version=short_digest(state.evr or state.version),
        license=short_digest(state.license),
        binaries=" ".join(f"{short_digest(b.name)}:{short_digest(b.license)}" for b in state.binaries),
        spec_origin=state.spec_origin,
        spec=short_digest(state.spec_sha256),
    )


def aspects_for(kinds: frozenset[str] | set[str]) -> tuple[str, ...]:
    """The aspects `changed_kinds` reads to find these kinds, in ASPECT_NAMES order."""
    needed = {a for k in kinds for a in ASPECTS_OF_KIND[k]}
    return tuple(a for a in ASPECT_NAMES if a in needed)


def changed_kinds(old: Aspects | None, new: Aspects | None, kinds: frozenset[str]) -> frozenset[str]:
    """The kinds among `kinds` that `changes()` reports between the states of these aspects (None: absent),
    exactly, from the aspects `aspects_for(kinds)` names (the others may be left blank)."""
    if old is None and new is None:
        return frozenset()
    if old is None or new is None:
        return kinds & {"added" if old is None else "removed"}
    found = set()
    if "verdict" in kinds and old.verdict != new.verdict:
        found.add("verdict")
    if kinds & OVERLAY_KINDS and old.overlays != new.overlays:
        found |= kinds & _overlay_kinds(old.overlays, new.overlays)
    if "build" in kinds and old.build != new.build:
        found.add("build")
    if "version" in kinds and old.version != new.version:
        found.add("version")
    if "license" in kinds and old.license != new.license:
        found.add("license")
    if "binary-license" in kinds and old.binaries != new.binaries and _binary_license_changed(old, new):
        found.add("binary-license")
    if "spec-origin" in kinds and old.spec_origin != new.spec_origin:
        found.add("spec-origin")
    if "spec" in kinds and old.spec != new.spec and old.version == new.version:
        found.add("spec")
    return frozenset(found)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(key, value) for key, _, value in (token.partition(":") for token in text.split())]


def _overlay_kinds(old_text: str, new_text: str) -> set[str]:
    """The overlay kinds `_overlay_changes` reports: an overlay is unmatched when no overlay of the other state
    is equal to it; unmatched ones of the same (type, description) pair up as changed, one for one, the rest
    are removed or added."""
    old, new = _tokens(old_text), _tokens(new_text)
    old_ids, new_ids = {i for _, i in old}, {i for _, i in new}
    old_left = Counter(key for key, i in old if i not in new_ids)
    new_left = Counter(key for key, i in new if i not in old_ids)
    found = set()
    if old_left.keys() & new_left.keys():
        found.add("overlay-changed")
    if old_left - new_left:
        found.add("overlay-removed")
    if new_left - old_left:
        found.add("overlay-added")
    return found


def _binary_license_changed(old: Aspects, new: Aspects) -> bool:
    """Whether a binary package of both states changed License other than along with the main package's."""
    old_bins, new_bins = dict(_tokens(old.binaries)), dict(_tokens(new.binaries))
    return any(old_bins[n] != new_bins[n] and (old_bins[n], new_bins[n]) != (old.license, new.license)
               for n in old_bins.keys() & new_bins.keys())
