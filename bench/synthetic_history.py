"""A synthetic history of corpus size for bench/pages.py: 492 snapshots over the components of an ingested
release (7,580 on the corpus), with a few thousand seeded-random changes (versions, Licenses, overlays
added and removed, verdicts, build settings, components removed and added), written through the same
builder as the tests (tests/support/history.py). Until the history ingest lands, this is how the history
pages are measured at the size the issue names; with a real history loaded, bench/pages.py uses that.

Inside bench's throwaway_django(): `load(release, snapshots=492, changes=3000, seed=13)`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

SNAPSHOTS = 492
CHANGES = 3000
DAYS = 71  # the corpus's history spans 71 days


def states_of(release) -> dict:
    """The history state of every component of a release, from its stored rows (three queries)."""
    from audits.models import BinaryPackage, Component, Overlay
    from history.states import BinaryFacts, ComponentState, OverlayFacts, json_digest

    overlays: dict[int, list] = {}
    for cid, type_, description, position in Overlay.objects.filter(component__release=release).values_list(
            "component_id", "type", "description", "position").order_by("component_id", "position"):
        overlays.setdefault(cid, []).append(OverlayFacts(type_, description, json_digest([type_, description, position])))
    binaries: dict[int, list] = {}
    for cid, name, license_ in BinaryPackage.objects.filter(component__release=release).values_list(
            "component_id", "name", "license").order_by("component_id", "name"):
        binaries.setdefault(cid, []).append((name, license_))
    states = {}
    for c in Component.objects.filter(release=release).order_by("name"):
        states[c.name] = ComponentState(
            name=c.name, headline=c.headline, verdict=c.verdict, spec_origin=c.spec_origin, evr=c.published_evr,
            version=c.version_expanded, license=c.license, reasons=(), overlays=tuple(overlays.get(c.pk, ())),
            build="{}", binaries=tuple(BinaryFacts(n, lic or c.license) for n, lic in binaries.get(c.pk, ())),
            spec_sha256="", groups=tuple(c.groups),
        )
    return states


def _change(rng: random.Random, s, n: int):
    """One random change of a state (None: the component is removed)."""
    from history.states import OverlayFacts

    roll = rng.random()
    if roll < 0.35:
        return replace(s, evr=f"{n}.{rng.randint(0, 9)}-1.azl4", version=f"{n}.{rng.randint(0, 9)}")
    if roll < 0.5:
        return replace(s, license=rng.choice(["MIT", "GPL-2.0-or-later", "Apache-2.0", "BSD-3-Clause"]))
    if roll < 0.7:
        overlay = OverlayFacts(rng.choice(["spec-add-tag", "patch-add", "spec-search-replace"]), f"change {n}", f"{n:064x}")
        return replace(s, overlays=s.overlays + (overlay,), headline="altered", reasons=(("overlays", "overlays"),))
    if roll < 0.8 and s.overlays:
        rest = s.overlays[1:]
        return replace(s, overlays=rest, headline=s.headline if rest else "intact", reasons=s.reasons if rest else ())
    if roll < 0.9:
        return replace(s, build=f'{{"defines": {{"n": {n}}}}}', headline="build-customised")
    if roll < 0.97:
        return replace(s, headline=rng.choice(["intact", "altered", "pinned"]))
    return None


def load(release, *, snapshots: int = SNAPSHOTS, changes: int = CHANGES, seed: int = 13) -> list:
    """Write the synthetic history of `release`'s distribution; returns its snapshots, oldest first. The newest
    snapshot is linked to `release` (as the history ingest materialises its head)."""
    from tests.support.history import build_from_deltas

    rng = random.Random(seed)
    current = states_of(release)
    names = sorted(current)
    removed: list = []
    deltas: list[dict] = [dict(current)]
    per_commit = [0] * (snapshots - 1)
    for _ in range(changes):
        per_commit[rng.randrange(snapshots - 1)] += 1
    for n, count in enumerate(per_commit, start=1):
        delta: dict = {}
        for _ in range(count):
            if removed and rng.random() < 0.05:
                back = removed.pop()
                delta[back.name] = current[back.name] = back
                continue
            name = rng.choice(names)
            if name not in current:
                continue
            new = _change(rng, current[name], n)
            if new is None:
                removed.append(current.pop(name))
            else:
                current[name] = new
            delta[name] = new
        deltas.append(delta)
    start = release.commit.committed_at - dt.timedelta(days=DAYS)
    step = dt.timedelta(days=DAYS) / max(1, snapshots - 1)
    rows = build_from_deltas(release.distribution.name, deltas, dates=[start + i * step for i in range(snapshots)])
    newest = rows[-1]
    newest.release = release
    newest.save(update_fields=["release"])
    return rows
