"""Resolving each component's effective configuration, overlays and provenance."""

from __future__ import annotations

import pytest

from audits.azldev.loader import ConfigError
from audits.azldev.resolve import Overlay, resolve_components, validate_overlay

from .builders import comp_file, load, resolve_all

CURL = comp_file("curl")
DIR = "base/comps/curl"
META = 'metadata = { category = "azl-pruning", upstream-status = "inapplicable" }'
OVERLAY_DOC = """
[metadata]
category = "azl-pruning"
upstream-status = "inapplicable"

[[overlays]]
type = "spec-remove-subpackage"
package = "{package}"
"""


def overlay_doc(package: str) -> str:
    return OVERLAY_DOC.format(package=package)


def group(name: str, members: list[str], defaults: str = "") -> dict[str, str]:
    body = f"[component-groups.{name}]\ncomponents = {members!r}\n".replace("'", '"')
    if defaults:
        body += f"[component-groups.{name}.default-component-config]\n{defaults}\n"
    return {f"base/comps/groups/{name}.comp.toml": body}


def resolve_one(tmp_path, files, name="curl"):
    return resolve_all(tmp_path, files)[name]


def config_error(tmp_path, files) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        resolve_all(tmp_path, files)
    return info.value


# --- layers and merging ------------------------------------------------------


def test_bare_component_inherits_the_distro_default_spec(tmp_path):
    curl = resolve_one(tmp_path, {CURL: "[components.curl]"})
    assert curl.config == {
        "spec": {
            "type": "upstream",
            "upstream-distro": {"name": "fedora", "version": "43", "snapshot": "2026-02-24T00:00:00-08:00"},
        }
    }
    assert curl.provenance["spec.upstream-distro.version"] == "distro"


def test_component_scalar_overrides_the_distro_default_and_keeps_the_rest(tmp_path):
    curl = resolve_one(
        tmp_path, {CURL: '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }'}
    )
    assert curl.config["spec"]["upstream-distro"] == {"name": "fedora", "version": "rawhide", "snapshot": "2026-02-24T00:00:00-08:00"}
    assert curl.provenance["spec.upstream-distro.version"] == "component"
    assert curl.provenance["spec.upstream-distro.snapshot"] == "distro"


def test_project_default_overrides_the_distro_default(tmp_path):
    curl = resolve_one(
        tmp_path,
        {CURL: "[components.curl]", "base/comps/defaults.comp.toml": '[default-component-config.release]\ncalculation = "static"'},
    )
    assert curl.config["release"] == {"calculation": "static"}
    assert curl.provenance["release.calculation"] == "project"


def test_groups_apply_in_alphabetical_order_after_the_project_default(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: "[components.curl]",
            "base/comps/defaults.comp.toml": '[default-component-config.build]\ndefines = { who = "project" }',
            **group("zeta", ["curl"], 'build = { defines = { who = "zeta" } }'),
            **group("alpha", ["curl"], 'build = { defines = { who = "alpha" } }'),
        },
    )
    assert curl.groups == ["alpha", "zeta"]
    assert curl.config["build"]["defines"] == {"who": "zeta"}
    assert curl.provenance["build.defines.who"] == "group:zeta"


def test_component_layer_overrides_its_groups(tmp_path):
    curl = resolve_one(
        tmp_path,
        {CURL: '[components.curl.build]\ndefines = { who = "curl" }', **group("g", ["curl"], 'build = { defines = { who = "g" } }')},
    )
    assert curl.config["build"]["defines"] == {"who": "curl"}
    assert curl.provenance["build.defines.who"] == "component"


def test_arrays_append_across_layers(tmp_path):
    curl = resolve_one(tmp_path, {CURL: '[components.curl.build]\nwith = ["b"]', **group("g", ["curl"], 'build = { with = ["a"] }')})
    assert curl.config["build"]["with"] == ["a", "b"]
    assert curl.provenance["build.with"] == "group:g+component"


def test_defines_maps_merge_across_layers(tmp_path):
    curl = resolve_one(
        tmp_path, {CURL: '[components.curl.build]\ndefines = { b = "2" }', **group("g", ["curl"], 'build = { defines = { a = "1" } }')}
    )
    assert curl.config["build"]["defines"] == {"a": "1", "b": "2"}
    assert (curl.provenance["build.defines.a"], curl.provenance["build.defines.b"]) == ("group:g", "component")


