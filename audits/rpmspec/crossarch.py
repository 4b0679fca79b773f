"""PURE PYTHON: a spec's dependency and %files lines expanded for a second architecture while the spec is
read for the first, so that the second architecture's identity need not read the whole spec again.

identity.spec_identities gives a second architecture the first one's identity when nothing the reading
read differs between them. A third of the corpus reads an architecture's macro only in a line whose value
decides nothing else: `Requires: libfoo%{?_isa}` (a dependency), `%files -f %{pyproject_files}` (a file
list's name). Such a line is expanded again where it stands, with the second architecture's macro files
under the spec's own definitions; when neither expansion changed anything (a macro, Lua's state, a
problem, a note), the second reading would have taken the same path with only that value different.
Every other line's reads still decide whether the identity is shared at all (identity._Reads.same_for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .builtins import BudgetExhausted
from .buildpython import BuildPython
from .engine import MacroEngine, base_table, build_python
from .lua import LuaSandbox
from .macrofiles import MacroSet
from .reads import Trace
from .scan import section_package

# a line that only adds a dependency, read from its unexpanded text: the tag is literal, so both
# expansions give the same tag (identity reads Requires and Provides, and none of the others)
DEPENDENCY = re.compile(r"[ \t]*(?:requires|provides|buildrequires|buildconflicts|conflicts|obsoletes|recommends"
                        r"|suggests|supplements|enhances|orderwithrequires)[ \t]*(?:\([^)%]*\))?[ \t]*:", re.I)
FILES = re.compile(r"[ \t]*%files(?=\s|$)", re.I)  # a %files header: only the package it names counts
_PYTHONS: dict[int, tuple[MacroSet, BuildPython | None]] = {}


class Declined(Exception):
    """The second expansion wanted to run Lua, whose state the first reading keeps: not expanded twice."""


class _NoLua:
    """The sandbox as the second expansion sees it: what the spec's Lua changed, but no run."""

    def __init__(self, sandbox: LuaSandbox) -> None:
        self._sandbox = sandbox

    @property
    def changed(self) -> frozenset[str]:
        return self._sandbox.changed

    def reach(self, code: str) -> frozenset[str]:
        return self._sandbox.reach(code)

    def run(self, *args: object, **options: object) -> str:
        raise Declined


