"""Which repository files a distribution's build root holds as rpm macro files, and where.

The rule mirrors how the packages install them (their specs' ``%install``):

* The rpm configuration is ``<distribution>-rpm-config`` when the repository has one:
  azurelinux-rpm-config ``Provides: redhat-rpm-config``, ``Obsoletes/Conflicts:
  redhat-rpm-config < 1000`` (the corpus's redhat-rpm-config is 343), so the Fedora one is
  never installed next to it. Otherwise ``redhat-rpm-config``. Its ``macros`` is rpm's
  vendor file (``/usr/lib/rpm/redhat/macros``, read after ``macros.d`` and the platform
  file), its ``rpmrc`` gives ``%optflags``, its ``macros.*`` go to ``macros.d`` and
  ``common.lua`` is installed as ``%{_rpmluadir}/fedora/common.lua`` (Lua module
  ``fedora.common``; the ``azurelinux`` link to ``fedora`` adds ``azurelinux.common``).
* Every ``*-rpm-macros``, ``*-srpm-macros`` and other ``*-rpm-config`` package installs
  its ``macros.*`` files unrenamed into ``%{_rpmmacrodir}`` (multilib-rpm-config's
  ``macros.ml`` is the one renamed, to ``macros.multilib``); python-rpm-macros installs
  ``python.lua`` as ``fedora/srpm/python.lua`` (module ``fedora.srpm.python``).
* Packages whose ``-srpm-macros`` sub-package the rpm-config Requires ship those files
  too (``_SUBPACKAGE_FILES``).
* ``%dist`` and friends are not a file of the repository: ``<distribution>-release``
  writes ``macros.dist`` from its ``%install`` (a here-document), so that spec is read
  as the generator of ``macros.dist`` (macrogen.py).

* go-rpm-macros' macro files are only in its source tarball; its spec is read to decide whether
  Pedigree's model of them (gomodel.py) stands in, where rpm would read ``macros.go-srpm``. The same
  for fonts-rpm-macros (fontmodel.py), where rpm would read ``macros.fonts-srpm``, and for
  efi-rpm-macros (efimodel.py), whose efi-srpm-macros the rpm config requires (``macros.efi-srpm``).

rpm reads ``macros.d/macros.*`` in glob order (byte order of the installed name), skipping
names that end in a non-alphanumeric character.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

__all__ = ["MacroFileRole", "distribution_macro_paths", "macro_file_role"]

_SYSTEM_RPM_CONFIG = "redhat-rpm-config"
_MACRO_PACKAGE_SUFFIXES = ("-rpm-macros", "-srpm-macros", "-rpm-config")
_MACRO_PACKAGE_RPM_CONFIGS = frozenset({"multilib-rpm-config"})  # macros.d files, no vendor macros
_RENAMED = {("multilib-rpm-config", "macros.ml"): "macros.multilib"}
_SUBPACKAGE_FILES = {
    "filesystem": ("macros.filesystem",),  # filesystem-srpm-macros
    "package-notes": ("macros.package-notes-srpm",),  # package-notes-srpm-macros
    "ansible-packaging": ("macros.ansible-srpm",),  # ansible-srpm-macros
    "qt5": ("macros.qt5-srpm",),  # qt5-srpm-macros
    "qt6": ("macros.qt6-srpm",),  # qt6-srpm-macros
    "rust": ("macros.rust-srpm",),  # rust-toolset-srpm-macros, which Provides: rust-srpm-macros (%rust_arches)
}
_LUA_MODULES = {"python-rpm-macros": {"python.lua": "fedora.srpm.python"}}
_RELEASE_GENERATED = "macros.dist"
_GO_MODEL_SPEC = ("go-rpm-macros", "go-rpm-macros.spec")  # decides whether gomodel.py stands in
_FONT_MODEL_SPEC = ("fonts-rpm-macros", "fonts-rpm-macros.spec")  # decides whether fontmodel.py stands in
_EFI_MODEL_SPEC = ("efi-rpm-macros", "efi-rpm-macros.spec")  # decides whether efimodel.py stands in

Kind = Literal["rpmrc", "macros.d", "vendor", "lua", "generator", "gomodel", "fontmodel", "efimodel"]
_ORDER = {"rpmrc": 0, "macros.d": 1, "generator": 1, "gomodel": 1, "fontmodel": 1, "efimodel": 1, "vendor": 2, "lua": 3}


@dataclass(frozen=True, slots=True)
class MacroFileRole:
    kind: Kind
    name: str  # installed file name (macros.d, generator) or Lua module name; "" otherwise
    aliases: tuple[str, ...] = ()  # further Lua module names for the same file


def _split(path: str) -> tuple[str, str] | None:
    """(package directory, file name) of ``specs/<letter>/<package>/<file>``."""
    parts = path.split("/")
    if len(parts) != 4 or parts[0] != "specs" or not all(parts):
        return None
    return parts[2], parts[3]


def _is_rpm_config(package: str) -> bool:
    """A system rpm configuration (redhat-rpm-config or a distribution's own), not a macro package."""
    return package.endswith("-rpm-config") and package not in _MACRO_PACKAGE_RPM_CONFIGS


def macro_file_role(path: str) -> MacroFileRole | None:
    """What rpm makes of this repository file once its package is installed (None: nothing)."""
    split = _split(path)
    if split is None:
        return None
    package, name = split
    if split == _GO_MODEL_SPEC:
        return MacroFileRole("gomodel", "macros.go-srpm")
    if split == _FONT_MODEL_SPEC:
        return MacroFileRole("fontmodel", "macros.fonts-srpm")
    if split == _EFI_MODEL_SPEC:
        return MacroFileRole("efimodel", "macros.efi-srpm")
    if package.endswith("-release") and name == f"{package}.spec":
        return MacroFileRole("generator", _RELEASE_GENERATED)
    if _is_rpm_config(package):
        if name == "macros":
            return MacroFileRole("vendor", "")
        if name == "rpmrc":
            return MacroFileRole("rpmrc", "")
        if name == "common.lua":
            vendor = package.removesuffix("-rpm-config")
            aliases = (f"{vendor}.common",) if package != _SYSTEM_RPM_CONFIG else ()
            return MacroFileRole("lua", "fedora.common", aliases)
    module = _LUA_MODULES.get(package, {}).get(name)
    if module is not None:
        return MacroFileRole("lua", module)
    in_macro_package = package.endswith(_MACRO_PACKAGE_SUFFIXES) or name in _SUBPACKAGE_FILES.get(package, ())
    if in_macro_package and name.startswith("macros.") and name[-1].isalnum():
        return MacroFileRole("macros.d", _RENAMED.get((package, name), name))
    return None


def _chosen(path: str, distribution: str, rpm_config: str) -> bool:
    split = _split(path)
    if split is None:
        return False
    package = split[0]
    if package.endswith("-release") and package != f"{distribution}-release":
        return False
    if _is_rpm_config(package) and package != rpm_config:
        return False
    return macro_file_role(path) is not None


def distribution_macro_paths(paths: Iterable[str], distribution: str) -> list[str]:
    """The distribution's macro files, rpmrc, Lua modules and macros.dist generator among
    ``paths``, in the order rpm reads them (see the module docstring for the rule)."""
    paths = list(paths)
    packages = {split[0] for split in map(_split, paths) if split is not None}
    own = f"{distribution}-rpm-config"
    rpm_config = own if own in packages else _SYSTEM_RPM_CONFIG
    chosen = [p for p in paths if _chosen(p, distribution, rpm_config)]

    def order(path: str) -> tuple[int, str, str]:
        role = macro_file_role(path)
        assert role is not None
        return _ORDER[role.kind], role.name, path

    return sorted(set(chosen), key=order)