def test_false_never_overrides_an_inherited_true(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: "[components.curl.build]\ncheck = { skip = false }\nhints = { expensive = false }",
            **group("g", ["curl"], 'build = { check = { skip = true, skip_reason = "flaky" }, hints = { expensive = true } }'),
        },
    )
    assert curl.config["build"]["check"] == {"skip": True, "skip_reason": "flaky"}
    assert curl.config["build"]["hints"] == {"expensive": True}
    assert curl.provenance["build.check.skip"] == "group:g"


def test_empty_string_never_overrides_an_inherited_value(tmp_path):
    curl = resolve_one(
        tmp_path, {CURL: '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", version = "" } }'}
    )
    assert curl.config["spec"]["upstream-distro"]["version"] == "43"
    assert curl.provenance["spec.upstream-distro.version"] == "distro"


def test_group_listing_an_undefined_component_is_a_warning(tmp_path):
    project, tree = load(tmp_path, {CURL: "[components.curl]", **group("g", ["curl", "ghost"])})
    resolve_components(project, tree)
    assert project.warnings == [
        "base/comps/groups/g.comp.toml: component-groups.g.components lists 'ghost', which is not defined"
    ]


def test_files_lists_the_component_file_and_its_group_files(tmp_path):
    curl = resolve_one(tmp_path, {CURL: "[components.curl]", **group("g", ["curl"], 'build = { with = ["a"] }')})
    assert curl.files == [CURL, "base/comps/groups/g.comp.toml"]


# --- overlay files -----------------------------------------------------------


def test_overlay_files_replace_inherited_patterns(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: '[components.curl]\noverlay-files = ["mine/*.toml"]',
            "base/comps/defaults.comp.toml": '[default-component-config]\noverlay-files = ["overlays/*.toml"]',
            f"{DIR}/overlays/0001-a.toml": overlay_doc("a"),
            f"{DIR}/mine/0001-b.toml": overlay_doc("b"),
        },
    )
    assert curl.overlay_files == [f"{DIR}/mine/0001-b.toml"]
    assert [o.fields["package"] for o in curl.overlays] == ["b"]


def test_empty_overlay_files_disables_inherited_patterns(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: "[components.curl]\noverlay-files = []",
            "base/comps/defaults.comp.toml": '[default-component-config]\noverlay-files = ["overlays/*.toml"]',
            f"{DIR}/overlays/0001-a.toml": overlay_doc("a"),
        },
    )
    assert curl.overlay_files == [] and curl.overlays == []


def test_inherited_overlay_files_are_resolved_from_the_component_file(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: "[components.curl]",
            "base/comps/defaults.comp.toml": '[default-component-config]\noverlay-files = ["overlays/*.toml"]',
            f"{DIR}/overlays/0001-a.toml": overlay_doc("a"),
            "base/comps/overlays/0001-wrong.toml": overlay_doc("wrong"),
        },
    )
    assert curl.overlay_files == [f"{DIR}/overlays/0001-a.toml"]


def test_overlay_files_provenance_names_only_the_replacing_layer(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: '[components.curl]\noverlay-files = ["mine/*.toml"]',
            "base/comps/defaults.comp.toml": '[default-component-config]\noverlay-files = ["overlays/*.toml"]',
        },
    )
    assert curl.provenance["overlay-files"] == "component"


def test_overlays_are_ordered_group_inline_then_component_inline_then_overlay_files(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: """
                [components.curl]
                overlay-files = ["overlays/*.toml"]
                [[components.curl.overlays]]
                type = "spec-remove-subpackage"
                package = "inline-component"
                """,
            **group("g", ["curl"], '[[component-groups.g.default-component-config.overlays]]\ntype = "spec-remove-subpackage"\npackage = "inline-group"'),
            f"{DIR}/overlays/0002-b.toml": overlay_doc("file-2"),
            f"{DIR}/overlays/0001-a.toml": overlay_doc("file-1"),
        },
    )
    assert [(o.position, o.fields["package"], o.layer) for o in curl.overlays] == [
        (0, "inline-group", "group:g"),
        (1, "inline-component", "component"),
        (2, "file-1", "overlay-file"),
        (3, "file-2", "overlay-file"),
    ]


