"""An RPM macro expander with rpm 4.18's semantics, for untrusted spec and macro files.

Nothing is executed: `%(...)` is answered only by `shell.expand_shell` for recognised side-effect-free
idioms, Lua runs in the project's sandbox, files and the environment are never read. What cannot be
expanded truthfully stays in the output as written (as rpm leaves an unknown macro) and is recorded in
`problems`, one sentence each. Work, output and recursion are bounded per engine: exhausting a budget
raises `BudgetExhausted`, which the spec preprocessor turns into an unresolved identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from . import builtins, buildpython
from .builtins import BudgetExhausted
from .buildpython import BuildPython
from .lua import LuaSandbox
from .macrofiles import MacroSet
from .reads import WHOLE, Reads, Trace
from .scan import OptionError, getopt, macro_end, split_args
from .shell import expand_shell

MAX_DEPTH = 64  # rpm's max_macro_depth
MAX_SOURCE = 1 << 20  # characters of a file of the spec's folder that %{load:} or %include reads
_FIELD_END = re.compile(r"[ :}]")  # where a %{name ends: its argument, its :value, or the brace


@dataclass(slots=True)
class Entry:
    body: str
    options: str | None  # None: a plain macro
    level: int
    literal: bool = False  # automatic argument macros (%1, %-f...) are never re-expanded
    auto: bool = False
    # spec.section_writing's reading of the body, made once: a macro file's entry serves every spec
    sections: tuple[bool, frozenset[str]] | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Frame:
    """One parametric macro call: what `%{lua:}` in its body sees as `opt` and `arg`."""

    name: str
    options: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)


class MacroEngine:
    """The macro table and expander (implements lua.LuaHost)."""

    def __init__(
        self,
        macro_set: MacroSet,
        *,
        sandbox: LuaSandbox | None,
        max_work: int = 400_000,
        max_output: int = 8_000_000,
        shell: Callable[[str, str, BuildPython | None, list[str]], str | None] = expand_shell,
        read_source: Callable[[str], str | None] | None = None,
    ) -> None:
        self.base, self.cache = base_table(macro_set)
        self.table: dict[str, list[Entry]] = {}  # what the spec changed, over `base`
        self.sandbox = sandbox
        self.shell = shell
        self.byteorder = ""  # the target's ("little", "big"), when the caller knows it: for %(...) probes
        self.python = build_python(macro_set)
        self.read_source = read_source  # a file of the spec's own folder, for %{load:%{_sourcedir}/...}
        self.max_work = max_work
        self.max_output = max_output
        self.reset()

    def reset(self) -> None:
        """Forget everything a previous spec defined and spent (the macro files' table is kept)."""
        self.table = {}
        self.work = 0
        self.output = 0
        self.depth = 0
        self.level = 0
        self.frames: list[Frame] = []
        self.scopes: list[list[str]] = []
        self.problems: list[str] = []
        self.notes: list[str] = []  # facts from outside the spec its expansion used (see note, _shared)
        self.exhausted: str | None = None
        self.defined_here: set[str] = set()  # names the spec itself defined (not the macro files)
        self.generation = 0  # bumped by every lasting change of the table
        self.recording: set[str] | None = None  # names looked up by the cacheable expansion under way
        self.recording_whole: dict[int, frozenset[str]] = {}  # and the large sets it read, by id (Reads)
        self.trace: Trace | None = None  # names looked up by the whole spec, when traced
        if self.sandbox is not None:
            self.sandbox.new_state()

    def start_trace(self, trace: Trace | None = None) -> Trace:
        """Record every name looked up from now on into `trace` (a new one by default), until reset()."""
        self.trace = trace if trace is not None else Trace()
        self.recording, self.recording_whole = self.trace.names, self.trace.reused
        return self.trace

    # -- the table ---------------------------------------------------------------------------------
    def _push(self, name: str, body: str, options: str | None, level: int, *, literal: bool = False, auto: bool = False) -> None:
        self._stack(name).append(Entry(body, options, level, literal, auto))
        if not auto:
            self.generation += 1
        if level > 0 and self.scopes:
            self.scopes[-1].append(name)

    def _stack(self, name: str) -> list[Entry]:
        stack = self.table.get(name)
        if stack is None:
            base = self.base.get(name)
            stack = self.table[name] = [base] if base is not None else []
        return stack

    def pop(self, name: str) -> None:
        stack = self._stack(name)
        if stack:
            stack.pop()
            self.generation += 1

    def _changed(self, name: str) -> bool:
        """Whether the spec changed `name` (its value is not the macro files' one)."""
        stack = self.table.get(name)
        if stack is None:
            return False
        base = self.base.get(name)
        return bool(stack) if base is None else not (len(stack) == 1 and stack[0] is base)

    def _unchanged(self, reads: Reads) -> bool:
        for names in reads.sets():
            # walk the smaller side (`table.keys() & names` would walk the frozenset, often 10,000 names)
            touched = names.intersection(self.table) if len(self.table) < len(names) else names
            if any(self._changed(n) for n in touched):
                return False
        return True

    def lookup(self, name: str) -> Entry | None:
        if self.recording is not None:
            self.recording.add(name)
        # peek() inline for the common case: a name the spec did not change
        return self.peek(name) if name in self.table else self.base.get(name)

    def peek(self, name: str) -> Entry | None:
        """lookup() without counting the name as read: for a caller that records what it uses itself."""
        stack = self.table.get(name)
        if stack is None:
            return self.base.get(name)
        if not stack:
            return None
        entry = stack[-1]
        if entry.auto and self.level > entry.level:
            return None  # an enclosing call's argument is out of scope
        return entry

    def push_definition(self, name: str, body: str, options: str | None = None, *, level: int | None = None) -> None:
        self._push(name, body, options, self.level if level is None else level)
        self.defined_here.add(name)

    def source_file(self, path: str) -> str | None:
        """The text of `path` when it names a file of %{_sourcedir} (the spec's own folder, through
        read_source) of at most MAX_SOURCE characters; None otherwise."""
        folder, _, file_name = path.strip().rpartition("/")
        if self.read_source is None or file_name in ("", ".", "..") or folder != self.expand_text("%{_sourcedir}"):
            return None
        text = self.read_source(file_name)
        return text if text is not None and len(text) <= MAX_SOURCE else None

    def problem(self, reason: str) -> None:
        if len(self.problems) < 200:
            self.problems.append(reason)

    def note(self, *notes: str) -> None:
        """Record that the expansion under way used facts from outside the spec (`notes`, one sentence
        each): kept as events, repeats too, so that every cacheable expansion sees those it used."""
        self.notes.extend(notes)

    def charge(self, units: int = 1) -> None:
        self.work += units
        if self.work > self.max_work:
            self.exhausted = f"macro expansion exceeded its work budget ({self.max_work} steps)"
            raise BudgetExhausted(self.exhausted)

    # -- LuaHost -------------------------------------------------------------------------------------
    def expand(self, text: str) -> str:
        """Expand `text` completely (rpm.expand / rpmExpand)."""
        return self.expand_text(text)

    def define(self, definition: str) -> None:
        builtins.define(self, definition, expand_body=False, level=0, inline=False)

    def undefine(self, name: str) -> None:
        self.pop(name)

    def is_defined(self, name: str) -> tuple[bool, bool]:
        entry = self.lookup(name)
        if entry is None:
            return (name in builtins.BUILTINS, False)
        return (True, entry.options is not None)

    def call(self, name: str, args: Sequence[str]) -> str:
        entry = self.lookup(name)
        if entry is None:
            if name in builtins.BUILTINS:
                return builtins.BUILTINS[name].run(self, name, [name, *args])
            raise KeyError(name)
        return self._run_entry(name, entry, [name, *args] if entry.options is not None else None)

    # -- expansion ---------------------------------------------------------------------------------
    def expand_shared(self, text: str) -> str:
        """expand_text for ``%{expand:text}``: shared across specs like a plain macro's expansion (see
        _shared). Fedora's %dist expands 10,000 ``%{?distprefixN}`` there, again in every spec that sets
        %distprefix (go-rpm-macros do), for the same answer."""
        return self._shared(("%{expand:}", text), lambda: self.expand_text(text))

    def reads_arguments(self) -> None:
        """The expansion under way read the arguments of the parametric call it runs in (Lua's opt and
        arg): it is shared only outside such calls ("**" is defined in each of them)."""
        self.lookup("**")

    def expand_text(self, text: str) -> str:
        if self.depth >= MAX_DEPTH:
            self.problem("macro recursion is deeper than rpm's limit of 64 levels")
            return text
        self.depth += 1
        try:
            result = self._expand(text)
        finally:
            self.depth -= 1
        self.produce(len(result))
        return result

    def produce(self, characters: int) -> None:
        self.output += characters
        if self.output > self.max_output:
            self.exhausted = f"macro expansion exceeded its output budget ({self.max_output} characters)"
            raise BudgetExhausted(self.exhausted)

    def _expand(self, text: str) -> str:
        out: list[str] = []
        i, n = 0, len(text)
        while True:
            j = text.find("%", i)
            if j < 0:
                out.append(text[i:])
                break
            out.append(text[i:j])
            if j + 1 >= n:
                out.append("%")
                break
            s = j + 1
            c = text[s]
            if c == "%":
                out.append("%")
                i = s + 1
                continue
            self.work += 1  # charge(), inline: once per macro call
            if self.work > self.max_work:
                self.charge(0)
            se = macro_end(text, s)
            if se < 0:
                self.problem(f"unterminated macro %{text[s:s + 40]}")
                out.append(text[j:])
                break
            i = self._expand_call(text, j, s, se, out)
        return "".join(out)

    def _expand_call(self, text: str, j: int, s: int, se: int, out: list[str]) -> int:
        """Expand the macro call text[j:se] into `out`; returns where scanning continues."""
        c = text[s]
        if c == "(":
            command = self.expand_text(text[s + 1 : se - 1])
            notes: list[str] = []
            result = self.shell(command, self.byteorder, self.python, notes)
            if result is None:
                self.problem(f"shell command %({command.strip()[:80]}) is not run")
                out.append(text[j:se])
            else:
                if notes:  # answered from the macro files' statement of the build root's Python: read them
                    for name in buildpython.MACROS:
                        self.lookup(name)
                self.note(*notes)
                out.append(result.rstrip("\r\n"))
            return se
        if c == "[":
            out.append(builtins.expression(self, text[s + 1 : se - 1], expand=True, original=text[j:se]))
            return se
        g = ge = lastc = -1
        if c == "{":
            f = s + 1
            negate, check, f = _flags(text, f) if text[f] in "?!" else (0, 0, f)
            n = se - 1
            stop = _FIELD_END.search(text, f, n)
            fe = stop.start() if stop is not None else max(f, n)
            if fe < n and text[fe] == ":":
                g, ge = fe + 1, se - 1
            elif fe < n and text[fe] == " ":
                lastc = se - 1
        else:
            negate, check, f = _flags(text, s) if c in "?!" else (0, 0, s)
            fe = se
            if fe < len(text) and text[fe] in " \t":
                nl = text.find("\n", fe)
                lastc = nl if nl >= 0 else len(text)
        if fe <= f:
            out.append("%")
            return s
        name = text[f:fe]
        entry = self.lookup(name)
        builtin = builtins.BUILTINS.get(name) if entry is None else None
        if text[f] == "-" or check:
            exists = entry is not None or builtin is not None
            if exists == bool(negate):
                return se
            if g >= 0 and g < ge:
                out.append(self.expand_text(text[g:ge]))
            elif entry is not None:
                out.append(self._run_entry(name, entry, None))
            return se
        if entry is None and builtin is None:
            out.append("%")
            return s
        if entry is not None and entry.options is None:
            out.append(self._run_entry(name, entry, None))
            return se
        if builtin is not None and builtin.raw and fe == se:
            produced, consumed = builtin.run_inline(self, name, text[se:])
            out.append(produced)
            return se + consumed
        if builtin is not None and builtin.nargs == 0 and fe == se:
            lastc = -1  # a builtin without arguments takes none from the rest of the line
        args = [name]
        raw = builtin is not None and builtin.raw
        if g >= 0:
            args.append(text[g:ge] if raw else self.expand_text(text[g:ge]))
            se = ge + 1
        elif lastc >= 0:
            grabbed = text[fe:lastc]
            if raw:
                args.append(grabbed)
            else:
                args.extend(split_args(self.expand_text(grabbed)))
            end_here = lastc >= len(text) or (text[lastc] == "\n" and text[lastc - 1] != "\\")
            se = lastc if end_here else lastc + 1
        if builtin is not None:
            out.append(builtin.run(self, name, args))
        else:
            assert entry is not None
            out.append(self._run_entry(name, entry, args))
        return se

    def _run_entry(self, name: str, entry: Entry, args: list[str] | None) -> str:
        if entry.literal:
            return entry.body
        if not entry.body:
            return ""
        if args is None:
            if self.base.get(name) is not entry:
                return self.expand_text(entry.body)
            return self._shared(name, lambda: self.expand_text(entry.body))
        self.charge()
        # the spec's own parametric macros too (rpmautospec's %autorelease): the body is in the key
        return self._shared((name, entry.options, entry.body, *args), lambda: self._call_entry(name, entry, args))

    def _call_entry(self, name: str, entry: Entry, args: list[str]) -> str:
        self.level += 1
        self.scopes.append([])
        try:
            frame = self._setup_args(name, entry.options or "", args)
            if frame is None:
                return ""
            self.frames.append(frame)
            try:
                return self.expand_text(entry.body)
            finally:
                self.frames.pop()
        finally:
            for scoped in self.scopes.pop():
                stack = self._stack(scoped)
                while stack and stack[-1].level >= self.level:
                    stack.pop()
            self.level -= 1

    def _shared(self, key: CacheKey, expand: Callable[[], str]) -> str:
        """A macro expanded (a macro file's plain one, or a parametric call of this body with these
        arguments): the result is shared across specs while nothing it read was changed by the spec and
        it changed nothing itself (Fedora's %dist alone looks up 10,000 macros), nor read a Lua global
        the spec's Lua changed (`names` holds the globals its Lua may read, see LuaSandbox.reach).
        The notes the expansion added are kept with it, and added again whenever it is reused."""
        changed = self._lua_changed()
        cached = self.cache.get(key)
        if cached is not None and self._unchanged(cached[0]) and cached[0].isdisjoint(changed):
            self._record(cached[0])
            self.note(*cached[2])
            self.charge(cached[3][0])  # what expanding it spent: a spec's budgets do not depend on what was
            self.produce(cached[3][1])  # cached before it (another spec, another process)
            return cached[1]
        outer = self.recording, self.recording_whole
        self.recording, self.recording_whole = set(), {}
        generation, problems, notes = self.generation, len(self.problems), len(self.notes)
        work, output = self.work, self.output
        try:
            result = expand()
        finally:
            reads = Reads(frozenset(self.recording), tuple(self.recording_whole.values()))
            self.recording, self.recording_whole = outer
            self._record(reads)
        if generation == self.generation and problems == len(self.problems) and self._unchanged(reads) \
                and reads.isdisjoint(changed) and reads.isdisjoint(self._lua_changed()):
            self.cache[key] = (reads, result, tuple(dict.fromkeys(self.notes[notes:])), (self.work - work, self.output - output))
        return result

    def _lua_changed(self) -> frozenset[str]:
        return self.sandbox.changed if self.sandbox is not None else frozenset()

    def runs_lua(self, code: str) -> None:
        """Record, for the expansion under way, the Lua globals `code` may read (see _shared)."""
        if self.recording is not None and self.sandbox is not None:
            self._record_set(self.sandbox.reach(code))

    def _record(self, reads: Reads) -> None:
        """What a cached expansion read was read by the expansion under way."""
        if self.recording is None:
            return
        self._record_set(reads.own)
        for names in reads.whole:
            self.recording_whole[id(names)] = names

    def _record_set(self, names: frozenset[str]) -> None:
        """`names` were read by the expansion under way (the callers check that one is)."""
        assert self.recording is not None
        if len(names) >= WHOLE:
            self.recording_whole[id(names)] = names
        else:
            self.recording |= names

    def _setup_args(self, name: str, options: str, args: list[str]) -> Frame | None:
        level = self.level
        self._push("0", name, None, level, literal=True, auto=True)
        self._push("**", " ".join(args[1:]), None, level, literal=True, auto=True)
        try:
            found, positional = getopt(args[1:], options)
        except OptionError as error:
            self.problem(f"%{name}: {error}")
            return None
        frame = Frame(name)
        for letter, value in found:
            self._push(f"-{letter}", f"-{letter} {value}" if value is not None else f"-{letter}", None, level, literal=True, auto=True)
            if value is not None:
                self._push(f"-{letter}*", value, None, level, literal=True, auto=True)
            frame.options[letter] = value or ""
        self._push("#", str(len(positional)), None, level, literal=True, auto=True)
        for k, value in enumerate(positional, 1):
            self._push(str(k), value, None, level, literal=True, auto=True)
        self._push("*", " ".join(positional), None, level, literal=True, auto=True)
        frame.args = positional
        return frame


CacheKey = str | tuple[str | None, ...]  # a plain macro's name; (name, options, body, arguments...) of a call
Cache = dict[CacheKey, tuple[Reads, str, tuple[str, ...], tuple[int, int]]]  # names read, expansion, notes, (work, output) spent
_BASES: dict[int, tuple[MacroSet, dict[str, Entry], Cache, BuildPython | None]] = {}


def base_table(macro_set: MacroSet) -> tuple[dict[str, Entry], Cache]:
    """rpm's macros the engine provides, then the macro files' table (later definitions win; rpm's
    built-in names cannot be redefined), built once per macro set and shared, read-only, by every
    engine; with the shared cache of plain macros' expansions over that table."""
    found = _base(macro_set)
    return found[1], found[2]


def build_python(macro_set: MacroSet) -> BuildPython | None:
    """The build root's Python as the macro files state it, for the probes of %(...) (buildpython)."""
    return _base(macro_set)[3]


def _base(macro_set: MacroSet) -> tuple[MacroSet, dict[str, Entry], Cache, BuildPython | None]:
    cached = _BASES.get(id(macro_set))
    if cached is not None and cached[0] is macro_set:
        return cached
    table = {name: Entry(body, options, 0) for name, options, body in builtins.RPM_MACROS}
    table.update((d.name, Entry(d.body, d.options, 0)) for d in macro_set.definitions if d.name not in builtins.BUILTINS)
    python = BuildPython.from_macros(((d.name, d.body) for d in macro_set.definitions),
                                     table["_lib"].body if "_lib" in table else None)
    if len(_BASES) >= 8:
        _BASES.clear()
    found = _BASES[id(macro_set)] = (macro_set, table, {}, python)
    return found


def _flags(text: str, i: int) -> tuple[int, int, int]:
    """rpm's setNegateAndCheck: (negate, check-existence, index after the ?/! prefix)."""
    negate = check = 0
    while i < len(text) and text[i] in "?!":
        if text[i] == "!":
            negate ^= 1
        else:
            check += 1
        i += 1
    return negate, check, i
