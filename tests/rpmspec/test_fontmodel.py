"""Pedigree's fonts-rpm-macros model (audits/rpmspec/fontmodel.py, fontmodel.lua) on small synthetic font specs.

The expected names follow the font naming rules by hand (foundry then family, lower case, separators
folded to "-", one trailing style word of each kind and repeated words dropped, then "-fonts"; with
Azure Linux's patch a family that starts with its foundry does not repeat it); the corpus test
(test_identity_corpus.py) checks them against every real font spec's component name.
"""

from __future__ import annotations

import pytest

from audits.identities import combine
from audits.rpmspec import fontmodel
from audits.rpmspec.engine import MacroEngine
from audits.rpmspec.identity import spec_identity
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from audits.rpmspec.macroformat import parse_macro_file

FONTS_SPEC = "specs/f/fonts-rpm-macros/fonts-rpm-macros.spec"
DIST = "specs/d/dist-rpm-macros/macros.dist"  # a *-rpm-macros file: read from macros.d
PATCHES = "".join(f"Patch{n}: {p.replace('fonts-rpm-macros', '%{name}')}\n" for n, p in enumerate(sorted(fontmodel.MODEL_PATCHES)))


def model_set(version: str = fontmodel.MODEL_VERSION, patches: str = PATCHES,
              extra: dict[str, bytes] | None = None) -> MacroSet:
    files = {DIST: b"%dist .azl4\n", **(extra or {})}
    if version:
        files[FONTS_SPEC] = f"Name: fonts-rpm-macros\nVersion: {version}\nRelease: 1\n{patches}".encode()
    return load_macro_set(files.__getitem__, distribution_macro_paths(files, "azurelinux"), "x86_64")


MODEL = model_set()


def identity(*lines: str, macros: MacroSet = MODEL, arch: str = "x86_64"):
    return spec_identity("\n".join(lines) + "\n", macros, arch=arch, sandbox=LuaSandbox(macros.lua_modules))


def font_spec(*families: str, pkg: str = "%fontpkg", files: str = "%fontfiles", tail: tuple[str, ...] = ()):
    return ("Version: 1.0", "Release: 2%{?dist}", "URL: https://example.org", "%global fontlicense OFL-1.1",
            *families, pkg, "%prep", "%build", "%fontbuild", "%install",
            "%fontinstall", "%check", "%fontcheck", files, *tail, "%changelog")


def names(result) -> list[str]:
    return [p.name for p in result.packages]


@pytest.mark.parametrize(("foundry", "family", "name"), [
    ("", "Lato", "lato-fonts"),
    ("Adobe", "Source Code Pro", "adobe-source-code-pro-fonts"),
    ("Google", "Noto Sans CJK", "google-noto-sans-cjk-fonts"),
    ("STIX", "STIX", "stix-fonts"),  # the family's leading foundry is dropped (Azure Linux's patch) ...
    ("Paktype", "PaktypeNaskh Basic", "paktype-naskh-basic-fonts"),  # ... even inside a word (else paktype-paktypenaskh)
    ("SIL", "SIL Padauk", "sil-padauk-fonts"),
    ("", "Roboto Slab Regular", "roboto-slab-fonts"),  # one style word of each kind goes
    ("", "Foo Sans Bold Italic", "foo-sans-fonts"),
    ("", "Foo Extra-Bold", "foo-extra-fonts"),  # upstream's pattern: "-" in "extra-bold" is not a hyphen
    ("", "Vazirmatn Font", "vazirmatn-fonts"),  # "font" and "fonts" are never kept
    ("", "Noto Noto Emoji", "noto-emoji-fonts"),  # nor a word already seen
])
def test_fontpkg_names_the_family_by_the_font_naming_rules(foundry, family, name):
    lines = [f"%global foundry {foundry}"] if foundry else []
    result = identity(*font_spec(*lines, f"%global fontfamily {family}", "%global fontsummary A font"))
    assert result.complete and result.name == name and names(result) == [name]


def test_fontrpmname_applies_the_same_rules_to_its_argument():
    engine = MacroEngine(MODEL, sandbox=LuaSandbox(MODEL.lua_modules))
    assert engine.expand_text("%{fontrpmname:DejaVu Sans Mono Oblique}") == "dejavu-sans-mono-fonts"
    assert engine.problems == []
    named = identity("Name: %{fontrpmname:Lato}", "Version: 1", "Release: 1", "Summary: L", "License: OFL-1.1",
                     "%description", "L.", "%files")
    assert named.complete and named.name == "lato-fonts" and named.notes == (fontmodel.NOTE,)


def test_the_main_family_is_the_spec_s_name_and_its_summary_and_license_are_the_font_s():
    result = identity(*font_spec("%global fontfamily Lato", "%global fontsummary Lato, a sans-serif"))
    main = result.packages[0]
    assert (main.name, main.summary, main.license, main.arch) == ("lato-fonts", "Lato, a sans-serif", "OFL-1.1", "noarch")
    assert result.notes == (fontmodel.NOTE,)


def test_numbered_families_with_fontpkg_a_make_the_zero_one_main_and_the_others_subpackages():
    result = identity(*font_spec("%global fontfamily0 Cantarell", "%global fontsummary0 Main",
                                 "%global fontfamily1 Cantarell VF", "%global fontsummary1 Variable",
                                 "%global foundry Abattis", pkg="%fontpkg -a", files="%fontfiles -a"))
    assert result.complete and result.name == "abattis-cantarell-fonts"
    assert names(result) == ["abattis-cantarell-fonts", "abattis-cantarell-vf-fonts"]
    assert [p.summary for p in result.packages] == ["Main", "Variable"]


