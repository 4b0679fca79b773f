"""Truthful package identities of one spec for one architecture: what rpm would name and build.

A value is published only when it is completely expanded and valid for rpm; anything else is an empty
value and an `Unresolved` naming the field and, in one sentence, the macros or construct at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Mapping

from . import efimodel, fontmodel, gomodel
from .builtins import BudgetExhausted
from .crossarch import OtherArch
from .engine import MacroEngine, base_table
from .lua import LuaSandbox
from .macrofiles import MacroSet
from .reads import Trace
from .spec import PackageRecord, ParsedSpec, SpecReader, Tag, section_writing

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]*")
_VERREL = re.compile(r"[A-Za-z0-9._+~^]+")
_EPOCH = re.compile(r"[0-9]+")
_LEFTOVER = re.compile(r"%\{?[!?]*([A-Za-z_][A-Za-z0-9_]*)|%\(")
_TARGET_CPU = frozenset({"_target_cpu"})
BYTE_ORDERS = {"x86_64": "little", "aarch64": "little"}  # the build machine's, for %(python3 -c ...byteorder...)
_OPERATORS = frozenset({"<", ">", "=", "<=", ">=", "==", "!=", "<>"})


def _rebuilt(identity: Unresolved | BinaryIdentity | SpecIdentity) -> tuple[Any, tuple[Any, ...]]:
    """__reduce__ of the identities: compiled (mypyc), a frozen dataclass is unpickled by setting its fields,
    which it refuses; rebuilt from its fields it pickles the same, compiled or not (a process pool's answers)."""
    return type(identity), tuple(getattr(identity, f.name) for f in fields(identity))


@dataclass(frozen=True, slots=True)
class Unresolved:
    field: str  # "name", "epoch", "version", "release", "packages", or "package:<name>"
    reason: str

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class BinaryIdentity:
    name: str
    epoch: str
    version: str
    release: str
    license: str
    summary: str
    arch: str  # "noarch" (BuildArch) or the target arch
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)


@dataclass(frozen=True, slots=True)
class SpecIdentity:
    arch: str
    name: str
    epoch: str
    version: str
    release: str
    license: str
    packages: tuple[BinaryIdentity, ...]  # the binary packages rpm would build, main first, spec order
    unresolved: tuple[Unresolved, ...]
    excluded_reason: str = ""  # non-empty: rpm builds nothing for this arch (ExclusiveArch, ExcludeArch, BuildArch)
    # License, Summary, Requires or Provides values left out because they did not expand: not part of
    # the identity (name, EVR, binary packages), so `complete` does not depend on them.
    metadata_unresolved: tuple[Unresolved, ...] = ()
    notes: tuple[str, ...] = ()  # how the identity was obtained, when not from the repository alone

    @property
    def complete(self) -> bool:
        return not self.unresolved

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _rebuilt(self)


# Pedigree's models of macro packages whose files are not in the repository: (module, package)
_MODELS = ((gomodel, "go-rpm-macros"), (fontmodel, "fonts-rpm-macros"), (efimodel, "efi-srpm-macros"))


def _reason(field: str, raw: str, problems: list[str], engine: MacroEngine, off: tuple[str, ...] = ()) -> str:
    """One sentence: the problems met while expanding, else the macros left in the value."""
    if problems and gomodel.SNAPSHOT_DATE in problems[0]:
        return f"{field}: {gomodel.SNAPSHOT_REASON}"
    if problems:
        return f"{field}: {problems[0]}"
    for m in _LEFTOVER.finditer(raw):
        if m.group(1) is None:
            return f"{field}: a shell command %(...) is not run"
        name = m.group(1)
        if engine.lookup(name) is None:
            why = ""
            for (model, package), model_off in zip(_MODELS, off or ("",) * len(_MODELS)):
                if name in model.MODEL_MACROS:
                    error = engine.expand_text(f"%{{?{model.ERROR}}}") if engine.lookup(model.ERROR) else ""
                    error = error or getattr(model, "LEFT_UNDEFINED", {}).get(name, "")  # on purpose, and why
                    why = f" (it comes from {package}: {model_off})" if model_off else f" ({error})" if error else ""
            return f"{field}: %{{{name}}} is not defined{why}"
        return f"{field}: %{{{name}}} did not expand"
    return f"{field}: {raw[:80]!r} is not a valid rpm {field.split(':')[0]}"


