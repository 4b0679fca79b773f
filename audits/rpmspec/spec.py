"""rpm's spec reader (build/parseSpec.c, 4.18) as far as package identities need it.

Lines are joined as rpm joins them (trailing backslash, unclosed `%{ %( %[`), expanded, split again and
classified: conditionals, `%include` (read only from the spec's own folder), section headers. The preamble of every package and
`%description` bodies (where macros may generate `%package`/`%files` sections) are expanded whole; in the
other sections (scripts, `%files` lists, `%changelog`) only lines that can change the macro table or
the package list are: conditionals, section headers, `%global`/`%define`/`%undefine`/`%bcond*`, `%{lua:}`
(rpm's one Lua state keeps what it defines), lines that define or undefine a macro anywhere, calls of
macros the spec itself defined, and calls of macros whose body writes a `%package`/`%files` header
(`%pyproject_extras_subpkg` after a `%files` list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .engine import Entry, MacroEngine
from .expr import ExprError, as_bool
from .lines import CONDITIONALS, PART_SET, line_type, part_of
from .scan import section_package

if TYPE_CHECKING:
    from .crossarch import OtherArch

_EXPANDED_PARTS = frozenset({"package", "description"})
_BODY_READ = frozenset({"preamble", "package", "description"})  # the parts whose every line counts
# lines that may change the macro table or the Lua state (a function a later %{lua:} calls)
_DIRECTIVES = frozenset({"global", "define", "undefine", "bcond", "bcond_with", "bcond_without", "lua"}) | CONDITIONALS | PART_SET
_DEFINING = re.compile(r"%\{?(?:define|global|undefine)\b")
_LEADING_NAME = re.compile(r"\s*%\{?[!?]*([A-Za-z_][A-Za-z0-9_]*)")
_MACRO_NAME = re.compile(r"%\{?[!?]*([A-Za-z_][A-Za-z0-9_]*)")
_GENERATOR_DEPTH = 3
MAX_INCLUDES = 8  # %include files read inside one another
_NUMBERED_FILE = re.compile(r"(source|patch)0*([0-9]+)")  # SourceN/PatchN tags define %{SOURCEN}/%{PATCHN}
_LISTS = {"buildarch": "buildarch", "buildarchitectures": "buildarch", "exclusivearch": "exclusivearch", "excludearch": "excludearch"}
_TAG_MACROS = frozenset({"name", "version", "release", "epoch", "summary", "license", "url"})  # rpm defines %name...
_TAG = re.compile(r"([A-Za-z0-9]+)\s*(\([^)]*\))?\s*:(.*)$", re.S)


@dataclass
class Tag:
    value: str
    problems: list[str]
    other: str | None = None  # the value for an OtherArch's architecture, when it was expanded for both


@dataclass
class PackageRecord:
    name: str
    name_problems: list[str]
    tags: dict[str, Tag] = field(default_factory=dict)
    requires: list[Tag] = field(default_factory=list)
    provides: list[Tag] = field(default_factory=list)
    has_files: bool = False


@dataclass
class ParsedSpec:
    packages: list[PackageRecord]  # main first
    fatal: list[str] = field(default_factory=list)  # rpm would refuse the spec: nothing is trustworthy
    missing_packages: list[str] = field(default_factory=list)  # %files/%package problems

# where a section-writing macro declares packages (not in the build scriptlets)
_DECLARING_PARTS = ("preamble", "package", "description")


_SIGNIFICANT = re.compile(r"[\\\n%{}()\[\]]")  # the only characters that change _Joiner's state
# a line that _Joiner would end where it stands: no backslash, no %( or %[, each brace that of a %{...} of its own
_WHOLE_LINE = re.compile(r"(?:[^\\{}%]++|%[^{(\[\\]|%\{[^{}\\%]*+\})*+")


class _Joiner:
    """rpm reads another line while a backslash ends the line or a %{ %( %[ is unclosed: the state is
    kept across the lines of one buffer, so every character is scanned once."""

    def __init__(self) -> None:
        self.buffer = ""
        self.i = 0
        self.bc = self.pc = self.xc = 0
        self.nc = False

    def add(self, line: str) -> bool:
        """Append a line; whether rpm would read another one into the buffer."""
        self.buffer += line
        buffer, n = self.buffer, len(self.buffer)
        if not (self.bc or self.pc or self.xc) and "%" not in line and "\\" not in line:
            self.i = n  # no state can change but a newline ending the continuation
            self.nc = self.nc and "\n" not in line
            return self.nc
        i = self.i
        bc, pc, xc, nc = self.bc, self.pc, self.xc, self.nc
        while True:
            m = _SIGNIFICANT.search(buffer, i)
            if m is None:
                i = n
                break
            i = m.start()
            c = buffer[i]
            if c in "\\%" and i + 1 >= n:
                break  # decided by the next line's first character: scanned again then
            if c == "\\":
                if buffer[i + 1] == "\n":
                    nc = True
                i += 2
                continue
            if c == "\n":
                nc = False
            elif c == "%":
                d = buffer[i + 1]
                if d in "{([%":
                    bc += d == "{"
                    pc += d == "("
                    xc += d == "["
                    i += 2
                    continue
            elif c == "{" and bc:
                bc += 1
            elif c == "}" and bc:
                bc -= 1
            elif c == "(" and pc:
                pc += 1
            elif c == ")" and pc:
                pc -= 1
            elif c == "[" and xc:
                xc += 1
            elif c == "]" and xc:
                xc -= 1
            i += 1
        self.i, self.bc, self.pc, self.xc, self.nc = i, bc, pc, xc, nc
        return bool(bc or pc or xc or nc)


@dataclass
class _Level:
    reading: bool
    readable: bool
    kind: str


def section_writing(entry: Entry | None) -> tuple[bool, bool, frozenset[str]]:
    """All SpecReader._writes_sections reads of a macro: whether it is defined, whether its body writes a
    %package or %files header, and the macros its body names."""
    if entry is None:
        return False, False, frozenset()
    if entry.sections is None:
        body = entry.body
        entry.sections = ("%package" in body or "%files" in body,
                          frozenset(m.group(1) for m in _MACRO_NAME.finditer(body) if _may_call(body, m.start())))
    return True, *entry.sections


def _may_call(body: str, start: int) -> bool:
    """Whether the % at `start`, the last of a run, may call a macro when the body is expanded, or once
    more by an %{expand:} around it: not when the run is a doubled %% escape twice over (pyproject-rpm-macros
    write ``%%%%pyproject_extras_subpkg`` in a message of %pyproject_install)."""
    run = 1
    while run <= start and body[start - run] == "%":
        run += 1
    return run % 2 == 1 or run == 2


class _PreambleDecides(Exception):
    """The main preamble alone decides the caller's answer: the rest of the spec is not read."""


class SpecReader:
    """Reads one spec text with one engine (already reset) for one target cpu. `enough(main)`, asked
    once the main package's preamble ends, may end the reading there (the result is then partial), or
    retarget() it and let it go on."""

    def __init__(
        self,
        engine: MacroEngine,
        target_cpu: str,
        target_os: str = "linux",
        *,
        enough: Callable[[PackageRecord], bool] | None = None,
        other: OtherArch | None = None,
    ) -> None:
        self.engine = engine
        self.enough = enough
        self.other = other  # a second architecture the dependency and %files lines are expanded for too
        self.target_cpu = target_cpu
        self.target_os = target_os
        self.stack = [_Level(True, False, "")]
        self.part = "preamble"
        self.current: PackageRecord | None = None
        self.result = ParsedSpec([])
        self._section_writers: dict[str, bool] = {}
        self.includes = 0  # %include files being read
        self.bodies_read: set[str] = set()  # macros only looked into by _writes_sections (section_writing)
        self.arch_tests: list[list[str]] = []  # the word lists %ifarch/%ifnarch/%elifarch looked for target_cpu in

    def retarget(self, target_cpu: str) -> None:
        """Read on for another target cpu (rpm reads a `BuildArch: noarch` spec for noarch): %{_target_cpu} is
        defined as it, and the arch tests look for it."""
        self.engine.push_definition("_target_cpu", target_cpu, level=0)
        self.target_cpu = target_cpu

    # -- reading ---------------------------------------------------------------------------------
    def read(self, text: str) -> ParsedSpec:
        try:
            self._read_lines(text.splitlines(keepends=True))
        except _PreambleDecides:
            return self.result
        if len(self.stack) > 1 and not self.result.fatal:
            self.result.fatal.append("an %if is never closed")
        return self.result

    def _read_lines(self, lines: list[str]) -> None:
        i, count = 0, len(lines)
        while i < count and not self.result.fatal:
            line = lines[i]
            i += 1
            if "%" not in line and "\\" not in line:  # most lines: nothing to join, expand or classify
                if self.part in ("preamble", "package") and self.stack[-1].reading:
                    self._preamble(line[:-1] if line.endswith("\n") else line, [])
                continue
            if ("\\" in line or "%{" in line or "%(" in line or "%[" in line) and not _WHOLE_LINE.fullmatch(line):
                joiner = _Joiner()
                more = joiner.add(line)
                if i < count and more:
                    while i < count and more:
                        more = joiner.add(lines[i])
                        i += 1
                    self._buffer(joiner.buffer)
                    continue
            # one line: in a section body only a line starting with % can matter, and of those (most are file
            # list entries and script commands) only one that is a conditional, starts a section or is expanded
            if self.part in _BODY_READ:
                self._buffer(line)
            elif (stripped := line.lstrip()).startswith("%") and (
                    line_type(line) is not None or part_of(stripped) is not None
                    or (self.stack[-1].reading and self._should_expand(line))):
                self._buffer(line)

    def _should_expand(self, buffer: str) -> bool:
        if "%" not in buffer:
            return False
        if self.part in _EXPANDED_PARTS or self.part == "preamble":
            return True
        if _DEFINING.search(buffer):  # `%{!?x: %define x 0}`: rpm expands every line, so defines here too
            return True
        m = _LEADING_NAME.match(buffer)
        if m is None:
            return False
        name = m.group(1)
        return (name in _DIRECTIVES or name.lower() in PART_SET or name in self.engine.defined_here
                or self._writes_sections(name, _GENERATOR_DEPTH)
                or (name == "expand" and any(self._writes_sections(n, _GENERATOR_DEPTH) for n in _MACRO_NAME.findall(buffer))))

    def _generator(self, buffer: str) -> str | None:
        """The macro a line calls when that macro writes sections (%package, %files, ...), else None."""
        m = _LEADING_NAME.match(buffer)
        if m is None or m.group(1) in _DIRECTIVES or m.group(1).lower() in PART_SET:
            return None
        return m.group(1) if self._writes_sections(m.group(1), _GENERATOR_DEPTH) else None

    def _writes_sections(self, name: str, depth: int) -> bool:
        """Whether the macro (or one its body names, `depth` levels down) writes a %package or %files
        header: %pyproject_extras_subpkg in %files or %check adds packages as it does in the preamble."""
        known = self._section_writers.get(name)
        if known is not None:
            return known
        self.bodies_read.add(name)
        defined, headers, named = section_writing(self.engine.peek(name))
        self._section_writers[name] = False  # a macro naming itself ends here
        writes = defined and (headers or (depth > 0 and any(self._writes_sections(n, depth - 1) for n in named)))
        self._section_writers[name] = writes
        return writes

    def _buffer(self, buffer: str) -> None:
        kind = line_type(buffer)
        top = self.stack[-1]
        active = top.readable if kind in ("elif", "elifarch", "elifos") else top.reading
        expand = active and self._should_expand(buffer)
        if not expand and "\n" in buffer.rstrip("\n"):
            for line in buffer.splitlines(keepends=True):  # each line of an unexpanded continuation
                self._buffer(line)
            return
        start = len(self.engine.problems)
        other_value = None
        if expand and self.other is not None and self.other.wanted(buffer, self.part):
            self.other.begin()
            text = self.engine.expand_text(buffer)
            other_value = self.other.finish(buffer, text)
        else:
            text = self.engine.expand_text(buffer) if expand else buffer
        problems = self.engine.problems[start:]
        if problems and not text.strip() and self.part in _DECLARING_PARTS and (generator := self._generator(buffer)):
            # a macro that writes %package sections failed and wrote nothing: the packages it would have written
            # are unknown (rpm, which runs the shell, may well write them)
            self.result.missing_packages.append(f"%{generator} may define packages, but: {problems[0]}")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        k = 0
        while k < len(lines):
            line = lines[k]
            k += 1
            kind = line_type(line)
            while kind and line.endswith("\\") and k < len(lines):
                line = line[:-1] + " " + lines[k]
                k += 1
            # a multi-line expansion's problems belong to the lines that kept macro text
            self._line(line, kind, problems if len(lines) == 1 or "%(" in line or "%{" in line else [], other_value)

    def _line(self, line: str, kind: str | None, problems: list[str], other_value: str | None = None) -> None:
        if kind is not None and self._conditional(line, kind, problems):
            return
        if not self.stack[-1].reading:
            return
        part = part_of(line.lstrip()) if "%" in line else None
        if part is not None:
            self._start_part(part, line.lstrip(), problems)
        elif self.part in ("preamble", "package"):
            self._preamble(line, problems, other_value)

    # -- conditionals --------------------------------------------------------------------------
    def _matches(self, line: str, kind: str) -> bool:
        words = [w.lower() for w in line.split()[1:]]
        if "os" in kind:
            return self.target_os.lower() in words
        self.arch_tests.append(words)
        return self.target_cpu.lower() in words

    def _condition(self, line: str, kind: str, problems: list[str]) -> bool:
        rest = line.lstrip()[len(kind) + 1 :]
        try:
            return as_bool(rest)
        except ExprError as error:  # what did not expand says why better than the parse error it caused
            self.result.fatal.append(f"bad %{kind} condition: {problems[0] if problems else error}")
            return False

    def _conditional(self, line: str, kind: str, problems: list[str]) -> bool:
        """Apply a conditional line; False for %include (handled like any other line)."""
        top = self.stack[-1]
        if kind == "include":
            if top.reading:
                self._include(line.split(None, 1)[-1].strip() if len(line.split(None, 1)) > 1 else "")
            return True
        if kind in ("if", "ifarch", "ifnarch", "ifos", "ifnos"):
            if kind == "if":
                match = self._condition(line, kind, problems) if top.reading else False
            else:
                match = self._matches(line, kind) != kind.startswith("ifn")
            reading = top.reading and match
            self.stack.append(_Level(reading, not reading and top.reading, kind))
            return True
        if len(self.stack) < 2 or (top.kind == "else" and kind != "endif"):
            self.result.fatal.append(f"%{kind} without a matching %if")
            return True
        if kind == "endif":
            self.stack.pop()
        elif kind == "else":
            top.reading = self.stack[-2].reading and top.readable
            top.kind = "else"
        else:
            match = False
            if top.readable:
                match = self._condition(line, kind, problems) if kind == "elif" else self._matches(line, kind)
            top.reading = top.readable and match
            if top.reading:
                top.readable = False
            top.kind = kind
        return True

    def _include(self, path: str) -> None:
        """rpm reads an included file's lines in place; we read it only from the spec's own folder."""
        text = self.engine.source_file(path) if self.includes < MAX_INCLUDES else None
        if text is None:
            why = "nested too deeply" if self.includes >= MAX_INCLUDES else "not a file of the spec's folder"
            self.result.fatal.append(f"%include {path[:80]} is not read ({why})")
            return
        self.includes += 1
        try:
            self._read_lines(text.splitlines(keepends=True))
        finally:
            self.includes -= 1

    # -- sections --------------------------------------------------------------------------------
    def main(self) -> PackageRecord:
        if not self.result.packages:
            self.result.packages.append(PackageRecord("", []))
        return self.result.packages[0]

    def _full_name(self, name: str | None, explicit: bool) -> str:
        if name is None:
            return self.main().name
        return name if explicit else f"{self.main().name}-{name}"

    def _start_part(self, part: str, line: str, problems: list[str]) -> None:
        if self.part == "preamble" and self.enough is not None and self.result.packages and self.enough(self.main()):
            raise _PreambleDecides
        self.part = part
        if part not in ("package", "files"):
            return
        name, explicit = section_package(line, part)
        full = self._full_name(name, explicit)
        if part == "package":
            if name is None:
                self.result.missing_packages.append("%package without a name")
                self.current = None
                return
            self.main()
            self.current = PackageRecord(full, list(problems))
            self.result.packages.append(self.current)
            return
        for package in self.result.packages:
            if package.name == full:
                package.has_files = True
                return
        self.result.missing_packages.append(f"%files for {full}, a package the spec does not declare")

    def _preamble(self, line: str, problems: list[str], other_value: str | None = None) -> None:
        """A preamble line; `other_value`: the tag's value for the OtherArch, when it was expanded for both."""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return
        m = _TAG.match(stripped)
        if m is None:
            return
        tag = m.group(1).lower()
        value = Tag(m.group(3).strip(), list(problems), other_value)
        package = self.main() if self.part == "preamble" else self.current
        if package is None:
            return
        if tag in _TAG_MACROS and not value.problems:
            self.engine.push_definition(tag, value.value, level=0)
            if self.part == "preamble":
                self.engine.push_definition(tag.upper(), value.value, level=0)
        numbered = None if value.problems else _NUMBERED_FILE.fullmatch(tag)
        if numbered is not None:  # as rpm's addSource: the file's name in %{_sourcedir}, and its URL
            kind, number = numbered.group(1).upper(), numbered.group(2)
            file_name = value.value.rpartition("/")[2]
            self.engine.push_definition(f"{kind}{number}", self.engine.expand_text("%{_sourcedir}/") + file_name, level=0)
            self.engine.push_definition(f"{kind}URL{number}", value.value, level=0)
        if tag == "name" and self.part == "preamble":
            package.name, package.name_problems = value.value, value.problems
        elif tag == "requires":
            package.requires.append(value)
        elif tag == "provides":
            package.provides.append(value)
        elif tag in _LISTS:
            key = _LISTS[tag]
            known = package.tags.get(key)
            package.tags[key] = Tag(f"{known.value} {value.value}", known.problems + value.problems) if known else value
        else:
            package.tags[tag] = value
