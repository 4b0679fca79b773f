"""PURE PYTHON: what a macro expansion read, for sharing expansions across specs and architectures.

The engine shares an expansion of the macro files' macros between specs while the spec changed nothing
it read (engine.MacroEngine._shared), and identity.py shares a spec's expansion between architectures
while it read nothing that differs between them; both need the names each expansion looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WHOLE = 256  # a set of names read this large is kept whole where it is read again, not copied


@dataclass(frozen=True, slots=True)
class Reads:
    """The macro names a cached expansion looked up: a set of its own, and the large sets of what it
    reused (cached expansions, Lua's reach), kept whole rather than copied into each expansion that
    reuses them (Fedora's %dist alone reads 10,000 names, and nearly every expansion reads %dist)."""

    own: frozenset[str]
    whole: tuple[frozenset[str], ...] = ()

    def sets(self) -> tuple[frozenset[str], ...]:
        return (self.own, *self.whole)

    def isdisjoint(self, names: frozenset[str]) -> bool:
        return all(s.isdisjoint(names) for s in self.sets())


@dataclass(slots=True)
class Trace:
    """Every macro name one spec's expansion looked up: names one by one, and the large name sets of the
    cached expansions it used, kept whole (`Reads`)."""

    names: set[str] = field(default_factory=set)
    reused: dict[int, frozenset[str]] = field(default_factory=dict)  # by id: each set once (and kept alive)

    def isdisjoint(self, names: frozenset[str]) -> bool:
        return names.isdisjoint(self.names) and all(names.isdisjoint(r) for r in self.reused.values())

    def update(self, other: Trace) -> None:
        """Count what `other` looked up as looked up here too."""
        self.names |= other.names
        self.reused.update(other.reused)
