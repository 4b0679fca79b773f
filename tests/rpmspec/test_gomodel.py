"""Pedigree's go-rpm-macros model (audits/rpmspec/gomodel.py, gomodel.lua) on small synthetic Go specs.

The expected names follow the Go packaging naming rules by hand (host suffix dropped, separators folded
to "-", repeated words and "go" dropped, a trailing /vN major version kept as -N, or glued with -L);
the corpus test (test_identity_corpus.py) checks them against every real Go spec's component name.
"""

from __future__ import annotations

import pytest

from audits.identities import combine
from audits.rpmspec import gomodel
from audits.rpmspec.engine import MacroEngine
from audits.rpmspec.identity import spec_identity
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from audits.rpmspec.macroformat import parse_macro_file

GO_SPEC = "specs/g/go-rpm-macros/go-rpm-macros.spec"
DIST = "specs/d/dist-rpm-macros/macros.dist"  # a *-rpm-macros file: read from macros.d


def model_set(version: str = gomodel.MODEL_VERSION, extra: dict[str, bytes] | None = None) -> MacroSet:
    files = {DIST: b"%dist %{?distprefix}.azl4\n", **(extra or {})}
    if version:
        files[GO_SPEC] = f"Name: go-rpm-macros\nVersion: {version}\nRelease: 1\n".encode()
    return load_macro_set(files.__getitem__, distribution_macro_paths(files, "azurelinux"), "x86_64")


MODEL = model_set()


def identity(*lines: str, macros: MacroSet = MODEL, arch: str = "x86_64"):
    return spec_identity("\n".join(lines) + "\n", macros, arch=arch, sandbox=LuaSandbox(macros.lua_modules))


def go_spec(*preamble: str, goipath: str = "github.com/adrg/xdg", version: str = "0.5.3", tail: tuple[str, ...] = ()):
    return (f"%global goipath {goipath}", f"Version: {version}", *preamble, "%gometa", "Name: %{goname}",
            "Release: 4%{?dist}", "Summary: XDG directories", "License: MIT", "URL: %{gourl}", "%description",
            "Go XDG.", "%gopkg", "%prep", "%goprep", "%install", "%gopkginstall", *tail, "%gopkgfiles", "%changelog")


@pytest.mark.parametrize(("goipath", "flags", "name"), [
    ("github.com/adrg/xdg", "", "golang-github-adrg-xdg"),
    ("gopkg.in/yaml.v3", "", "golang-gopkg-yaml-3"),
    ("golang.org/x/text", "", "golang-x-text"),
    ("cloud.google.com/go", "", "golang-cloud-google"),
    ("k8s.io/kube-openapi", "", "golang-k8s-kube-openapi"),
    ("github.com/Azure/azure-sdk-for-go", "", "golang-github-azure-sdk"),
    ("github.com/google/go-cmp", "", "golang-github-google-cmp"),
    ("github.com/foo/bar/v2", "", "golang-github-foo-bar-2"),
    ("github.com/cenkalti/backoff/v4", "-L", "golang-github-cenkalti-backoff4"),
    ("github.com/census-instrumentation/opencensus-proto/v0.2.1", "", "golang-github-census-instrumentation-opencensus-proto-0.2.1"),
    ("github.com/foo/bar1/v2", "-L", "golang-github-foo-bar1_2"),
])
def test_gorpmname_applies_the_go_naming_rules(goipath, flags, name):
    engine = MacroEngine(MODEL, sandbox=LuaSandbox(MODEL.lua_modules))
    assert engine.expand_text(f"%gorpmname {flags} {goipath}".replace("  ", " ")) == name
    assert engine.problems == []


def test_a_single_import_path_names_the_spec_and_builds_only_its_devel_package():
    result = identity(*go_spec())
    assert (result.name, result.version, result.release, result.complete) == ("golang-github-adrg-xdg", "0.5.3", "4.azl4", True)
    assert [(p.name, p.arch, p.summary) for p in result.packages] == [("golang-github-adrg-xdg-devel", "noarch", "XDG directories")]
    assert result.notes == (gomodel.NOTE,)


def test_alternative_import_paths_add_one_compat_devel_package_each():
    result = identity(*go_spec("%global goaltipaths github.com/old/xdg gopkg.in/xdg.v1"))
    assert [p.name for p in result.packages] == [
        "golang-github-adrg-xdg-devel", "compat-golang-github-old-xdg-devel", "compat-golang-gopkg-xdg-1-devel"]
    assert result.complete


def test_the_devel_name_follows_godevelname_and_gocid():
    named = identity(*go_spec("%global godevelname golang-xdg-sources"))
    assert [p.name for p in named.packages] == ["golang-xdg-sources"]
    compat = identity(*go_spec("%global gocid 05"))
    assert compat.name == "compat-golang-github-adrg-xdg-05"
    assert [p.name for p in compat.packages] == ["compat-golang-github-adrg-xdg-05-devel"]


def test_a_spec_that_ships_binaries_builds_them_and_the_devel_package():
    result = identity("%global goipath github.com/coreos/butane", "Version: 0.26.0", "%gometa -f", "Name: butane",
                      "Release: 3%{?dist}", "Summary: Butane", "License: ASL 2.0", "%description", "B.", "%gopkg",
                      "%install", "%gopkginstall", "%files", "/usr/bin/butane", "%gopkgfiles")
    assert result.name == "butane" and result.complete
    assert [(p.name, p.arch) for p in result.packages] == [("butane", "x86_64"), ("golang-github-coreos-butane-devel", "noarch")]