def test_without_a_zero_family_the_spec_names_itself_and_every_family_is_a_subpackage():
    result = identity("Name: sans-family", "Summary: S", *font_spec(
        "%global fontfamily1 Sans", "%global fontfamily2 Sans Mono", pkg="%fontpkg -a", files="%fontfiles -a"))
    assert result.complete and result.name == "sans-family"
    assert names(result) == ["sans-fonts", "sans-mono-fonts"]


def test_fontfiles_z_gives_a_files_section_to_that_family_only():
    result = identity("Name: two-fonts", "Summary: S", *font_spec(
        "%global fontfamily1 Alpha", "%global fontfamily2 Beta", pkg="%fontpkg -a", files="%fontfiles -z 2"))
    assert result.complete and names(result) == ["beta-fonts"]


def test_fontpkgname_is_set_for_each_family_and_a_spec_may_choose_it():
    result = identity(*font_spec("%global fontfamily0 Alpha", "%global fontfamily1 Beta",
                                 "%global fontpkgname1 gamma-fonts", pkg="%fontpkg -a", files="%fontfiles -a",
                                 tail=("%package -n %{fontpkgname0}-doc", "Summary: D", "%description -n %{fontpkgname0}-doc",
                                       "D.", "%files -n %{fontpkgname0}-doc")))
    assert result.complete and names(result) == ["alpha-fonts", "gamma-fonts", "alpha-fonts-doc"]


def test_fontmetapkg_declares_a_meta_package_requiring_the_listed_families_with_the_epoch():
    result = identity("Epoch: 1", *font_spec(
        "%global fontfamily0 Alpha", "%global fontfamily1 Beta", "%global fontfamily2 Gamma",
        pkg="%fontpkg -a\n%fontmetapkg -z 1,2", files="%fontfiles -a"))
    assert result.complete and names(result) == ["alpha-fonts", "beta-fonts", "gamma-fonts", "alpha-fonts-all"]
    meta = result.packages[-1]
    assert meta.requires == ("beta-fonts = 1:1.0-2.azl4", "gamma-fonts = 1:1.0-2.azl4")
    named = identity(*font_spec("%global fontfamily Alpha", "%global metasum All of it",
                                pkg="%fontpkg\n%fontmetapkg -n everything-fonts -s metasum"))
    assert names(named)[-1] == "everything-fonts" and named.packages[-1].summary == "All of it"


def test_a_family_without_fontfamily_is_refused_not_guessed():
    result = identity(*font_spec("%global fontfamily0 Alpha", pkg="%fontpkg -z 3", files="%fontfiles -z 0"))
    assert not result.complete
    assert any("%{fontfamily3} is not set" in u.reason for u in result.unresolved if u.field == "packages")


def test_families_numbered_beyond_99_are_outside_the_model():
    result = identity(*font_spec("%global fontfamily Alpha", "%global fontfamily100 Beta"))
    assert any("beyond 99" in u.reason for u in result.unresolved)


def test_another_fonts_rpm_macros_version_turns_the_model_off_and_says_why():
    other = model_set("2.0.6")
    assert other.font_model is not None and not other.font_model.applied and "2.0.6" in other.font_model.reason
    assert "fontpkg" not in {d.name for d in other.definitions}
    result = identity(*font_spec("%global fontfamily Lato"), macros=other)
    assert not result.complete and result.notes == ()
    assert any(u.field == "packages" and "fonts-rpm-macros" in u.reason and "2.0.6" in u.reason
               for u in result.unresolved)


def test_a_different_patch_set_turns_the_model_off_and_names_the_patch():
    other = model_set(patches=PATCHES + "Patch9: %{name}-rename-families.patch\n")
    assert other.font_model is not None and not other.font_model.applied
    assert "fonts-rpm-macros-rename-families.patch" in other.font_model.reason
    unpatched = model_set(patches="")
    assert unpatched.font_model is not None and not unpatched.font_model.applied


def test_without_the_fonts_rpm_macros_spec_the_model_is_off():
    none = model_set("")
    assert none.font_model is not None and not none.font_model.applied
    assert "fontfiles" not in {d.name for d in none.definitions}


def test_the_repositorys_own_fonts_rpm_macros_files_win_over_the_model():
    own = model_set(extra={"specs/f/fonts-rpm-macros/macros.fonts-srpm": b"%fontorg org.example\n"})
    assert own.font_model is not None and own.font_model.own_files and not own.font_model.applied
    assert [d.origin for d in own.definitions if d.name == "fontorg"] == ["specs/f/fonts-rpm-macros/macros.fonts-srpm"]
    assert fontmodel.LUA_MODULE not in own.lua_modules


def test_the_model_is_loaded_where_macros_fonts_srpm_would_be_and_reads_back_from_its_macro_file():
    assert MODEL.font_model is not None and MODEL.font_model.applied
    defined = [d.name for d in MODEL.definitions]
    assert defined.index("fontpkg") > defined.index("dist")  # macros.d order: macros.dist < macros.fonts-srpm
    back = [(d.name, d.options, d.body) for d in parse_macro_file(fontmodel.macro_file_text(), "x")]
    assert back == fontmodel.model_definitions()


def test_the_component_identity_keeps_the_note_for_the_sbom_and_the_cache():
    by_arch = {arch: identity(*font_spec("%global fontfamily Lato"), arch=arch) for arch in ("x86_64", "aarch64")}
    combined = combine(by_arch)
    assert combined.notes == (fontmodel.NOTE,) and combined.complete
    assert type(combined).from_json(combined.to_json()) == combined
