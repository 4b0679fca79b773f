"""Loading an azldev project: includes, parse errors, strict unions and field merges."""

from __future__ import annotations

import pytest

from audits.azldev.loader import MAX_CONFIG_BYTES, ConfigError, load_project, merge_config, parse_toml

from .builders import Link, comp_file, load, write_tree

DISTRO_43 = '[distros.fedora.versions.43]\nrelease-ver = "43"\n'


def load_tree(tmp_path, files):
    return load_project(write_tree(tmp_path, files))


# --- includes ----------------------------------------------------------------


def test_includes_are_resolved_relative_to_the_including_file(tmp_path):
    project = load_tree(
        tmp_path,
        {
            "azldev.toml": 'includes = ["sub/a.toml"]',
            "sub/a.toml": 'includes = ["b.toml"]',
            "sub/b.toml": "[components.from-sub]",
            "b.toml": "[components.from-root]",
        },
    )
    assert project.files == ["azldev.toml", "sub/a.toml", "sub/b.toml"]
    assert list(project.components) == ["from-sub"]


def test_doublestar_include_finds_files_at_any_depth(tmp_path):
    project, _ = load(
        tmp_path,
        {
            "base/comps/top.comp.toml": "[components.top]",
            "base/comps/a/b/c/deep.comp.toml": "[components.deep]",
        },
    )
    assert sorted(project.components) == ["deep", "top"]


def test_include_glob_matching_nothing_is_ignored(tmp_path):
    project = load_tree(tmp_path, {"azldev.toml": 'includes = ["nothing/*.toml"]'})
    assert project.files == ["azldev.toml"]


def test_include_glob_only_picks_toml_files(tmp_path):
    project = load_tree(tmp_path, {"azldev.toml": 'includes = ["sub/*"]', "sub/README.md": "# hi", "sub/a.toml": ""})
    assert project.files == ["azldev.toml", "sub/a.toml"]


