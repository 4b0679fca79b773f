"""PURE PYTHON: the counts of one snapshot (`Snapshot.summary`), from its components' states: what the
distribution timelines chart (components, Fedora-intact share, altered, build-customised, pinned,
overlays by type, identities unresolved)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from audits.azldev.classify import ALTERED, BUILD_CUSTOMISED, INTACT, LOCAL, PINNED

from .states import ComponentState


def summarise_states(states: Iterable[ComponentState]) -> dict[str, Any]:
    headlines: Counter[str] = Counter()
    overlay_types: Counter[str] = Counter()
    components = with_overlays = unresolved = 0
    for state in states:
        components += 1
        headlines[state.headline] += 1
        overlay_types.update(o.type for o in state.overlays)
        with_overlays += bool(state.overlays)
        unresolved += not state.evr
    return {
        "components": components,
        "by_headline": dict(sorted(headlines.items())),
        "intact": headlines[INTACT],
        "intact_share": round(100 * headlines[INTACT] / components, 1) if components else 0.0,  # percent
        "altered": headlines[ALTERED],
        "build_customised": headlines[BUILD_CUSTOMISED],
        "pinned": headlines[PINNED],
        "local": headlines[LOCAL],
        "overlays": sum(overlay_types.values()),
        "overlays_by_type": dict(sorted(overlay_types.items())),
        "components_with_overlays": with_overlays,
        "identities_unresolved": unresolved,
    }
