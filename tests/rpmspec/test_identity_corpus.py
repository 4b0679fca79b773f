"""Package identities of every spec of the real corpus (x86_64); skipped without the corpus.

366 specs are Go specs (they call %gometa / %gopkg / %gopkgfiles or are named %{goname}); go-rpm-macros'
macro files are only in its source tarball, so they are expanded with Pedigree's model of go-rpm-macros
3.8.0 (audits/rpmspec/gomodel.py). Before it, 274 of them were unresolved (%{goname} is not defined) and
91 named themselves but were "complete" without the -devel packages %gopkg declares. With it, every Go
spec's Name is its component's name (366 of 366) and 313 are complete; the other 53 are 52 snapshots
(a commit, or a tag beyond the version) whose Release carries forge's snapshot prefix, dated from the
source archive's timestamp, which is not in the repository (an %(...) never run), and docker-cli
(%{forgeversion}, a newer forge macro outside the model).

22 specs are font specs named and packaged by fonts-rpm-macros' %fontpkg / %fontfiles / %fontmetapkg, whose
macro files are also only in its source tarball: they are expanded with Pedigree's model of fonts-rpm-macros
2.0.5 and the repository's patches to it (audits/rpmspec/fontmodel.py). Before it, 18 of them had no name
and the 4 that name themselves were "complete" without the font packages %fontpkg declares. With it, every
one of them is complete and named as its component (22 of 22).

5 specs build only where EFI firmware is (``ExclusiveArch: %{efi}``: efibootmgr, efitools, efivar,
gnu-efi, shim) and shim names its packages after the EFI arch (shim-x64, and shim-ia32 under
``%if %{efi_has_alt_arch}``); efi-srpm-macros' macro file is generated from a template of efi-rpm-macros'
source tarball, so they are expanded with Pedigree's model of efi-rpm-macros 6 and the repository's
patches to it (audits/rpmspec/efimodel.py). Before it the 5 were unresolved; with it all 5 are complete.

At the corpus commit 99.12 % of the specs are complete (7,544 of 7,611, 99.81 % of the 7,245 that are not
Go specs; 95.4 % before the Go model, 98.3 % before the fonts model and the fixes below, 98.92 % before
the EFI model and python-rpm-macros' probes of the build root's python3 answered from the repository's
%__default_python3_version: 10 specs, grpc, python-typer and python-coverage among them, whose
%python_extras_subpkg / %pyproject_extras_subpkg had failed on that probe and written nothing). One Lua state per spec,
%include of the spec's folder and more shell idioms resolved 29 more, while 13 specs whose ExclusiveArch
did not expand (%{rust_arches}, %{efi}) stopped claiming to be excluded on both arches. The bounds below
are those figures rounded down, and must only go up by expanding more, never by claiming more.
"""

from __future__ import annotations

import pytest

from audits.gitsource import fetch
from audits.gittree import GitTree
import re

from audits.rpmspec import efimodel, fontmodel, gomodel
from audits.rpmspec.identity import SpecIdentity, spec_identity
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import distribution_macro_paths, load_macro_set
from audits.rpmspec.vercmp import rpmvercmp
from tests.support.corpus import CUT_COMMIT, bundle_path
from tests.support.expansion_sample import folder_reader

pytestmark = pytest.mark.corpus


GO_SPECS: set[str] = set()  # filled by the fixture: specs calling go-rpm-macros' %gometa/%gopkg... or named %{goname}
FONT_SPECS: set[str] = set()  # filled by the fixture: specs calling fonts-rpm-macros' %fontpkg
EFI_SPECS: set[str] = set()  # filled by the fixture: specs with ExclusiveArch: %{efi}
_EXCLUSIVE_EFI = re.compile(r"^ExclusiveArch:[ \t]*%\{efi\}[ \t]*$", re.MULTILINE)


@pytest.fixture(scope="module")
def identities() -> dict[str, SpecIdentity]:
    with fetch(str(bundle_path()), CUT_COMMIT, allow_local=True) as checkout, GitTree(checkout.git_dir, CUT_COMMIT) as tree:
        entries = tree.entries()
        macros = load_macro_set(tree.read_bytes, distribution_macro_paths(entries, "azurelinux"), "x86_64")
        sandbox = LuaSandbox(macros.lua_modules, vercmp=rpmvercmp)
        specs = [p for p in entries if p.endswith(".spec")]
        found = {}
        for path, data in tree.read_many(specs):
            text = data.decode("utf-8", "replace")
            if gomodel.calls_go_sections(text) or "%{goname}" in text:
                GO_SPECS.add(path)
            if fontmodel.calls_font_sections(text) == "fontpkg":
                FONT_SPECS.add(path)
            if _EXCLUSIVE_EFI.search(text):
                EFI_SPECS.add(path)
            found[path] = spec_identity(text, macros, arch="x86_64", sandbox=sandbox, read_source=folder_reader(tree, path))
        return found


def test_at_least_99_1_percent_of_corpus_specs_have_a_complete_identity(identities):
    complete = sum(identity.complete for identity in identities.values())
    assert complete / len(identities) >= 0.991