class _Collector:
    def __init__(self, engine: MacroEngine, off: tuple[str, ...] = ()) -> None:
        self.engine = engine
        self.off = off  # why each of _MODELS is not loaded ("" when it is)
        self.unresolved: list[Unresolved] = []
        self.metadata: list[Unresolved] = []

    def value(self, field: str, tag: Tag | None, pattern: re.Pattern[str] | None, *, fallback: str = "",
              metadata: bool = False) -> str:
        if tag is None:
            return fallback
        raw = tag.value
        clean = not tag.problems and not _LEFTOVER.search(raw) and "\\" not in raw
        if clean and (pattern.fullmatch(raw) if pattern is not None else "{" not in raw and "}" not in raw):
            return raw
        (self.metadata if metadata else self.unresolved).append(
            Unresolved(field, _reason(field, raw, tag.problems, self.engine, self.off)))
        return ""

    def dependencies(self, field: str, tags: list[Tag]) -> tuple[str, ...]:
        found: list[str] = []
        for tag in tags:
            if tag.problems or _LEFTOVER.search(tag.value) or "\\" in tag.value or "{" in tag.value:
                self.metadata.append(Unresolved(field, _reason(field, tag.value, tag.problems, self.engine)))
                continue
            found.extend(split_dependencies(tag.value))
        return tuple(found)


def _token_end(value: str, i: int) -> int:
    """End of the dependency word at `i`: to a blank or comma, parentheses kept balanced ("perl(a b)")."""
    depth = 0
    while i < len(value):
        c = value[i]
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif depth == 0 and (c.isspace() or c == ","):
            break
        i += 1
    return i


def split_dependencies(value: str) -> list[str]:
    """`a, b >= 1.2 perl(x) (c or d)` -> ["a", "b >= 1.2", "perl(x)", "(c or d)"], as rpm splits them."""
    words: list[str] = []
    i = 0
    while i < len(value):
        if value[i].isspace() or value[i] == ",":
            i += 1
            continue
        end = _token_end(value, i)
        words.append(value[i:end])
        i = end
    result: list[str] = []
    k = 0
    while k < len(words):
        if k + 2 < len(words) and words[k + 1] in _OPERATORS:
            result.append(f"{words[k]} {words[k + 1]} {words[k + 2]}")
            k += 3
        else:
            result.append(words[k])
            k += 1
    return result


_ENGINES: dict[tuple[int, int], tuple[MacroSet, LuaSandbox | None, MacroEngine]] = {}
_SANDBOXES: dict[int, tuple[MacroSet, LuaSandbox]] = {}


def _engine(macros: MacroSet, sandbox: LuaSandbox | None) -> MacroEngine:
    """One engine per (macro set, sandbox), reset for every spec; one sandbox per macro set by default."""
    if sandbox is None:
        known = _SANDBOXES.get(id(macros))
        if known is None or known[0] is not macros:
            known = _SANDBOXES[id(macros)] = (macros, LuaSandbox(macros.lua_modules))
        sandbox = known[1]
    key = (id(macros), id(sandbox))
    cached = _ENGINES.get(key)
    if cached is None or cached[0] is not macros or cached[1] is not sandbox:
        if len(_ENGINES) >= 8:
            _ENGINES.clear()
        cached = _ENGINES[key] = (macros, sandbox, MacroEngine(macros, sandbox=sandbox))
    engine = cached[2]
    engine.reset()
    return engine