def test_without_gopkgfiles_the_devel_package_has_no_files_and_is_not_built():
    lines = [line for line in go_spec() if line != "%gopkgfiles"]
    assert identity(*lines).packages == ()


def test_a_commit_snapshot_release_needs_the_archive_date_so_stays_unresolved_unless_date_is_set():
    commit = "7EEB5667E42C09CB51BF7B7C28AEA8C56767DA90"
    unknown = identity(*go_spec(f"%global commit {commit}", version="0"))
    assert unknown.name == "golang-github-adrg-xdg" and unknown.release == ""
    assert [u.reason for u in unknown.unresolved] == [f"release: {gomodel.SNAPSHOT_REASON}"]
    dated = identity(*go_spec(f"%global commit {commit}", "%global date 20240101", version="0"))
    assert dated.release == "4.20240101git7eeb566.azl4" and dated.complete
    overridden = identity(*go_spec(f"%global commit {commit}", "%global distprefix %{nil}", version="0"))
    assert overridden.release == "4.azl4" and overridden.complete


def test_a_tag_that_is_only_the_version_adds_no_snapshot_prefix():
    assert identity(*go_spec("%global tag v%{version}", version="2.1.6")).release == "4.azl4"
    rc = identity(*go_spec("%global tag v2.1.6-rc1", "%global date 20250101", version="2.1.6"))
    assert rc.release == "4.20250101gitrc1.azl4"


def test_what_the_model_does_not_cover_is_unresolved_not_guessed():
    protocol = identity(*go_spec(goipath="https://github.com/adrg/xdg"))
    assert not protocol.complete and "outside Pedigree's go-rpm-macros model" in protocol.unresolved[0].reason
    numbered = identity(*go_spec("%global goipath100 github.com/a/b"))
    assert any("beyond 99" in u.reason for u in numbered.unresolved)
    second_path = [line.replace("%gometa", "%gometa -z 1") for line in go_spec("%global goipath1 github.com/a/b")]
    assert not identity(*second_path).complete


def test_another_go_rpm_macros_version_turns_the_model_off_and_says_why():
    other = model_set("3.9.0")
    assert other.go_model is not None and not other.go_model.applied and "3.9.0" in other.go_model.reason
    assert "gometa" not in {d.name for d in other.definitions}
    result = identity(*go_spec(), macros=other)
    assert not result.complete and result.notes == ()
    name = next(u for u in result.unresolved if u.field == "name")
    assert "%{goname} is not defined" in name.reason and "3.9.0" in name.reason
    binaries = identity("%global goipath github.com/coreos/butane", "Version: 1", "%gometa", "Name: butane",
                        "Release: 1", "Summary: B", "License: MIT", "%description", "B.", "%gopkg", "%files", "%gopkgfiles",
                        macros=other)
    assert binaries.name == "butane" and not binaries.complete
    assert any(u.field == "packages" and "go-rpm-macros" in u.reason for u in binaries.unresolved)


def test_without_the_go_rpm_macros_spec_the_model_is_off():
    none = model_set("")
    assert none.go_model is not None and not none.go_model.applied
    assert "gopkg" not in {d.name for d in none.definitions}


def test_the_repositorys_own_go_rpm_macros_files_win_over_the_model():
    own = model_set(extra={"specs/g/go-rpm-macros/macros.go-srpm": b"%goname golang-own\n"})
    assert own.go_model is not None and own.go_model.own_files and not own.go_model.applied
    assert [d.origin for d in own.definitions if d.name == "goname"] == ["specs/g/go-rpm-macros/macros.go-srpm"]
    assert gomodel.LUA_MODULE not in own.lua_modules


def test_the_model_is_loaded_where_macros_go_srpm_would_be_and_reads_back_from_its_macro_file():
    assert MODEL.go_model is not None and MODEL.go_model.applied
    names = [d.name for d in MODEL.definitions]
    assert names.index("gometa") > names.index("dist")  # macros.d order: macros.dist < macros.go-srpm
    back = [(d.name, d.options, d.body) for d in parse_macro_file(gomodel.macro_file_text(), "x")]
    assert back == gomodel.model_definitions()


def test_the_component_identity_keeps_the_note_for_the_sbom_and_the_cache():
    by_arch = {arch: identity(*go_spec(), arch=arch) for arch in ("x86_64", "aarch64")}
    combined = combine(by_arch)
    assert combined.notes == (gomodel.NOTE,) and combined.complete
    assert type(combined).from_json(combined.to_json()) == combined


def test_several_import_paths_in_one_gometa_call_are_refused_even_when_the_name_is_literal():
    lines = [line.replace("Name: %{goname}", "Name: moby") for line in go_spec("%global goipath2 github.com/docker/cli")]
    result = identity(*[line.replace("%gometa", "%gometa -a") for line in lines])
    assert result.name == "moby" and not result.complete
    assert any(u.field == "packages" and "outside Pedigree's go-rpm-macros model" in u.reason for u in result.unresolved)


def test_gometa_a_with_the_main_path_numbered_zero_is_the_single_path_case():
    lines = [line.replace("%global goipath ", "%global goipath0 ").replace("%gometa", "%gometa -a") for line in go_spec()]
    result = identity(*lines)
    assert result.complete and [p.name for p in result.packages] == ["golang-github-adrg-xdg-devel"]
    other = identity(*[line.replace("Version: 0.5.3", "Version: 0.5.3\n%global version0 0.4") for line in lines])
    assert not other.complete
