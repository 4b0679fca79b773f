"""Pedigree's own model of go-rpm-macros, for repositories that carry only its spec.

Go specs are named by go-rpm-macros: ``Name: %{goname}`` is what ``%gometa`` makes of
``%{goipath}``, and ``%gopkg`` / ``%gopkgfiles`` declare the ``-devel`` (and compat ``-devel``)
packages. Those macro files (macros.go-srpm, go.lua, and the forge macros %gometa calls) are in
go-rpm-macros' source tarball, not in the repository, so without a model every Go spec is
unresolved. This module and ``gomodel.lua`` are that model, written by Pedigree from reading the
upstream macros: only what decides an identity (the name, the forge snapshot prefix of %{dist},
the sub-packages and whether they have a %files section); anything else it meets is an
%{error:...} and the spec stays unresolved.

It is used only when the repository has no go-rpm-macros macro file of its own and its
go-rpm-macros spec declares the version the model was written for (``MODEL_VERSION``); otherwise
``status`` says why not, and so do the identities that needed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .scan import line_call_finder

__all__ = [
    "GO_MACRO_FILES", "LUA_MODULE", "MARKER", "MODEL_MACROS", "MODEL_VERSION", "ModelStatus",
    "SECTION_MACROS", "as_macro_file", "go_model_status", "lua_source", "macro_file_text", "model_definitions", "outside_model",
]  # fmt: skip

MODEL_VERSION = "3.8.0"  # the corpus's specs/g/go-rpm-macros/go-rpm-macros.spec
SPEC_PATH = "specs/g/go-rpm-macros/go-rpm-macros.spec"
GO_MACRO_FILES: frozenset[str] = frozenset({"macros.go-srpm", "macros.go-rpm", "fedora.srpm.go", "fedora.rpm.go"})
LUA_MODULE = "pedigree.gomodel"
MARKER = "__pedigree_gomodel"  # defined by the model when a spec used it
SNAPSHOT_DATE = "pedigree-snapshot-archive-not-in-the-repository"  # in the date command the model writes
SNAPSHOT_REASON = ("forge's snapshot prefix of %{dist} is dated from the source archive's timestamp, which is not in "
                   "the repository (a spec can set %{date})")
ERROR = "__pedigree_gomodel_error"  # the model's last error (what it does not cover, or the spec's mistake)
ORIGIN = f"pedigree:go-rpm-macros-{MODEL_VERSION}-model"
NOTE = f"Named and packaged with Pedigree's model of go-rpm-macros {MODEL_VERSION} (its macro files are not in the repository)."

_REQUIRE = 'local go = require "pedigree.gomodel"\n'
# the comment tells the spec reader these macros write sections (it looks for the header words)
_SECTIONS = """%{{lua:
-- writes %{header} sections
local go = require "pedigree.gomodel"
go.{function}("{kind}", rpm.expand("%{{-z*}}"), rpm.expand("%{{-a}}") ~= "" and rpm.expand("%{{-z}}") == "")
}}"""

# name, getopt options (None: a plain macro), body
_DEFINITIONS: tuple[tuple[str, str | None, str], ...] = (
    # what go-rpm-macros' spec writes into macros.go-srpm with %writevars (no %rhel in this distribution)
    ("golang_arches_future", None, "x86_64 %{arm} aarch64 ppc64le s390x riscv64"),
    ("golang_arches", None, "%{ix86} %{golang_arches_future}"),
    ("gccgo_arches", None, "%{mips}"),
    ("go_arches", None, "%{golang_arches} %{gccgo_arches}"),
    ("gopath", None, "%{_datadir}/gocode"),
    ("go_compiler", None, "1"),
    ("gofilelist", None, "devel.file-list"),
    ("gometa", "az:svifL", "%{lua:\n" + _REQUIRE + """if rpm.expand("%{-L}") ~= "" then rpm.define("go_use_new_versioning 1") end
local arches = rpm.expand("%{-f}") == "" and "%{golang_arches}" or "%{golang_arches_future}"
print("BuildRequires: go-rpm-macros\\n")
print(rpm.expand("ExclusiveArch: " .. arches .. "\\n"))
if rpm.expand("%{-a}") ~= "" and rpm.expand("%{-z}") == "" then
  for _, suffix in ipairs(go.suffixes("goipath")) do go.meta(suffix) end
else
  go.meta(rpm.expand("%{-z*}"))