def test_overlay_files_are_ordered_by_file_name_not_directory(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: '[components.curl]\noverlay-files = ["**/*.overlay.toml"]',
            f"{DIR}/a/0002-x.overlay.toml": overlay_doc("second"),
            f"{DIR}/b/0001-y.overlay.toml": overlay_doc("first"),
        },
    )
    assert curl.overlay_files == [f"{DIR}/b/0001-y.overlay.toml", f"{DIR}/a/0002-x.overlay.toml"]


def test_overlay_file_matched_by_two_patterns_is_loaded_once(tmp_path):
    curl = resolve_one(
        tmp_path,
        {CURL: '[components.curl]\noverlay-files = ["o/*.toml", "o/0001-a.toml"]', f"{DIR}/o/0001-a.toml": overlay_doc("a")},
    )
    assert len(curl.overlays) == 1


def test_overlay_file_metadata_is_stamped_on_each_of_its_overlays(tmp_path):
    doc = overlay_doc("a") + '\n[[overlays]]\ntype = "spec-remove-subpackage"\npackage = "b"\n'
    curl = resolve_one(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/*.toml"]', f"{DIR}/o/0001.toml": doc})
    assert [o.metadata for o in curl.overlays] == [{"category": "azl-pruning", "upstream-status": "inapplicable"}] * 2
    assert {o.defined_in for o in curl.overlays} == {f"{DIR}/o/0001.toml"}


def test_per_overlay_metadata_inside_an_overlay_file_is_rejected(tmp_path):
    doc = overlay_doc("a") + META + "\n"
    error = config_error(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/*.toml"]', f"{DIR}/o/0001.toml": doc})
    assert error.file == f"{DIR}/o/0001.toml"
    assert "per-overlay metadata is not allowed in an overlay file" in error.message


def test_overlay_file_without_overlays_is_rejected(tmp_path):
    doc = 'overlays = []\n[metadata]\ncategory = "azl-pruning"\nupstream-status = "inapplicable"'
    error = config_error(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/*.toml"]', f"{DIR}/o/0001.toml": doc})
    assert error.file == f"{DIR}/o/0001.toml" and "declares no overlays" in error.message


def test_overlay_file_without_metadata_is_rejected(tmp_path):
    doc = '[[overlays]]\ntype = "spec-remove-subpackage"\npackage = "a"'
    error = config_error(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/*.toml"]', f"{DIR}/o/0001.toml": doc})
    assert error.file == f"{DIR}/o/0001.toml" and "missing required key 'metadata'" in error.message


def test_missing_literal_overlay_file_is_an_error(tmp_path):
    error = config_error(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/0001.toml"]'})
    assert error.file == CURL and "overlay file 'o/0001.toml' does not exist" in error.message


def test_overlay_files_pattern_escaping_the_repository_is_rejected(tmp_path):
    error = config_error(tmp_path, {CURL: '[components.curl]\noverlay-files = ["../../../../*.toml"]'})
    assert error.file == CURL and "escapes the repository root" in error.message


# --- overlay sources ---------------------------------------------------------


def test_inline_overlay_source_is_relative_to_the_component_file(tmp_path):
    curl = resolve_one(
        tmp_path, {CURL: '[[components.curl.overlays]]\ntype = "patch-add"\nsource = "patches/fix.patch"'}
    )
    assert curl.overlays[0].source_path == f"{DIR}/patches/fix.patch"
    assert f"{DIR}/patches/fix.patch" in curl.files


def test_group_overlay_source_is_relative_to_the_group_file(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: "[components.curl]",
            **group("g", ["curl"], '[[component-groups.g.default-component-config.overlays]]\ntype = "patch-add"\nsource = "p/x.patch"'),
        },
    )
    assert curl.overlays[0].source_path == "base/comps/groups/p/x.patch"
    assert curl.overlays[0].defined_in == "base/comps/groups/g.comp.toml"


def test_overlay_file_source_is_relative_to_the_overlay_file(tmp_path):
    doc = '[metadata]\ncategory = "azl-pruning"\nupstream-status = "inapplicable"\n[[overlays]]\ntype = "file-add"\nfile = "a.conf"\nsource = "files/a.conf"'
    curl = resolve_one(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/*.toml"]', f"{DIR}/o/0001.toml": doc})
    assert curl.overlays[0].source_path == f"{DIR}/o/files/a.conf"


def test_overlay_source_escaping_the_repository_is_rejected(tmp_path):
    error = config_error(
        tmp_path, {CURL: '[[components.curl.overlays]]\ntype = "patch-add"\nsource = "../../../../../etc/passwd"'}
    )
    assert error.file == CURL and error.key == "source" and "escapes the repository root" in error.message


def test_distro_default_overlay_source_is_relative_to_the_distro_file(tmp_path):
    distro = (
        "[distros.azurelinux]\ndefault-version = \"4.0\"\n"
        "[distros.azurelinux.versions.'4.0']\nrelease-ver = \"4.0\"\n"
        "[distros.azurelinux.versions.'4.0'.default-component-config]\n"
        'spec = { type = "upstream", upstream-distro = { name = "fedora", version = "43" } }\n'
        "[[distros.azurelinux.versions.'4.0'.default-component-config.overlays]]\n"
        'type = "patch-add"\nsource = "patches/all.patch"\n'
    )
    curl = resolve_one(tmp_path, {CURL: "[components.curl]", "distro/azurelinux.distro.toml": distro})
    assert curl.overlays[0].source_path == "distro/patches/all.patch"


# --- validate_overlay --------------------------------------------------------


def make(kind: str, **fields) -> Overlay:
    return Overlay(0, kind, {"type": kind, **fields}, None, CURL, "component")


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("spec-add-tag", {"value": "x"}, "requires the 'tag' field"),
        ("spec-set-tag", {"tag": "Version"}, "requires the 'value' field"),
        ("spec-update-tag", {"tag": "Version", "value": ""}, "requires the 'value' field"),
        ("spec-insert-tag", {"tag": "Source9"}, "requires the 'value' field"),
        ("spec-remove-tag", {}, "requires the 'tag' field"),
        ("spec-append-lines", {}, "requires the 'lines' field"),
        ("spec-prepend-lines", {"lines": []}, "requires the 'lines' field"),
        ("spec-search-replace", {"replacement": "x"}, "requires the 'regex' field"),
        ("spec-remove-section", {}, "requires the 'section' field"),
        ("spec-remove-subpackage", {}, "requires the 'package' field"),
        ("patch-add", {"file": "x.patch"}, "requires the 'source' field"),
        ("patch-remove", {}, "requires the 'file' field"),
        ("file-prepend-lines", {"lines": ["x"]}, "requires the 'file' field"),
        ("file-prepend-lines", {"file": "Makefile"}, "requires the 'lines' field"),
        ("file-search-replace", {"file": "configure.ac"}, "requires the 'regex' field"),
        ("file-add", {"file": "a.conf"}, "requires the 'source' field"),
        ("file-remove", {}, "requires the 'file' field"),
        ("file-rename", {"file": "a.conf"}, "requires the 'replacement' field"),
    ],
)
def test_overlay_missing_a_required_field_is_rejected(kind, fields, message):
    assert message in validate_overlay(make(kind, **fields))


def test_spec_remove_subpackage_does_not_accept_a_section():
    assert validate_overlay(make("spec-remove-subpackage", package="devel", section="%files")) == (
        "overlay type 'spec-remove-subpackage' does not accept 'section'"
    )


@pytest.mark.parametrize("kind", ["spec-prepend-lines", "spec-append-lines", "spec-search-replace"])
def test_whole_file_overlay_with_package_but_no_section_is_rejected(kind):
    assert validate_overlay(make(kind, lines=["x"], regex="x", package="devel")) == (
        f"overlay type {kind!r} requires 'section' when 'package' is set"
    )


def test_tag_overlay_may_target_a_package_without_a_section():
    assert validate_overlay(make("spec-set-tag", package="libs", tag="Summary", value="s")) is None


@pytest.mark.parametrize("kind", ["spec-append-lines", "file-add", "file-rename"])
def test_archive_on_a_non_archive_overlay_type_is_rejected(kind):
    problem = validate_overlay(make(kind, archive="pkg-1.0.tar.gz", file="x", lines=["x"], source="s", replacement="y"))
    assert problem == f"overlay type {kind!r} cannot target an archive"


@pytest.mark.parametrize("archive", ["sub/pkg-1.0.tar.gz", "notes.txt", "..", "pkg.zip", "pkg.crate", "pkg.tar.bz2"])
def test_archive_must_be_a_source_archive_file_name(archive):
    assert "'archive' must be a source archive file name" in validate_overlay(make("file-remove", archive=archive, file="vendor/**"))


@pytest.mark.parametrize("archive", ["pkg-1.0.tar.gz", "pkg-1.0.tar.xz", "pkg.tgz", "pkg.txz", "pkg.tar.zst", "pkg.tar"])
def test_archive_overlay_on_an_archive_name_is_accepted(archive):
    assert validate_overlay(make("file-remove", archive=archive, file="vendor/**")) is None


@pytest.mark.parametrize("value", ["/etc/passwd", "..", "../x.conf", "a/../../x.conf"])
def test_file_outside_the_component_is_rejected(value):
    assert "must be a relative path inside the component" in validate_overlay(make("file-remove", file=value))


@pytest.mark.parametrize("kind", ["spec-search-replace", "file-search-replace"])
def test_invalid_regex_is_rejected(kind):
    assert validate_overlay(make(kind, file="x", regex="(unclosed")).startswith("invalid regex '(unclosed'")


def test_regex_valid_in_go_re2_is_accepted():
    assert validate_overlay(make("spec-search-replace", regex=r"\pL+")) is None


def test_regex_features_go_re2_lacks_are_rejected():
    assert "RE2 has no lookaround" in validate_overlay(make("spec-search-replace", regex=r"a(?=b)"))


def test_file_rename_replacement_must_be_a_file_name():
    assert validate_overlay(make("file-rename", file="a.conf", replacement="sub/b.conf")) == (
        "'replacement' of file-rename must be a file name, found 'sub/b.conf'"
    )


def test_invalid_overlay_error_names_the_file_position_and_description(tmp_path):
    error = config_error(
        tmp_path,
        {CURL: '[[components.curl.overlays]]\ntype = "spec-add-tag"\ntag = "Requires"\nvalue = "a"\n'
               '[[components.curl.overlays]]\ntype = "spec-add-tag"\ndescription = "add dep"\ntag = "Requires"'},
    )
    assert error.file == CURL
    assert "requires the 'value' field — overlay 2 of curl: add dep" in error.message


# --- other load-time rules ---------------------------------------------------


def test_check_skip_without_a_reason_is_rejected(tmp_path):
    error = config_error(tmp_path, {CURL: "[components.curl.build]\ncheck = { skip = true }"})
    assert error.key == "components.curl.build.check.skip_reason" and "needs a skip_reason" in error.message


def test_expected_failure_without_a_reason_is_rejected(tmp_path):
    error = config_error(tmp_path, {CURL: "[components.curl.build]\nfailure = { expected = true }"})
    assert error.key == "components.curl.build.failure" and "expected-reason" in error.message


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('filename = "a.tar.gz"\nreplace-upstream = true', "'replace-upstream' needs a 'replace-reason'"),
        ('filename = "a.tar.gz"\nhash = "abc"', "'hash' needs a 'hash-type'"),
        ('filename = "sub/a.tar.gz"', "'filename' must be a file name, found 'sub/a.tar.gz'"),
        ('filename = "a.tar.gz"\norigin = { type = "download" }', "a download origin needs a 'uri'"),
    ],
    ids=["replace-without-reason", "hash-without-type", "filename-with-slash", "download-without-uri"],
)
def test_invalid_source_file_is_rejected(tmp_path, entry, message):
    error = config_error(tmp_path, {CURL: f"[[components.curl.source-files]]\n{entry}"})
    assert error.key == "components.curl.source-files[0]" and message in error.message


def test_local_spec_without_path_is_rejected(tmp_path):
    error = config_error(tmp_path, {CURL: '[components.curl]\nspec = { type = "local" }'})
    assert error.key == "components.curl.spec.path" and "a local spec needs a 'path'" in error.message


def test_local_spec_path_is_resolved_relative_to_the_component_file(tmp_path):
    curl = resolve_one(tmp_path, {CURL: '[components.curl]\nspec = { type = "local", path = "curl.spec" }'})
    assert curl.config["spec"]["path"] == f"{DIR}/curl.spec"
    assert curl.files[-1] == f"{DIR}/curl.spec"


def test_spec_discovered_component_resolves_from_its_spec_directory(tmp_path):
    foo = resolve_one(
        tmp_path,
        {
            "base/comps/local.comp.toml": '[component-groups.local]\nspecs = ["SPECS/**/*.spec"]\n'
            '[component-groups.local.default-component-config]\noverlay-files = ["overlays/*.toml"]',
            "base/comps/SPECS/foo/foo.spec": "Name: foo\n",
            "base/comps/SPECS/foo/overlays/0001.toml": overlay_doc("a"),
        },
        name="foo",
    )
    assert (foo.config["spec"]["type"], foo.config["spec"]["path"]) == ("local", "base/comps/SPECS/foo/foo.spec")
    assert foo.overlay_files == ["base/comps/SPECS/foo/overlays/0001.toml"]
    assert foo.groups == ["local"]