def test_missing_literal_include_is_an_error_naming_the_file_and_pattern(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_tree(tmp_path, {"azldev.toml": 'includes = ["sub/a.toml"]', "sub/a.toml": 'includes = ["missing.toml"]'})
    assert info.value.file == "sub/a.toml"
    assert info.value.key == "includes"
    assert "'missing.toml' does not exist (sub/missing.toml)" in info.value.message


@pytest.mark.parametrize("pattern", ["../x.toml", "../*.toml", "/etc/x.toml"])
def test_include_leaving_the_repository_is_rejected(tmp_path, pattern):
    with pytest.raises(ConfigError) as info:
        load_tree(tmp_path / "repo", {"azldev.toml": f'includes = ["{pattern}"]'})
    assert info.value.file == "azldev.toml" and info.value.key == "includes"
    assert "escapes the repository root" in info.value.message or "absolute" in info.value.message


def test_include_cycle_is_rejected_naming_every_file_in_it(tmp_path):
    with pytest.raises(ConfigError, match="include cycle: azldev.toml -> a.toml -> b.toml -> a.toml"):
        load_tree(tmp_path, {"azldev.toml": 'includes = ["a.toml"]', "a.toml": 'includes = ["b.toml"]', "b.toml": 'includes = ["a.toml"]'})


def test_file_including_itself_through_a_glob_is_a_cycle(tmp_path):
    with pytest.raises(ConfigError, match="include cycle"):
        load_tree(tmp_path, {"azldev.toml": 'includes = ["*.toml"]'})


def test_file_included_twice_is_rejected_naming_both_includers(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_tree(
            tmp_path,
            {
                "azldev.toml": 'includes = ["a.toml", "b.toml"]',
                "a.toml": 'includes = ["c.toml"]',
                "b.toml": 'includes = ["c.toml"]',
                "c.toml": "",
            },
        )
    assert info.value.file == "b.toml"
    assert "c.toml is already included by a.toml" in info.value.message


def test_load_order_is_depth_first(tmp_path):
    project = load_tree(
        tmp_path,
        {
            "azldev.toml": 'includes = ["distro/distro.toml", "base/project.toml"]',
            "distro/distro.toml": 'includes = ["*.distro.toml"]',
            "distro/fedora.distro.toml": DISTRO_43,
            "distro/azurelinux.distro.toml": "",
            "base/project.toml": 'includes = ["comps/components.toml", "images/images.toml"]',
            "base/comps/components.toml": 'includes = ["**/*.comp.toml", "components-full.toml"]',
            "base/comps/kernel/kernel.comp.toml": "[components.kernel]",
            "base/comps/bash/bash.comp.toml": "[components.bash]",
            "base/comps/components-full.toml": "[components.curl]",
            "base/images/images.toml": "",
        },
    )
    assert project.files == [
        "azldev.toml",
        "distro/distro.toml",
        "distro/azurelinux.distro.toml",
        "distro/fedora.distro.toml",
        "base/project.toml",
        "base/comps/components.toml",
        "base/comps/bash/bash.comp.toml",
        "base/comps/kernel/kernel.comp.toml",
        "base/comps/components-full.toml",
        "base/images/images.toml",
    ]


def test_include_with_an_invalid_character_range_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        load_tree(tmp_path, {"azldev.toml": 'includes = ["[z-a].toml"]'})


# --- parse errors ------------------------------------------------------------


def test_missing_root_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="azldev.toml: the repository has no azldev root config file"):
        load_tree(tmp_path, {"other.toml": ""})


def test_malformed_toml_names_the_file_and_line(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_tree(tmp_path, {"azldev.toml": 'includes = ["a.toml"]', "a.toml": "[components.x]\n\nspec = {\n"})
    assert info.value.file == "a.toml"
    assert "malformed TOML" in info.value.message and "line 3" in info.value.message


def test_deeply_nested_toml_is_a_clean_config_error(tmp_path):
    with pytest.raises(ConfigError, match="azldev.toml: malformed TOML"):
        load_tree(tmp_path, {"azldev.toml": "a = " + "[" * 100_000})


def test_invalid_utf8_config_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(ConfigError, match=r"a.toml: a.toml: not valid UTF-8"):
        load_tree(tmp_path, {"azldev.toml": 'includes = ["a.toml"]', "a.toml": b"description = \"\xff\"\n"})


def test_oversized_config_file_is_rejected(tmp_path):
    body = "# " + "x" * MAX_CONFIG_BYTES + "\n"
    with pytest.raises(ConfigError, match=r"a.toml: file is too large"):
        load_tree(tmp_path, {"azldev.toml": 'includes = ["a.toml"]', "a.toml": body})


def test_parse_toml_honours_its_size_limit(tmp_path):
    tree = write_tree(tmp_path, {"a.toml": "x = 1  # padding padding\n"})
    with pytest.raises(ConfigError, match="file is too large"):
        parse_toml(tree, "a.toml", max_bytes=10)


def test_oversized_config_reached_through_a_symlink_is_rejected(tmp_path):
    tree = write_tree(tmp_path, {"real.toml": "x = 1  # padding padding\n", "link.toml": Link("real.toml")})
    with pytest.raises(ConfigError, match="file is too large"):
        parse_toml(tree, "link.toml", max_bytes=10)


def test_schema_error_names_the_file_and_the_dotted_key(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, {comp_file("curl"): '[[components.curl.overlays]]\ntype = "spec-add-tag"\ntyep = "x"'})
    assert info.value.file == comp_file("curl")
    assert "components.curl.overlays[0].tyep: unknown key 'tyep'" in info.value.message


# --- strict unions -----------------------------------------------------------


def test_component_defined_in_two_files_names_both_files(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, {comp_file("curl"): "[components.curl]", "base/comps/more.comp.toml": "[components.curl]"})
    assert info.value.file == "base/comps/more.comp.toml"
    assert info.value.key == "components.curl"
    assert f"component 'curl' is already defined in {comp_file('curl')}" in info.value.message


def test_component_group_defined_in_two_files_names_both_files(tmp_path):
    with pytest.raises(ConfigError, match=r"b.comp.toml: component-groups.g: component-group 'g' is already defined in base/comps/a.comp.toml"):
        load(tmp_path, {"base/comps/a.comp.toml": "[component-groups.g]", "base/comps/b.comp.toml": "[component-groups.g]"})


def test_image_defined_in_two_files_names_both_files(tmp_path):
    with pytest.raises(ConfigError, match=r"b.comp.toml: images.vm: image 'vm' is already defined in base/comps/a.comp.toml"):
        load(tmp_path, {"base/comps/a.comp.toml": "[images.vm]", "base/comps/b.comp.toml": "[images.vm]"})


# --- distros and project merge ----------------------------------------------


def _two_distro_files(first: str, second: str) -> dict[str, str]:
    return {"azldev.toml": 'includes = ["a.toml", "b.toml"]', "a.toml": first, "b.toml": second}


def test_distro_fields_merge_across_files_with_later_non_empty_fields_winning(tmp_path):
    project = load_tree(
        tmp_path,
        _two_distro_files(
            '[distros.fedora]\ndescription = "old"\ndefault-version = "43"\ndist-git-base-uri = "https://a/$pkg"\n' + DISTRO_43,
            '[distros.fedora]\ndescription = "new"\ndist-git-base-uri = ""\n',
        ),
    )
    fedora = project.distros["fedora"]
    assert fedora["description"] == "new"
    assert fedora["default-version"] == "43"
    assert fedora["dist-git-base-uri"] == "https://a/$pkg"


def test_distro_repos_from_a_later_file_replace_earlier_repos(tmp_path):
    project = load_tree(
        tmp_path,
        _two_distro_files(
            '[distros.fedora]\nrepos = [{ base-uri = "https://one" }, { base-uri = "https://two" }]\n' + DISTRO_43,
            '[distros.fedora]\nrepos = [{ base-uri = "https://three" }]\n',
        ),
    )
    assert project.distros["fedora"]["repos"] == [{"base-uri": "https://three"}]


def test_distro_versions_merge_field_by_field_across_files(tmp_path):
    project = load_tree(
        tmp_path,
        _two_distro_files(
            '[distros.fedora.versions.43]\nrelease-ver = "43"\ndescription = "F43"\n',
            '[distros.fedora.versions.43]\ndist-git-branch = "f43"\n[distros.fedora.versions.44]\nrelease-ver = "44"\n',
        ),
    )
    assert project.distros["fedora"]["versions"] == {
        "43": {"release-ver": "43", "description": "F43", "dist-git-branch": "f43"},
        "44": {"release-ver": "44"},
    }


def test_distro_version_without_release_ver_after_merging_is_an_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_tree(tmp_path, _two_distro_files('[distros.fedora.versions.44]\ndescription = "x"', DISTRO_43))
    assert info.value.key == "distros.fedora.versions.44"
    assert "missing required key 'release-ver' after merging" in info.value.message


def test_project_fields_from_later_files_override_non_empty_only(tmp_path):
    project = load_tree(
        tmp_path,
        _two_distro_files(
            '[project]\ndescription = "first"\nlog-dir = "logs"\n',
            '[project]\ndescription = "second"\nlog-dir = ""\n',
        ),
    )
    assert project.project == {"description": "second", "log-dir": "logs"}


def test_rendered_specs_dir_is_relative_to_the_file_that_sets_it(tmp_path):
    project, _ = load(tmp_path)
    assert project.project_file == "base/project.toml"
    assert project.rendered_specs_dir == "specs"
    assert project.rendered_spec_dir("Curl") == "specs/c/Curl"


def test_default_distro_version_falls_back_to_the_distros_default_version(tmp_path):
    project, _ = load(
        tmp_path,
        {"base/project.toml": 'includes = ["comps/components.toml"]\n[project]\ndefault-distro = { name = "fedora" }'},
    )
    assert project.default_distro == ("fedora", "43")


def test_missing_default_distro_is_a_config_error(tmp_path):
    project, _ = load(tmp_path, {"base/project.toml": 'includes = ["comps/components.toml"]'})
    with pytest.raises(ConfigError, match="no default distro is configured"):
        project.default_distro


def test_default_distro_naming_an_undefined_distro_is_a_config_error(tmp_path):
    project, _ = load(
        tmp_path,
        {"base/project.toml": 'includes = ["comps/components.toml"]\n[project]\ndefault-distro = { name = "debian" }'},
    )
    with pytest.raises(ConfigError, match="default distro 'debian' is not defined"):
        project.default_distro


def test_default_distro_with_an_undefined_version_is_a_config_error(tmp_path):
    project, _ = load(
        tmp_path,
        {"base/project.toml": '[project]\ndefault-distro = { name = "fedora", version = "99" }'},
    )
    with pytest.raises(ConfigError, match="default distro 'fedora' has no version '99'"):
        project.default_distro


# --- spec discovery by component groups -------------------------------------


def test_group_specs_globs_discover_local_spec_components(tmp_path):
    project, _ = load(
        tmp_path,
        {
            "base/comps/local.comp.toml": '[component-groups.local]\nspecs = ["SPECS/**/*.spec"]',
            "base/comps/SPECS/foo/foo.spec": "Name: foo\n",
            "base/comps/SPECS/bar.spec": "Name: bar\n",
            "base/comps/SPECS/notes.txt": "",
        },
    )
    assert sorted(project.components) == ["bar", "foo"]
    foo = project.components["foo"]
    assert foo.file == "base/comps/SPECS/foo/foo.spec"
    assert foo.data == {"spec": {"type": "local", "path": "foo.spec"}}
    assert project.component_groups["local"].data["components"] == ["bar", "foo"]


def test_group_excluded_paths_filter_discovered_specs(tmp_path):
    project, _ = load(
        tmp_path,
        {
            "base/comps/local.comp.toml": '[component-groups.local]\nspecs = ["**/*.spec"]\nexcluded-paths = ["build/**"]',
            "base/comps/SPECS/foo.spec": "",
            "base/comps/build/foo-copy.spec": "",
        },
    )
    assert list(project.components) == ["foo"]


def test_discovered_spec_clashing_with_a_defined_component_names_both(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(
            tmp_path,
            {
                comp_file("foo"): "[components.foo]",
                "base/comps/local.comp.toml": '[component-groups.local]\nspecs = ["SPECS/*.spec"]',
                "base/comps/SPECS/foo.spec": "",
            },
        )
    assert info.value.file == "base/comps/local.comp.toml"
    assert f"already defined in {comp_file('foo')}" in info.value.message


# --- merge helpers -----------------------------------------------------------


def test_merge_config_does_not_alias_the_update():
    update = {"build": {"with": ["a"]}}
    merged = merge_config({}, update)
    merged["build"]["with"].append("b")
    assert update == {"build": {"with": ["a"]}}