@dataclass(frozen=True, slots=True)
class Differences:
    """Between two macro sets: the names defined differently (or in one only), and of those the ones
    whose section_writing() differs."""

    names: frozenset[str]
    bodies: frozenset[str]


@dataclass(slots=True)
class _Reads:
    """What one architecture's expansion depended on: every macro name looked up, the macros the reader
    only looked into for section headers, and every word list the architecture was looked for in
    (%ifarch, BuildArch, ExclusiveArch, ExcludeArch)."""

    trace: Trace = field(default_factory=Trace)
    bodies: set[str] = field(default_factory=set)
    arch_tests: list[list[str]] = field(default_factory=list)
    for_other: Trace = field(default_factory=Trace)  # what the lines expanded for the OtherArch too looked up

    def same_for(self, arch: str, other: str, differing: Differences, *, other_lines: bool = False) -> bool:
        """Whether the expansion for `other` takes the same path and reads the same values (`other_lines`:
        except in the lines expanded for it too, when it is the OtherArch and takes their values)."""
        return (self.trace.isdisjoint(differing.names) and differing.bodies.isdisjoint(self.bodies)
                and (other_lines or self.for_other.isdisjoint(differing.names))
                and all((arch in w) == (other in w) for w in self.arch_tests))


def _built_elsewhere(reader: SpecReader, reads: _Reads, other: OtherArch | None) -> Callable[[PackageRecord], bool]:
    """Whether the main package's BuildArch leaves the reader's target cpu out: then only that tag is used (the
    spec is excluded, or read for noarch), so the reading stops with the main preamble. For noarch it reads on,
    retargeted, when nothing read so far depended on the target cpu (no arch test, no %{_target_cpu}; Lua
    reads macros through the engine, so what it read is traced too): the rest is what a reading for noarch from
    the start gives, and the preamble is not read again."""
    arch = reader.target_cpu

    def decide(main: PackageRecord) -> bool:
        words = _words(main.tags.get("buildarch"))
        reads.arch_tests.append(words)
        if not words or arch in words:
            return False
        if "noarch" in words and not reader.arch_tests and reads.trace.isdisjoint(_TARGET_CPU) \
                and (other is None or other.reads.isdisjoint(_TARGET_CPU)):
            reader.retarget("noarch")
            return False
        return True

    return decide


def _read(text: str, engine: MacroEngine, target_cpu: str, reads: _Reads, other: OtherArch | None,
          readings: list[str] | None) -> tuple[ParsedSpec, str]:
    """The spec read for `target_cpu`, adding what the reader read to `reads` (no arch tests for noarch,
    which is the same target whatever the architecture), and the target cpu it was read for in the end."""
    if readings is not None:
        readings.append(target_cpu)
    reader = SpecReader(engine, target_cpu, other=other)
    if target_cpu == "noarch":
        reader.retarget("noarch")
    else:
        reader.enough = _built_elsewhere(reader, reads, other)
    parsed = reader.read(text)
    reads.bodies |= reader.bodies_read
    if reader.target_cpu != "noarch":
        reads.arch_tests += reader.arch_tests
    return parsed, reader.target_cpu


def _words(tag: Tag | None) -> list[str]:
    return tag.value.replace(",", " ").lower().split() if tag is not None else []


def _excluded(main: PackageRecord, arch: str) -> str:
    exclusive, exclude = main.tags.get("exclusivearch"), main.tags.get("excludearch")
    if exclude is not None and arch in _words(exclude):
        return f"ExcludeArch: {exclude.value}"
    if exclusive is not None and arch not in _words(exclusive):
        return f"ExclusiveArch: {exclusive.value}"
    return ""


def _failed(arch: str, reason: str) -> SpecIdentity:
    fields = ("name", "epoch", "version", "release", "packages")
    return SpecIdentity(arch, "", "", "", "", "", (), tuple(Unresolved(f, reason) for f in fields))