def test_a_per_component_snapshot_which_earlier_azldev_took_is_honoured_as_written(tmp_path):
    curl = resolve_one(
        tmp_path,
        {CURL: '[components.curl]\nspec = { type = "upstream", upstream-distro = { name = "fedora", snapshot = "2026-01-01T00:00:00Z" } }'},
    )
    assert curl.config["spec"]["upstream-distro"]["snapshot"] == "2026-01-01T00:00:00Z"
    assert curl.provenance["spec.upstream-distro.snapshot"] == "component"


def test_snapshot_on_a_group_default_is_allowed(tmp_path):
    curl = resolve_one(
        tmp_path,
        {
            CURL: "[components.curl]",
            **group("g", ["curl"], 'spec = { type = "upstream", upstream-distro = { name = "fedora", snapshot = "2026-01-01T00:00:00Z" } }'),
        },
    )
    assert curl.config["spec"]["upstream-distro"]["snapshot"] == "2026-01-01T00:00:00Z"
    assert curl.provenance["spec.upstream-distro.snapshot"] == "group:g"


def test_upstream_backport_without_commits_is_rejected(tmp_path):
    error = config_error(
        tmp_path,
        {CURL: '[[components.curl.overlays]]\ntype = "spec-remove-subpackage"\npackage = "a"\n'
               'metadata = { category = "upstream-backport", upstream-status = "upstreamed" }'},
    )
    assert error.key == "components.curl.overlays[0].metadata.commits"


