"""PURE PYTHON: a spec's dependency and %files lines expanded for a second architecture while the spec is
read for the first, so that the second architecture's identity need not read the whole spec again.

identity.spec_identities gives a second architecture the first one's identity when nothing the reading
looked up differs between them. Many specs read an architecture's macro only in a line whose value
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
from .engine import MacroEngine, base_table, build_python
from .lua import LuaSandbox
from .macrofiles import MacroSet
from .reads import Trace
from .scan import section_package

# A line that adds a dependency, known from its unexpanded text: the tag is literal (spec._TAG's, blanks
# being spaces and tabs), so both expansions give the same tag. identity reads Requires and Provides;
# the others are expanded for both only so that what they look up does not count against sharing.
DEPENDENCY = re.compile(r"[ \t]*(?:requires|provides|buildrequires|buildconflicts|conflicts|obsoletes|recommends"
                        r"|suggests|supplements|enhances|orderwithrequires)[ \t]*(?:\([^)%]*\))?[ \t]*:", re.I)
FILES = re.compile(r"[ \t]*%files(?=\s|$)", re.I)  # a %files header: only the package it names counts


class Declined(Exception):
    """The second expansion wanted to run Lua, whose state the first reading keeps: not expanded twice."""


class _NoLua:
    """The sandbox as the second expansion sees it: what the spec's Lua changed, but no run."""

    def __init__(self, sandbox: LuaSandbox) -> None:
        self._sandbox = sandbox

    @property
    def changed(self) -> frozenset[str]:
        return self._sandbox.changed

    @property
    def runs(self) -> int:
        return self._sandbox.runs

    def reach(self, code: str) -> frozenset[str]:
        return self._sandbox.reach(code)

    def run(self, *args: object, **options: object) -> str:
        raise Declined


@dataclass(frozen=True, slots=True)
class _Mark:
    """Where an expansion starts: it changed nothing when the table, problems, notes and Lua are as here
    (a Lua chunk that ran may have changed a table an earlier chunk made, which `changed` does not show)."""

    generation: int
    problems: int
    notes: int
    lua: tuple[frozenset[str], int] | None
    work: int
    output: int

    @classmethod
    def of(cls, engine: MacroEngine) -> _Mark:
        sandbox = engine.sandbox
        lua = (sandbox.changed, sandbox.runs) if sandbox is not None else None
        return cls(engine.generation, len(engine.problems), len(engine.notes), lua, engine.work, engine.output)

    def unchanged(self, engine: MacroEngine) -> bool:
        now = _Mark.of(engine)
        return (self.generation, self.problems, self.notes, self.lua) == (now.generation, now.problems, now.notes, now.lua)