def spec_identity(
    text: str,
    macros: MacroSet,
    *,
    arch: str,
    sandbox: LuaSandbox | None = None,
    read_source: Callable[[str], str | None] | None = None,
    readings: list[str] | None = None,
) -> SpecIdentity:
    """The identity rpm would give the spec's packages when built for `arch`. Never raises.
    `read_source(file_name)` gives a file of the spec's folder (for `%{load:%{_sourcedir}/...}`), or None.
    `readings` gets the target cpu of every reading of the spec from its start (what sharing saves)."""
    return _traced_identity(text, macros, arch, sandbox, read_source, None, readings)[0]


def spec_identities(
    text: str,
    macro_sets: Mapping[str, MacroSet],
    *,
    sandbox: LuaSandbox | None = None,
    read_source: Callable[[str], str | None] | None = None,
    readings: list[str] | None = None,
) -> dict[str, SpecIdentity]:
    """spec_identity for every architecture of `macro_sets` (the macro set of each), in that order. The first
    one is expanded; another is expanded on its own only when that expansion read something that differs
    between the two (a macro defined differently, an arch test the two answer differently, a failure),
    else it is the first one's identity with the architecture replaced."""
    arches = list(macro_sets)
    first_arch = arches[0]
    differing = {arch: differing_macros(macro_sets[first_arch], macro_sets[arch]) for arch in arches[1:]
                 if BYTE_ORDERS.get(first_arch) == BYTE_ORDERS.get(arch)}
    second = next(((arch, macro_sets[arch], d) for arch, d in differing.items() if d is not None), None)
    first, reads, other = _traced_identity(text, macro_sets[first_arch], first_arch, sandbox, read_source, second,
                                           readings)
    found = {first_arch: first}
    for arch in arches[1:]:
        own = other is not None and other.arch == arch  # the identity with its values of the lines expanded for it
        if reads is not None and (d := differing.get(arch)) is not None and reads.same_for(first_arch, arch, d, other_lines=own):
            found[arch] = other if own and other is not None else _as_arch(first, arch)
        else:
            found[arch] = spec_identity(text, macro_sets[arch], arch=arch, sandbox=sandbox, read_source=read_source,
                                        readings=readings)
    return found


_DIFFERING: dict[tuple[int, int], tuple[MacroSet, MacroSet, Differences | None]] = {}


def differing_macros(a: MacroSet, b: MacroSet) -> Differences | None:
    """What differs between two macro sets; None when their Lua modules or models of macro packages differ
    too (then no expansion is shared)."""
    known = _DIFFERING.get((id(a), id(b)))
    if known is not None and known[0] is a and known[1] is b:
        return known[2]
    found: Differences | None = None
    models_a, models_b = (a.go_model, a.font_model, a.efi_model), (b.go_model, b.font_model, b.efi_model)
    if dict(a.lua_modules) == dict(b.lua_modules) and models_a == models_b:
        table_a, table_b = base_table(a)[0], base_table(b)[0]
        names = frozenset(n for n in table_a.keys() | table_b.keys() if table_a.get(n) != table_b.get(n))
        bodies = frozenset(n for n in names if section_writing(table_a.get(n)) != section_writing(table_b.get(n)))
        found = Differences(names, bodies)
    if len(_DIFFERING) >= 8:
        _DIFFERING.clear()
    _DIFFERING[(id(a), id(b))] = (a, b, found)
    return found


def _as_arch(identity: SpecIdentity, arch: str) -> SpecIdentity:
    """The identity expanded for one architecture, as the same expansion gives it for `arch`."""
    packages = tuple(replace(p, arch=arch) if p.arch == identity.arch else p for p in identity.packages)
    return replace(identity, arch=arch, packages=packages)


