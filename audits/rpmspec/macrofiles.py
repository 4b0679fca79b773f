"""The distribution's macro set: rpm's own macros, then the repository's macro files.

rpm is not available where Pedigree runs, so the macros a build root would hold are
rebuilt from the repository: rpm's base and platform macros from rpmbase.py, the files
distribution_macro_paths (macropaths.py) picks in rpm's load order, each parsed as rpm
parses macro files (macroformat.py). Reading is bounded (file size, definition count);
what is skipped is said in ``MacroSet.problems``, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from . import efimodel, fontmodel, gomodel, rpmbase
from .macrogen import generated_macro_file
from .macroformat import MacroDefinition, parse_definition, parse_macro_file
from .macropaths import MacroFileRole, distribution_macro_paths, macro_file_role

__all__ = [
    "MAX_DEFINITIONS", "MAX_FILE_BYTES", "MacroDefinition", "MacroSet",
    "distribution_macro_paths", "load_macro_set", "parse_definition", "parse_macro_file",
]  # fmt: skip

MAX_FILE_BYTES = 2 * 1024 * 1024  # the largest real macro file is ~100 KB
MAX_DEFINITIONS = 50_000  # over all files; the corpus has a few thousand


@dataclass(frozen=True, slots=True)
class MacroSet:
    definitions: tuple[MacroDefinition, ...]  # in load order; later ones win, as in rpm
    lua_modules: Mapping[str, str]  # Lua module name ("fedora.common") -> source text
    files: tuple[str, ...]  # repository paths loaded, in order (for the UI/evidence)
    problems: tuple[str, ...] = field(default=())  # files skipped or partly read, one sentence each
    go_model: gomodel.ModelStatus | None = None  # whether Pedigree's go-rpm-macros model is loaded, and why
    font_model: gomodel.ModelStatus | None = None  # whether Pedigree's fonts-rpm-macros model is loaded, and why
    efi_model: gomodel.ModelStatus | None = None  # whether Pedigree's efi-srpm-macros model is loaded, and why


# --------------------------------------------------------------------------- the distribution's set


class _Loader:
    """State of one load_macro_set call."""

    def __init__(self, read: Callable[[str], bytes], arch: str) -> None:
        self.read = read
        self.arch = arch
        self.definitions: list[MacroDefinition] = [
            MacroDefinition(name, body, None, "rpm") for name, body in rpmbase.core_macros(arch)
        ]
        self.modules: dict[str, str] = {}
        self.files: list[str] = []
        self.problems: list[str] = []
        self.platform_added = False
        self.has_go_macros = False  # the repository carries go-rpm-macros' own files (set by load_macro_set)
        self.go_model: gomodel.ModelStatus | None = None
        self.has_font_macros = False  # the repository carries fonts-rpm-macros' own files (set by load_macro_set)
        self.font_model: gomodel.ModelStatus | None = None
        self.has_efi_macros = False  # the repository carries efi-rpm-macros' own files (set by load_macro_set)
        self.efi_model: gomodel.ModelStatus | None = None

    def text(self, path: str) -> str | None:
        try:
            data = self.read(path)
        except (OSError, KeyError, ValueError) as error:
            self.problems.append(f"{path} could not be read ({error}).")
            return None
        if len(data) > MAX_FILE_BYTES:
            self.problems.append(f"{path} is larger than {MAX_FILE_BYTES} bytes and was skipped.")
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.problems.append(f"{path} is not UTF-8 text and was skipped.")
            return None

    def add(self, definitions: Sequence[MacroDefinition], path: str) -> None:
        room = MAX_DEFINITIONS - len(self.definitions)
        if len(definitions) > room:
            self.problems.append(f"{path}: only {max(room, 0)} of its definitions were kept (limit {MAX_DEFINITIONS}).")
            definitions = definitions[: max(room, 0)]
        self.definitions.extend(definitions)

    def add_platform(self) -> None:
        if not self.platform_added:
            self.platform_added = True
            self.definitions.extend(MacroDefinition(n, b, None, "rpm") for n, b in rpmbase.platform_macros(self.arch))

    def load(self, path: str, role: MacroFileRole) -> None:
        if role.kind == "vendor":
            self.add_platform()
        text = self.text(path)
        if text is None:
            return
        self.files.append(path)
        if role.kind == "lua":
            self.modules[role.name] = text
            for alias in role.aliases:
                self.modules[alias] = text
        elif role.kind == "rpmrc":
            self.add(_rpmrc_optflags(text, path, self.arch), path)
        elif role.kind == "gomodel":
            self.load_go_model(text)
        elif role.kind == "fontmodel":
            self.load_font_model(text)
        elif role.kind == "efimodel":
            self.load_efi_model(text)
        elif role.kind == "generator":
            generated, problems = generated_macro_file(text, role.name, self.arch)
            self.problems.extend(f"{path}: {p}" for p in problems)
            self.add(parse_macro_file(generated, path), path)
        else:
            self.add(parse_macro_file(text, path), path)


    def load_go_model(self, spec_text: str | None) -> None:
        """Pedigree's go-rpm-macros model, where rpm reads macros.go-srpm, when gomodel says it applies."""
        self.go_model = gomodel.go_model_status(spec_text, self.has_go_macros)
        if self.go_model.applied:
            self.definitions.extend(MacroDefinition(name, body, options, gomodel.ORIGIN)
                                    for name, options, body in gomodel.model_definitions())
            self.modules[gomodel.LUA_MODULE] = gomodel.lua_source()

    def load_font_model(self, spec_text: str | None) -> None:
        """Pedigree's fonts-rpm-macros model, where rpm reads macros.fonts-srpm, when fontmodel says it applies."""
        self.font_model = fontmodel.font_model_status(spec_text, self.has_font_macros)
        if self.font_model.applied:
            self.definitions.extend(MacroDefinition(name, body, options, fontmodel.ORIGIN)
                                    for name, options, body in fontmodel.model_definitions())
            self.modules[fontmodel.LUA_MODULE] = fontmodel.lua_source()

    def load_efi_model(self, spec_text: str | None) -> None:
        """Pedigree's efi-srpm-macros model, where rpm reads macros.efi-srpm, when efimodel says it applies."""
        self.efi_model = efimodel.efi_model_status(spec_text, self.has_efi_macros)
        if self.efi_model.applied:
            self.definitions.extend(MacroDefinition(name, body, options, efimodel.ORIGIN)
                                    for name, options, body in efimodel.model_definitions())
            self.modules[efimodel.LUA_MODULE] = efimodel.lua_source()


