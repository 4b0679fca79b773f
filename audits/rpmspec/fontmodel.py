"""Pedigree's own model of fonts-rpm-macros, for repositories that carry only its spec.

Font specs are named by fonts-rpm-macros: ``%fontpkg`` writes the ``Name:`` (or ``%package -n``) of
each font family from ``%{foundry}`` and ``%{fontfamily<N>}``, ``%fontfiles`` their ``%files``
sections and ``%fontmetapkg`` a meta-package. Those macro files (macros.fonts-srpm, macros.fonts-rpm
and the Lua module fedora.srpm.fonts) are in fonts-rpm-macros' source tarball, not in the
repository, so without a model these specs have no name. This module and ``fontmodel.lua`` are that
model, written by Pedigree from reading the upstream macros with the distribution's patches applied:
only what decides an identity (names, summaries, the packages and whether they have a %files
section); a family it cannot name is an %{error:...} and the spec stays unresolved.

It is used only when the repository has no fonts-rpm-macros macro file of its own and its
fonts-rpm-macros spec declares the version and the patches the model was written for
(``MODEL_VERSION``, ``MODEL_PATCHES``); otherwise ``status`` says why not, and so do the identities
that needed it.
"""

from __future__ import annotations

import re
from pathlib import Path

from .gomodel import ModelStatus, as_macro_file
from .scan import line_call_finder

__all__ = [
    "FONT_MACRO_FILES", "LUA_MODULE", "MARKER", "MODEL_MACROS", "MODEL_PATCHES", "MODEL_VERSION",
    "font_model_status", "lua_source", "macro_file_text", "model_definitions", "outside_model",
]  # fmt: skip

MODEL_VERSION = "2.0.5"  # the corpus's specs/f/fonts-rpm-macros/fonts-rpm-macros.spec
# the corpus spec's patches; the two that change an identity are in the model: the family loses a
# leading foundry (omit-foundry-in-family) and the meta-package gets a header and Requires with the
# epoch (epoch-in-req); the others change build tools and shell checks only
MODEL_PATCHES = frozenset({
    "fonts-rpm-macros-omit-foundry-in-family.patch", "fonts-rpm-macros-drop-yaml.patch",
    "fonts-rpm-macros-epoch-in-req.patch", "fonts-rpm-macros-fail-on-missing-files.patch",
    "fonts-rpm-macros-spec-template-license-update.patch",
})  # fmt: skip
SPEC_PATH = "specs/f/fonts-rpm-macros/fonts-rpm-macros.spec"
FONT_MACRO_FILES: frozenset[str] = frozenset({"macros.fonts-srpm", "macros.fonts-rpm", "macros.fonts-rpm.internal",
                                         "macros.fonts-rpm.deprecated"})
LUA_MODULE = "pedigree.fontmodel"
MARKER = "__pedigree_fontmodel"  # defined by the model when a spec used it
ERROR = "__pedigree_fontmodel_error"  # the model's last error (what it does not cover, or the spec's mistake)
ORIGIN = f"pedigree:fonts-rpm-macros-{MODEL_VERSION}-model"
NOTE = (f"Named and packaged with Pedigree's model of fonts-rpm-macros {MODEL_VERSION} and the repository's "
        "patches to it (its macro files are not in the repository).")
MAX_SUFFIX = 99  # fontfamily0 .. fontfamily99 (upstream looks up to 9999; outside_model refuses more)

_REQUIRE = 'local fonts = require "pedigree.fontmodel"\n'
# each -a / -z macro: the comment tells the spec reader the macro writes sections (it looks for the words)
_EACH = """%{{lua:
-- writes {header} sections
local fonts = require "pedigree.fontmodel"
fonts.{function}(rpm.expand("%{{-z*}}"), rpm.expand("%{{-a}}") ~= "" and rpm.expand("%{{-z}}") == ""{extra})
}}"""