def _traced_identity(text: str, macros: MacroSet, arch: str, sandbox: LuaSandbox | None,
                     read_source: Callable[[str], str | None] | None,
                     second: tuple[str, MacroSet, Differences] | None, readings: list[str] | None,
                     ) -> tuple[SpecIdentity, _Reads | None, SpecIdentity | None]:
    """spec_identity, what it read (None when it failed), and the identity for the `second` architecture
    (its macro set, and how it differs from `macros`) when lines were expanded for it too (crossarch):
    valid when nothing else read differs (reads.same_for(..., other_lines=True))."""
    engine = _engine(macros, sandbox)
    engine.read_source = read_source
    engine.byteorder = BYTE_ORDERS.get(arch, "")
    other = OtherArch(engine, *second[:2], second[2].names) if second is not None else None
    reads = _Reads(engine.start_trace(), for_other=other.reads if other is not None else Trace())
    try:
        parsed, target = _read(text, engine, arch, reads, other, readings)
        main = parsed.packages[0] if parsed.packages else None
        build_arch = _words(main.tags.get("buildarch")) if main else []
        reads.arch_tests.append(build_arch)
        if build_arch and arch not in build_arch and target != "noarch":
            if "noarch" not in build_arch:
                excluded = f"BuildArch: {' '.join(build_arch)}"
                return SpecIdentity(arch, "", "", "", "", "", (), (), excluded_reason=excluded), reads, None
            if other is not None:
                other.restart()
            engine.reset()
            engine.start_trace(reads.trace)
            parsed, target = _read(text, engine, "noarch", reads, other, readings)
        if parsed.packages:
            reads.arch_tests += [_words(parsed.packages[0].tags.get(t)) for t in ("exclusivearch", "excludearch")]
        if other is not None:
            other.check_budget()
        go = _model_gaps(macros.go_model, gomodel.calls_go_sections(text), gomodel.outside_model, text,
                         "go-rpm-macros")
        fonts = _model_gaps(macros.font_model, fontmodel.calls_font_sections(text), fontmodel.outside_model, text,
                            "fonts-rpm-macros")
        efi = macros.efi_model  # no section macros: only why its macros are missing, if they are
        efi_off = efi.reason if efi is not None and not efi.applied and not efi.own_files else ""
        gaps = ((go[0], fonts[0], efi_off), go[1] + fonts[1])
        identity = _identity(parsed, engine, arch, target, gaps)
        try:
            other_identity = _second_identity(parsed, engine, other, target, gaps)
        except (BudgetExhausted, RecursionError):
            other_identity = None  # then that architecture is read on its own, which says why
        return identity, reads, other_identity
    except BudgetExhausted as exhausted:
        return _failed(arch, f"{exhausted} (the spec's macros expand without bound)"), None, None
    except RecursionError:
        return _failed(arch, "the spec's macros nest too deeply to expand"), None, None
    finally:
        engine.reset()


def _second_identity(parsed: ParsedSpec, engine: MacroEngine, other: OtherArch | None, target: str,
                     gaps: tuple[tuple[str, ...], list[Unresolved]]) -> SpecIdentity | None:
    """The identity of the OtherArch's architecture, from the reading with its values of the lines expanded
    for both; None when no line was (or its reading would have exhausted a budget: then nothing is shared)."""
    if other is None or not other.kept or other.over_budget:
        return None  # reads.for_other then counts for every architecture: each is read on its own
    packages = [replace(p, requires=_own(p.requires), provides=_own(p.provides)) for p in parsed.packages]
    arch = other.arch
    return _identity(ParsedSpec(packages, parsed.fatal, parsed.missing_packages), engine, arch,
                     "noarch" if target == "noarch" else arch, gaps)


def _own(tags: list[Tag]) -> list[Tag]:
    """The OtherArch's values of dependency tags expanded for both architectures."""
    return [Tag(t.other, []) if t.other is not None else t for t in tags]