def test_upstream_backport_with_unknown_status_is_rejected(tmp_path):
    error = config_error(
        tmp_path,
        {CURL: '[[components.curl.overlays]]\ntype = "spec-remove-subpackage"\npackage = "a"\n'
               'metadata = { category = "upstream-backport", upstream-status = "unknown", commits = [{ url = "https://x/c/1" }] }'},
    )
    assert error.key == "components.curl.overlays[0].metadata.upstream-status"


def test_upstream_backport_overlay_file_without_commits_is_rejected(tmp_path):
    doc = overlay_doc("a").replace("azl-pruning", "upstream-backport").replace("inapplicable", "upstreamable")
    error = config_error(tmp_path, {CURL: '[components.curl]\noverlay-files = ["o/*.toml"]', f"{DIR}/o/0001.toml": doc})
    assert error.file == f"{DIR}/o/0001.toml" and error.key == "metadata.commits"


def test_upstream_backport_with_commits_and_upstreamed_status_is_accepted(tmp_path):
    curl = resolve_one(
        tmp_path,
        {CURL: '[[components.curl.overlays]]\ntype = "spec-remove-subpackage"\npackage = "a"\n'
               'metadata = { category = "upstream-backport", upstream-status = "upstreamed", commits = [{ url = "https://x/c/1" }] }'},
    )
    assert curl.overlays[0].metadata["category"] == "upstream-backport"


def test_group_metadata_upstream_backport_with_unknown_status_is_rejected(tmp_path):
    body = '[component-groups.g]\ncomponents = ["curl"]\n[component-groups.g.metadata]\ncategory = "upstream-backport"\nupstream-status = "unknown"\n'
    config_error(tmp_path, {CURL: "[components.curl]", "base/comps/g.comp.toml": body})
