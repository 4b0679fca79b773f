"""The distribution's macro set: rpm's own macros, then the repository's macro files.

rpm is not available where Pedigree runs, so the macros a build root would hold are
rebuilt from the repository: rpm's base and platform macros from rpmbase.py, the files
distribution_macro_paths (macropaths.py) picks in rpm's load order, each parsed as rpm
parses macro files (macroformat.py). Reading is bounded (file size, definition count);
what is skipped is said in ``MacroSet.problems``, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
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


# Pedigree's models of macro packages whose files only their source tarballs hold, by macro_file_role kind:
# (module, its status function, the package's own macro file names, which switch the model off)
_MODELS: dict[str, tuple[ModuleType, Callable[[str | None, bool], gomodel.ModelStatus], frozenset[str]]] = {
    "gomodel": (gomodel, gomodel.go_model_status, gomodel.GO_MACRO_FILES),
    "fontmodel": (fontmodel, fontmodel.font_model_status, fontmodel.FONT_MACRO_FILES),
    "efimodel": (efimodel, efimodel.efi_model_status, efimodel.EFI_MACRO_FILES),
}


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
        self.own_files: dict[str, bool] = {}  # by model kind: the repository carries the package's own files
        self.models: dict[str, gomodel.ModelStatus] = {}  # by model kind: whether it is loaded, and why

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
        elif role.kind in _MODELS:
            self.load_model(role.kind, text)
        elif role.kind == "generator":
            generated, problems = generated_macro_file(text, role.name, self.arch)
            self.problems.extend(f"{path}: {p}" for p in problems)
            self.add(parse_macro_file(generated, path), path)
        else:
            self.add(parse_macro_file(text, path), path)


    def load_model(self, kind: str, spec_text: str | None) -> None:
        """Pedigree's model of a macro package (gomodel, fontmodel, efimodel), where rpm reads the package's
        macro file, when the model's status says it applies."""
        model, status_of, _ = _MODELS[kind]
        status = self.models[kind] = status_of(spec_text, self.own_files.get(kind, False))
        if status.applied:
            self.definitions.extend(MacroDefinition(name, body, options, model.ORIGIN)
                                    for name, options, body in model.model_definitions())
            self.modules[model.LUA_MODULE] = model.lua_source()


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
    for kind, (_, _, own_names) in _MODELS.items():
        loader.own_files[kind] = any(role is not None and role.kind != kind and role.name in own_names for role in roles)
    for path in paths:
        role = macro_file_role(path)
        if role is None:
            loader.problems.append(f"{path} is not a macro file, rpmrc or Lua module rpm would read.")
            continue
        loader.load(path, role)
    loader.add_platform()
    for kind in _MODELS.keys() - loader.models.keys():  # no spec of the package: its status says so
        loader.load_model(kind, None)
    return MacroSet(tuple(loader.definitions), dict(loader.modules), tuple(loader.files), tuple(loader.problems),
                    loader.models["gomodel"], loader.models["fontmodel"], loader.models["efimodel"])