def test_at_least_99_8_percent_of_the_specs_that_are_not_go_specs_have_a_complete_identity(identities):
    others = [i for p, i in identities.items() if p not in GO_SPECS]
    assert sum(i.complete for i in others) / len(others) >= 0.998


def test_every_efi_only_spec_is_complete_and_built_on_x86_64_with_the_efi_model_note(identities):
    assert {p.split("/")[2] for p in EFI_SPECS} == {"efibootmgr", "efitools", "efivar", "gnu-efi", "shim"}
    assert all(identities[p].complete and not identities[p].excluded_reason for p in EFI_SPECS)
    assert all(efimodel.NOTE in identities[p].notes for p in EFI_SPECS)


def test_shim_builds_the_x64_package_and_the_ia32_one_of_the_alternative_efi_arch(identities):
    assert [p.name for p in identities["specs/s/shim/shim.spec"].packages] == ["shim-x64", "shim-ia32"]


def test_every_font_spec_is_complete_and_named_as_its_component_by_the_fonts_rpm_macros_model(identities):
    assert len(FONT_SPECS) >= 22
    mismatches = {p: identities[p].name for p in FONT_SPECS if identities[p].name != p.split("/")[2]}
    assert mismatches == {}
    assert all(identities[p].complete and identities[p].notes == (fontmodel.NOTE,) for p in FONT_SPECS)


def test_the_font_packages_fontpkg_declares_are_noarch_and_named_as_font_packages(identities):
    packages = [p for path in FONT_SPECS for p in identities[path].packages if not p.name.endswith("-doc")]
    assert len([p for p in packages if p.name.endswith(("-fonts", "-fonts-all"))]) >= 50
    assert [p.name for p in packages if p.arch != "noarch"] == []
    # the one package of these specs not written by %fontpkg / %fontmetapkg: fontawesome's own %package web
    assert [p.name for p in packages if not p.name.endswith(("-fonts", "-fonts-all"))] == ["fontawesome-fonts-web"]


def test_every_go_spec_is_named_as_its_component_by_the_go_rpm_macros_model(identities):
    assert len(GO_SPECS) >= 366
    mismatches = {p: identities[p].name for p in GO_SPECS if identities[p].name != p.split("/")[2]}
    assert mismatches == {}


def test_at_least_313_go_specs_are_complete_and_the_others_say_why(identities):
    go = [identities[p] for p in GO_SPECS]
    assert sum(i.complete for i in go) >= 313
    assert all(i.notes == (gomodel.NOTE,) for i in go if i.complete and i.name.startswith(("golang-", "compat-golang-")))
    reasons = {u.reason for i in go for u in i.unresolved}
    assert not [r for r in reasons if "%{goname} is not defined" in r]
    snapshots = [i for i in go if any(u.reason == f"release: {gomodel.SNAPSHOT_REASON}" for u in i.unresolved)]
    assert 0 < len(snapshots) <= 52


def test_the_devel_packages_gopkg_declares_are_noarch_and_named_after_an_import_path(identities):
    devel = [p for path in GO_SPECS for p in identities[path].packages if p.name.endswith("-devel")]
    assert len([p for p in devel if p.arch == "noarch" and p.name.startswith(("golang-", "compat-golang-"))]) >= 300
    # these two declare their own arched -devel package (circl's %gopkgfiles writes the %files of it)
    assert sorted(p.name for p in devel if p.arch != "noarch") == ["golang-github-cloudflare-circl-devel", "yggdrasil-devel"]


def test_the_kernel_builds_kernel_core_and_every_name_is_expanded(identities):
    kernel = identities["specs/k/kernel/kernel.spec"]
    names = [package.name for package in kernel.packages]
    assert "kernel-core" in names
    assert not [name for name in names if set(name) & set("%{\\")]


def test_no_published_name_or_version_keeps_macro_text(identities):
    values = [v for i in identities.values() for p in i.packages for v in (p.name, p.version, p.release)]
    assert not [v for v in values if set(v) & set("%{}\\ ")]


PYTHON_PROBE_SPECS = ("protobuf", "python-dirty-equals", "python-django5", "python-reportlab", "python-sqlalchemy",
                      "python-tomli-w", "waf", "grpc", "python-coverage", "python-typer")


def test_the_main_python_the_probes_are_answered_with_is_the_one_whose_spec_builds_python3(identities):
    """%__default_python3_version names it; its spec alone, of all python3.X specs, builds python3."""
    builders = [path for path, i in identities.items() if any(p.name == "python3" for p in i.packages)]
    assert builders == ["specs/p/python3.14/python3.14.spec"]


def test_specs_asking_the_build_pythons_version_or_site_packages_are_complete_with_its_note(identities):
    for name in PYTHON_PROBE_SPECS:
        identity = identities[f"specs/{name[0]}/{name}/{name}.spec"]
        assert identity.complete, name
        assert any(n.startswith("the build root's Python 3 version, 3.14,") for n in identity.notes), name