def _model_gaps(status: gomodel.ModelStatus | None, called: str | None, outside_model: Callable[[str], str | None],
                text: str, package: str) -> tuple[str, list[Unresolved]]:
    """Why a modelled macro package's macros are unavailable ("" when they are), and what that leaves
    unresolved: a spec calling its section macros (%gopkg, %fontpkg...) without them has unknown packages."""
    if status is None or called is None:
        return "", []
    if status.applied:
        outside = outside_model(text)
        return "", [Unresolved("packages", f"packages: {outside}")] if outside else []
    if status.own_files:
        return "", []  # the repository's own files of the package are loaded
    return status.reason, [Unresolved("packages", f"packages: %{called} comes from {package}, whose macros "
                                                  f"are not available: {status.reason}")]


def _identity(parsed: ParsedSpec, engine: MacroEngine, arch: str, target: str,
              gaps: tuple[tuple[str, ...], list[Unresolved]] = ((), [])) -> SpecIdentity:
    collect = _Collector(engine, gaps[0])
    collect.unresolved.extend(gaps[1])
    if not parsed.packages:
        return _failed(arch, parsed.fatal[0] if parsed.fatal else "the spec declares no package (no Name tag)")
    main = parsed.packages[0]
    for reason in parsed.fatal:
        collect.unresolved.append(Unresolved("packages", reason))
    name = collect.value("name", Tag(main.name, main.name_problems), _NAME)
    epoch = collect.value("epoch", main.tags.get("epoch"), _EPOCH)
    version = collect.value("version", main.tags.get("version"), _VERREL)
    release = collect.value("release", main.tags.get("release"), _VERREL)
    license_ = collect.value("license", main.tags.get("license"), None, metadata=True)
    unknown_arches = [Unresolved("packages", _reason(key, tag.value, tag.problems, engine, collect.off))
                      for key in ("exclusivearch", "excludearch")
                      if (tag := main.tags.get(key)) is not None and (tag.problems or _LEFTOVER.search(tag.value))]
    collect.unresolved.extend(unknown_arches)  # `ExclusiveArch: %{efi}` undefined: the arches built are unknown
    excluded = "" if unknown_arches else _excluded(main, arch)
    if excluded:
        return SpecIdentity(arch, name, epoch, version, release, license_, (), tuple(collect.unresolved), excluded,
                            tuple(collect.metadata))
    for reason in parsed.missing_packages:
        collect.unresolved.append(Unresolved("packages", reason))
    packages: list[BinaryIdentity] = []
    for package in parsed.packages:
        if not package.has_files:
            continue
        field = "package:" + (package.name or "?")
        pname = name if package is main else collect.value("packages", Tag(package.name, package.name_problems), _NAME)
        if not pname:
            continue
        tags = package.tags
        packages.append(
            BinaryIdentity(
                name=pname,
                epoch=collect.value(field, tags.get("epoch"), _EPOCH, fallback=epoch) if package is not main else epoch,
                version=collect.value(field, tags.get("version"), _VERREL, fallback=version) if package is not main else version,
                release=collect.value(field, tags.get("release"), _VERREL, fallback=release) if package is not main else release,
                license=collect.value(field, tags.get("license"), None, fallback=license_, metadata=True)
                if package is not main else license_,
                summary=collect.value(field, tags.get("summary"), None, metadata=True),
                arch="noarch" if target == "noarch" or "noarch" in _words(tags.get("buildarch")) else arch,
                requires=collect.dependencies(field, package.requires),
                provides=collect.dependencies(field, package.provides),
            )
        )
    notes = tuple(model.NOTE for model, _ in _MODELS if engine.lookup(model.MARKER) is not None) \
        + tuple(dict.fromkeys(engine.notes))
    for model, provider in _MODELS:
        if engine.lookup(model.ERROR) is not None:  # the model stopped somewhere: what it decides is not known
            error = engine.expand_text(f"%{{{model.ERROR}}}")
            collect.unresolved.append(Unresolved("packages", f"packages: {error}, so the name, release and packages "
                                                             f"{provider} decides are not known"))
    return SpecIdentity(arch, name, epoch, version, release, license_, tuple(packages), tuple(collect.unresolved),
                        metadata_unresolved=tuple(collect.metadata), notes=notes)