@dataclass(eq=False)
class OtherArch:
    """The second architecture of one spec's reading: `names` are the macros its files define otherwise."""

    engine: MacroEngine
    arch: str
    macros: MacroSet
    names: frozenset[str]
    reads: Trace = field(default_factory=Trace)  # what the lines expanded twice read
    work: int = 0  # what the second architecture's reading spent beyond the first's, in this reading
    output: int = 0
    over_budget: bool = False
    kept: int = 0  # lines expanded for both

    @staticmethod
    def wanted(buffer: str, part: str) -> bool:
        """Whether a line is one whose value may be expanded for both architectures."""
        return FILES.match(buffer) is not None or (part in ("preamble", "package") and DEPENDENCY.match(buffer) is not None)

    def expand(self, buffer: str) -> tuple[str, str | None]:
        """The line expanded for the first architecture, and a dependency line's value for the second one
        when it was expanded for both (see _shape); None when it was not, or is a %files header."""
        engine = self.engine
        assert engine.trace is not None
        before = (engine.generation, len(engine.problems), len(engine.notes), _lua_state(engine))
        work, output = engine.work, engine.output
        outer = engine.recording, engine.recording_whole
        engine.recording, engine.recording_whole = set(), {}
        try:
            text = engine.expand_text(buffer)
        finally:
            local = Trace(engine.recording, engine.recording_whole)
            engine.recording, engine.recording_whole = outer
        other = None
        if not local.isdisjoint(self.names) and self._shadowed() \
                and before == (engine.generation, len(engine.problems), len(engine.notes), _lua_state(engine)):
            other = self._expand_other(buffer, work + self.work, output + self.output)
        shape = _shape(text, other[0]) if other is not None else None
        if other is None or shape is None:
            _merge(engine.trace, local)
            return text, None
        _merge(self.reads, local)
        self.kept += 1
        self.work += other[1] - (engine.work - work)
        self.output += other[2] - (engine.output - output)
        return text, shape or None

    def check_budget(self) -> None:
        """Whether the second reading, which spent what the first did plus `work`, stayed within the budget."""
        engine = self.engine
        if engine.work + self.work > engine.max_work or engine.output + self.output > engine.max_output:
            self.over_budget = True

    def restart(self) -> None:
        """The engine is reset for another reading of the spec: what it spends starts again."""
        self.check_budget()
        self.work = self.output = 0

    def _shadowed(self) -> bool:
        """Whether the spec left no differing macro showing the first architecture's value in its table
        (`%undefine` back to the macro files' one): the second expansion would see it."""
        engine = self.engine
        base = engine.base
        return not any((stack := engine.table[n]) and stack[-1] is base.get(n) for n in engine.table if n in self.names)

    def _expand_other(self, buffer: str, work: int, output: int) -> tuple[str, int, int] | None:
        """`buffer` expanded with the second architecture's macro files under the spec's definitions, with
        what it spent (from `work` and `output`: what its reading has spent so far, so that it exhausts a
        budget where that reading would); None when it changed anything (undone) or wanted Lua, which it
        may not run."""
        engine = self.engine
        saved = (engine.base, engine.cache, engine.python, engine.sandbox, engine.recording, engine.recording_whole,
                 engine.work, engine.output, engine.generation, engine.exhausted, set(engine.defined_here))
        table = {name: stack.copy() for name, stack in engine.table.items()}
        problems, notes = len(engine.problems), len(engine.notes)
        engine.base, engine.cache = base_table(self.macros)
        engine.python = _python(self.macros)
        if engine.sandbox is not None:
            engine.sandbox = _NoLua(engine.sandbox)  # type: ignore[assignment]
        engine.recording, engine.recording_whole = set(), {}
        engine.work, engine.output = work, output
        try:
            text = engine.expand_text(buffer)
            changed = engine.generation != saved[8] or len(engine.problems) != problems or len(engine.notes) != notes
            found = None if changed else (text, engine.work - work, engine.output - output)
        except (BudgetExhausted, RecursionError, Declined):
            found = None
        finally:
            (engine.base, engine.cache, engine.python, engine.sandbox, engine.recording, engine.recording_whole,
             engine.work, engine.output, engine.generation, engine.exhausted, engine.defined_here) = saved
            engine.table = table
            del engine.problems[problems:], engine.notes[notes:]
        return found


def _shape(ours: str, theirs: str) -> str | None:
    """When the two expansions of a line read the same way: a dependency line's value for the second
    architecture ("" for a %files header naming the same package). Both must be one line, and a value
    one identity takes as it is (no macro text it would explain with the first architecture's macros)."""
    ours, theirs = ours.removesuffix("\n"), theirs.removesuffix("\n")
    if "\n" in ours or "\n" in theirs:
        return None
    if FILES.match(ours):
        return "" if FILES.match(theirs) and section_package(ours.lstrip(), "files") == \
            section_package(theirs.lstrip(), "files") else None
    tag, other_tag = DEPENDENCY.match(ours), DEPENDENCY.match(theirs)
    if tag is None or other_tag is None:
        return None
    values = ours[tag.end():].strip(), theirs[other_tag.end():].strip()
    return values[1] if all(values) and not any(c in v for v in values for c in "%\\{}") else None


def _lua_state(engine: MacroEngine) -> frozenset[str] | None:
    return engine.sandbox.changed if engine.sandbox is not None else None


def _merge(into: Trace, reads: Trace) -> None:
    into.names |= reads.names
    into.reused.update(reads.reused)


def _python(macros: MacroSet) -> BuildPython | None:
    known = _PYTHONS.get(id(macros))
    if known is None or known[0] is not macros:
        if len(_PYTHONS) >= 8:
            _PYTHONS.clear()
        known = _PYTHONS[id(macros)] = (macros, build_python(macros, base_table(macros)[0]))
    return known[1]