# name, getopt options (None: a plain macro), body
_DEFINITIONS: tuple[tuple[str, str | None, str], ...] = (
    # what fonts-rpm-macros' spec writes into macros.fonts-srpm with %writevars
    ("_fontbasedir", None, "%{_datadir}/fonts"),
    ("_fontconfig_masterdir", None, "%{_sysconfdir}/fonts"),
    ("_fontconfig_confdir", None, "%{_sysconfdir}/fonts/conf.d"),
    ("_fontconfig_templatedir", None, "%{_datadir}/fontconfig/conf.avail"),
    ("fontcontact", None, "fonts@lists.fedoraproject.org"),
    ("fontorg", None, "org.fedoraproject"),
    ("fontrpmname", "", "%{lua:\n" + _REQUIRE + 'print(fonts.rpmname(rpm.expand("%1")))\n}'),
    ("fontpkg", "z:avms", _EACH.format(function="packages", header="%package", extra=',\n  rpm.expand("%{-m}") ~= "", rpm.expand("%{-s}") ~= ""')),
    ("fontfiles", "z:av", _EACH.format(function="files", header="%files", extra="")),
    ("fontmetapkg", "n:s:d:z:", "%{lua:\n-- writes a %package and its %files section\n" + _REQUIRE
     + 'fonts.metapackage(rpm.expand("%{?-n*}"), rpm.expand("%{?-s*}"), rpm.expand("%{?-d*}"), rpm.expand("%{?-z*}"))\n}'),
)  # fmt: skip

MODEL_MACROS = frozenset(
    {"fontpkgname", "fonthumanname", "fontdir", "fontfilelist", *(name for name, _, _ in _DEFINITIONS)})
SECTION_MACROS = ("fontpkg", "fontfiles", "fontmetapkg")
_FIRST_CALL = line_call_finder(SECTION_MACROS)
_LARGE_SUFFIX = re.compile(r"^[ \t]*%(?:global|define)[ \t]+fontfamily[0-9]{3,}\b", re.MULTILINE)
_VERSION = re.compile(r"^Version:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_PATCH = re.compile(r"^Patch[0-9]*:[ \t]*(\S+)[ \t]*$", re.MULTILINE)


def font_model_status(spec_text: str | None, repository_has_font_macros: bool) -> ModelStatus:
    """Whether the model stands in for fonts-rpm-macros: only when the repository has none of its macro
    files and its spec declares MODEL_VERSION literally and exactly the patches of MODEL_PATCHES."""
    if repository_has_font_macros:
        return ModelStatus(False, "the repository carries fonts-rpm-macros' own macro files", own_files=True)
    if spec_text is None:
        return ModelStatus(False, f"fonts-rpm-macros' macro files are not in the repository, nor is {SPEC_PATH}")
    found = _VERSION.findall(spec_text)
    if not found:
        return ModelStatus(False, f"{SPEC_PATH} declares no literal Version, so Pedigree's model "
                                  f"(written for {MODEL_VERSION}) is not used")
    if found[0] != MODEL_VERSION:
        return ModelStatus(False, f"fonts-rpm-macros' macro files are not in the repository and its spec declares "
                                  f"Version {found[0]}, not the {MODEL_VERSION} Pedigree's model was written for")
    patches = {p.replace("%{name}", "fonts-rpm-macros") for p in _PATCH.findall(spec_text)}
    if patches != MODEL_PATCHES:
        differ = sorted(patches ^ MODEL_PATCHES)
        return ModelStatus(False, f"fonts-rpm-macros {MODEL_VERSION}'s spec does not declare the patches Pedigree's "
                                  f"model was written for (differing: {', '.join(differ)})")
    return ModelStatus(True, f"fonts-rpm-macros {MODEL_VERSION}'s macro files are not in the repository: "
                             "Pedigree's model of them (with the repository's patches) is used")


def model_definitions() -> list[tuple[str, str | None, str]]:
    """(name, options, body) of the model's macros, loaded where rpm reads macros.fonts-srpm."""
    return list(_DEFINITIONS)


def macro_file_text() -> str:
    """The model's macros as an rpm macro file: what the rpm oracle loads."""
    return as_macro_file(_DEFINITIONS)


def lua_source() -> str:
    return (Path(__file__).with_name("fontmodel.lua")).read_text(encoding="utf-8")


def calls_font_sections(spec_text: str) -> str | None:
    """The first fonts-rpm-macros macro the spec calls on a line of its own (%fontpkg...), or None."""
    return _FIRST_CALL(spec_text)


def outside_model(spec_text: str) -> str | None:
    """Why the model cannot answer for this spec, before expanding it (None: it can try)."""
    if _LARGE_SUFFIX.search(spec_text):
        return f"the spec numbers font families beyond {MAX_SUFFIX}, which Pedigree's fonts-rpm-macros model does not look for"
    return None