@dataclass(eq=False)
class OtherArch:
    """The second architecture of one spec's reading: `names` are the macros its files define otherwise."""

    engine: MacroEngine
    arch: str
    macros: MacroSet
    names: frozenset[str]
    reads: Trace = field(default_factory=Trace)  # what the lines expanded for both looked up
    work: int = 0  # what the second architecture's reading spent beyond the first's, in this reading
    output: int = 0
    over_budget: bool = False
    kept: bool = False  # a line was expanded for both: the second identity needs a reading of its own values
    _start: tuple[_Mark, set[str], dict[int, frozenset[str]]] | None = None

    @staticmethod
    def wanted(buffer: str, part: str) -> bool:
        """Whether a line is one whose value may be expanded for both architectures."""
        return FILES.match(buffer) is not None or (part in ("preamble", "package") and DEPENDENCY.match(buffer) is not None)

    def begin(self) -> None:
        """Before the line's expansion for the first architecture (by the reader, in the same frame as any
        other line's): what it looks up is kept apart until finish()."""
        engine = self.engine
        assert engine.recording is not None
        self._start = (_Mark.of(engine), engine.recording, engine.recording_whole)
        engine.recording, engine.recording_whole = set(), {}

    def finish(self, buffer: str, text: str) -> str | None:
        """After it (`text`): a dependency line's value for the second architecture when the line was expanded
        for both (see _shape), else None. What the line looked up counts as read by the reading unless it was."""
        engine = self.engine
        assert self._start is not None and engine.trace is not None and engine.recording is not None
        mark, recording, recording_whole = self._start
        self._start = None
        local = Trace(engine.recording, engine.recording_whole)
        engine.recording, engine.recording_whole = recording, recording_whole
        other = None
        if not local.isdisjoint(self.names) and mark.unchanged(engine) and self._tables_agree():
            other = self._expand_other(buffer, mark.work + self.work, mark.output + self.output)
        kept, value = _shape(text, other[0]) if other is not None else (False, None)
        if other is None or not kept:
            engine.trace.update(local)
            return None
        self.reads.update(local)
        self.kept = True
        self.work += other[1] - (engine.work - mark.work)
        self.output += other[2] - (engine.output - mark.output)
        return value

    def check_budget(self) -> None:
        """At the end of a reading: mark the second one over a budget (then nothing is shared) when it spent
        what the first did plus `work` or `output`. Its spending only grows, so over at some point is over at
        the end."""
        engine = self.engine
        if engine.work + self.work > engine.max_work or engine.output + self.output > engine.max_output:
            self.over_budget = True

    def restart(self) -> None:
        """Before the engine is reset for another reading of the spec (noarch): the one ending is checked,
        and an overrun there still counts; what the next one spends starts again."""
        self.check_budget()
        self.work = self.output = 0

    def _tables_agree(self) -> bool:
        """Whether every differing macro the spec's table holds shows the same entry to both architectures.
        The spec's own entries are the same; a stack may differ only at its bottom, the macro files' entry:
        the first architecture's on top (`%undefine` back to it), or an emptied stack where the second
        architecture's files define the name (the first one's had nothing to pop)."""
        engine = self.engine
        base, other_base = engine.base, base_table(self.macros)[0]
        return not any(stack[-1] is base.get(n) if (stack := engine.table[n]) else n in other_base
                       for n in engine.table if n in self.names)

    def _expand_other(self, buffer: str, work: int, output: int) -> tuple[str, int, int] | None:
        """`buffer` expanded with the second architecture's macro files under the spec's definitions, with
        what it spent (from `work` and `output`: what its reading has spent so far, so that it exhausts a
        budget where that reading would); None when it changed anything (undone) or wanted Lua, which it
        may not run."""
        engine = self.engine
        base, cache, python, sandbox = engine.base, engine.cache, engine.python, engine.sandbox
        recording, recording_whole, exhausted = engine.recording, engine.recording_whole, engine.exhausted
        table = {name: stack.copy() for name, stack in engine.table.items()}
        defined_here, mark = set(engine.defined_here), _Mark.of(engine)
        engine.base, engine.cache = base_table(self.macros)
        engine.python = build_python(self.macros)
        if sandbox is not None:
            engine.sandbox = _NoLua(sandbox)  # type: ignore[assignment]
        engine.recording, engine.recording_whole = set(), {}
        engine.work, engine.output = work, output
        try:
            text = engine.expand_text(buffer)
            found = (text, engine.work - work, engine.output - output) if mark.unchanged(engine) else None
        except (BudgetExhausted, RecursionError, Declined):
            found = None
        finally:
            engine.base, engine.cache, engine.python, engine.sandbox = base, cache, python, sandbox
            engine.recording, engine.recording_whole, engine.exhausted = recording, recording_whole, exhausted
            engine.table, engine.defined_here, engine.generation = table, defined_here, mark.generation
            engine.work, engine.output = mark.work, mark.output
            del engine.problems[mark.problems:], engine.notes[mark.notes:]
        return found


def _shape(ours: str, theirs: str) -> tuple[bool, str | None]:
    """Whether two expansions of a line read the same way, and a dependency line's value for the second
    architecture (None for a %files header naming the same package). Both must be one line with a value.
    A value left with macro text is explained by looking its macros up, after the reading but still
    traced, so a differing one among them still stops the sharing (identity._second_identity)."""
    ours, theirs = ours.removesuffix("\n"), theirs.removesuffix("\n")
    if "\n" in ours or "\n" in theirs:
        return False, None
    if FILES.match(ours):
        same = FILES.match(theirs) is not None
        return same and section_package(ours.lstrip(), "files") == section_package(theirs.lstrip(), "files"), None
    tag, other_tag = DEPENDENCY.match(ours), DEPENDENCY.match(theirs)
    if tag is None or other_tag is None:
        return False, None
    values = ours[tag.end():].strip(), theirs[other_tag.end():].strip()
    return all(values), values[1] if all(values) else None