end
}"""),
    ("gorpmname", "Lc:", "%{lua:\n" + _REQUIRE + """if rpm.expand("%{-L}") ~= "" then rpm.define("go_use_new_versioning 1") end
print(go.rpmname("%1", "%{-c*}"))
}"""),
    ("gopkg", "av", "%{expand:\n%godevelpkg -a %{-v}\n%goaltpkg -a %{-v}\n}"),
    ("gopkgfiles", "av", "%{expand:\n%godevelfiles -a %{-v}\n%goaltfiles -a %{-v}\n}"),
    ("godevelpkg", "z:av", _SECTIONS.format(function="packages", kind="devel", header="%package")),
    ("goaltpkg", "z:av", _SECTIONS.format(function="packages", kind="alt", header="%package")),
    ("godevelfiles", "z:av", _SECTIONS.format(function="files", kind="devel", header="%files")),
    ("goaltfiles", "z:av", _SECTIONS.format(function="files", kind="alt", header="%files")),
)  # fmt: skip

MODEL_MACROS = frozenset({"goname", *(name for name, _, _ in _DEFINITIONS)})
SECTION_MACROS = ("gometa", "gopkg", "gopkgfiles", "godevelpkg", "goaltpkg", "godevelfiles", "goaltfiles")
_FIRST_CALL = line_call_finder(SECTION_MACROS)
_LARGE_SUFFIX = re.compile(r"^[ \t]*%(?:global|define)[ \t]+go(?:ipaths?|altipaths)[0-9]{3,}\b", re.MULTILINE)
_VERSION = re.compile(r"^Version:[ \t]*(\S+)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ModelStatus:
    """Whether one of Pedigree's models of missing macro packages (Go, fonts) stands in, and why."""
    applied: bool
    reason: str  # one sentence: why the model is (not) used
    own_files: bool = False  # the repository carries the macro package's own files (loaded as any other)


def go_model_status(spec_text: str | None, repository_has_go_macros: bool) -> ModelStatus:
    """Whether the model stands in for go-rpm-macros: only when the repository has none of its macro
    files and its go-rpm-macros spec declares MODEL_VERSION literally."""
    if repository_has_go_macros:
        return ModelStatus(False, "the repository carries go-rpm-macros' own macro files", own_files=True)
    if spec_text is None:
        return ModelStatus(False, f"go-rpm-macros' macro files are not in the repository, nor is {SPEC_PATH}")
    found = _VERSION.findall(spec_text)
    if not found:
        return ModelStatus(False, f"{SPEC_PATH} declares no literal Version, so Pedigree's model "
                                    f"(written for {MODEL_VERSION}) is not used")
    if found[0] != MODEL_VERSION:
        return ModelStatus(False, f"go-rpm-macros' macro files are not in the repository and its spec declares "
                                    f"Version {found[0]}, not the {MODEL_VERSION} Pedigree's model was written for")
    return ModelStatus(True, f"go-rpm-macros {MODEL_VERSION}'s macro files are not in the repository: "
                               "Pedigree's model of them is used")


def model_definitions() -> list[tuple[str, str | None, str]]:
    """(name, options, body) of the model's macros, loaded where rpm reads macros.go-srpm."""
    return list(_DEFINITIONS)


def as_macro_file(definitions: Iterable[tuple[str, str | None, str]]) -> str:
    """(name, options, body) definitions as an rpm macro file (backslashes doubled, newlines continued),
    which macroformat.parse_macro_file reads back as the same definitions."""
    def line(name: str, options: str | None, body: str) -> str:
        head = f"%{name}" if options is None else f"%{name}({options})"
        return f"{head} " + body.replace("\\", "\\\\").replace("\n", "\\\n") + "\n"
    return "".join(line(*definition) for definition in definitions)


def macro_file_text() -> str:
    """The model's macros as an rpm macro file: what the rpm oracle loads."""
    return as_macro_file(_DEFINITIONS)


def lua_source() -> str:
    return (Path(__file__).with_name("gomodel.lua")).read_text(encoding="utf-8")


def calls_go_sections(spec_text: str) -> str | None:
    """The first go-rpm-macros macro the spec calls on a line of its own (%gometa, %gopkg...), or None."""
    return _FIRST_CALL(spec_text)


def outside_model(spec_text: str) -> str | None:
    """Why the model cannot answer for this spec, before expanding it (None: it can try)."""
    if _LARGE_SUFFIX.search(spec_text):
        return "the spec numbers import paths beyond 99, which Pedigree's go-rpm-macros model does not look for"
    return None