def _rpmrc_optflags(text: str, origin: str, arch: str) -> list[MacroDefinition]:
    """rpmrc's ``optflags: <arch> <flags>`` line for ``arch``, which rpm defines as %optflags."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        words = value.split(None, 1)
        if key.strip() == "optflags" and len(words) == 2 and words[0] == arch:
            found.append(MacroDefinition("optflags", words[1].strip(), None, origin))
    return found[-1:]


def load_macro_set(read: Callable[[str], bytes], paths: Sequence[str], arch: str) -> MacroSet:
    """rpm's own base macros for ``arch`` first, then the files of ``paths`` (from
    distribution_macro_paths, already in rpm's load order), with rpm's platform macros
    inserted where rpm reads them: after ``macros.d``, before the rpm-config's ``macros``.
    Unreadable, oversized or non-UTF-8 files are skipped and named in ``problems``."""
    loader = _Loader(read, arch)
    roles = [macro_file_role(path) for path in paths]
    loader.has_go_macros = any(
        role is not None and role.kind != "gomodel" and role.name in gomodel.GO_MACRO_FILES for role in roles)
    loader.has_font_macros = any(
        role is not None and role.kind != "fontmodel" and role.name in fontmodel.FONT_MACRO_FILES for role in roles)
    loader.has_efi_macros = any(
        role is not None and role.kind != "efimodel" and role.name in efimodel.EFI_MACRO_FILES for role in roles)
    for path in paths:
        role = macro_file_role(path)
        if role is None:
            loader.problems.append(f"{path} is not a macro file, rpmrc or Lua module rpm would read.")
            continue
        loader.load(path, role)
    loader.add_platform()
    if loader.go_model is None:
        loader.go_model = gomodel.go_model_status(None, loader.has_go_macros)
    if loader.font_model is None:
        loader.font_model = fontmodel.font_model_status(None, loader.has_font_macros)
    if loader.efi_model is None:
        loader.efi_model = efimodel.efi_model_status(None, loader.has_efi_macros)
    return MacroSet(tuple(loader.definitions), dict(loader.modules), tuple(loader.files), tuple(loader.problems),
                    loader.go_model, loader.font_model, loader.efi_model)
