"""PURE PYTHON: the counts of one snapshot (`Snapshot.summary`), from its components' states: what the
distribution timelines chart (components, Fedora-intact share, altered, build-customised, pinned,
overlays by type, identities unresolved).

Every count is a sum over components, so a snapshot's summary is the previous one's with the states a
commit ended taken out and those it began put in (`Tally`): a new commit that changes two components
does not read the other 7,578."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from audits.azldev.classify import ALTERED, BUILD_CUSTOMISED, INTACT, LOCAL, PINNED

from .states import ComponentState


class Tally:
    """The summary's counts, kept as states come and go."""

    def __init__(self) -> None:
        self.headlines: Counter[str] = Counter()
        self.overlay_types: Counter[str] = Counter()
        self.components = self.with_overlays = self.unresolved = 0

    @classmethod
    def of(cls, summary: dict[str, Any]) -> Tally:
        """The tally a stored summary was made from."""
        tally = cls()
        tally.headlines.update(summary.get("by_headline", {}))
        tally.overlay_types.update(summary.get("overlays_by_type", {}))
        tally.components = summary.get("components", 0)
        tally.with_overlays = summary.get("components_with_overlays", 0)
        tally.unresolved = summary.get("identities_unresolved", 0)
        return tally

    @classmethod
    def of_states(cls, states: Iterable[ComponentState]) -> Tally:
        tally = cls()
        for state in states:
            tally.add(state)
        return tally

    def add(self, state: ComponentState, sign: int = 1) -> None:
        self.components += sign
        self.headlines[state.headline] += sign
        for overlay in state.overlays:
            self.overlay_types[overlay.type] += sign
        self.with_overlays += sign * bool(state.overlays)
        self.unresolved += sign * (not state.evr)

    def remove(self, state: ComponentState) -> None:
        self.add(state, -1)

    def summary(self) -> dict[str, Any]:
        headlines, overlay_types = +self.headlines, +self.overlay_types  # counts that went to zero are dropped
        return {
            "components": self.components,
            "by_headline": dict(sorted(headlines.items())),
            "intact": headlines[INTACT],
            "intact_share": round(100 * headlines[INTACT] / self.components, 1) if self.components else 0.0,  # percent
            "altered": headlines[ALTERED],
            "build_customised": headlines[BUILD_CUSTOMISED],
            "pinned": headlines[PINNED],
            "local": headlines[LOCAL],
            "overlays": sum(overlay_types.values()),
            "overlays_by_type": dict(sorted(overlay_types.items())),
            "components_with_overlays": self.with_overlays,
            "identities_unresolved": self.unresolved,
        }


def summarise_states(states: Iterable[ComponentState]) -> dict[str, Any]:
    return Tally.of_states(states).summary()
