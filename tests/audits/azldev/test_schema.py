"""The declared azldev config format: validation messages and agreement with the reference schema."""

from __future__ import annotations

import json
import os
import textwrap
import tomllib
from pathlib import Path

import pytest

from audits.azldev import schema
from audits.azldev.schema import CONFIG_FILE, OVERLAY_FILE, Array, MapOf, Scalar, Table, validate


def errors(text: str, spec=CONFIG_FILE) -> list[str]:
    return [str(e) for e in validate(tomllib.loads(textwrap.dedent(text)), spec)]


def test_a_valid_component_has_no_errors():
    assert errors(
        """
        [components.curl]
        spec = { type = "upstream", upstream-distro = { name = "fedora", version = "43" } }
        [components.curl.build]
        with = ["x"]
        defines = { rhel = "11" }
        check = { skip = true, skip_reason = "network" }
        [[components.curl.overlays]]
        type = "spec-add-tag"
        tag = "BuildRequires"
        value = "x-devel"
        metadata = { category = "azl-pruning", upstream-status = "inapplicable" }
        """
    ) == []


def test_unknown_key_is_named_with_its_dotted_path():
    assert errors(
        """
        [[components.curl.overlays]]
        tyep = "spec-add-tag"
        type = "spec-add-tag"
        """
    ) == [
        "components.curl.overlays[0].tyep: unknown key 'tyep' (allowed here: archive, description, file, lines, "
        "metadata, package, regex, replacement, section, source, tag, type, value)"
    ]


def test_dotted_map_key_is_quoted_in_the_path():
    assert errors(
        """
        [distros.azurelinux.versions.'4.0']
        release-ver = "4.0"
        mock-cfg = "x"
        """
    )[0].startswith('distros.azurelinux.versions."4.0".mock-cfg: unknown key')


def test_string_where_an_array_is_expected_is_an_error():
    assert errors('includes = "a.toml"') == ["includes: expected an array, found the string 'a.toml'"]


def test_array_where_a_string_is_expected_is_an_error():
    assert errors('[components.a.spec]\ntype = ["upstream"]') == [
        "components.a.spec.type: expected one of 'local', 'upstream', '', found an array"
    ]


def test_boolean_is_not_accepted_as_a_string():
    assert errors("[components.a.spec]\ntype = \"local\"\npath = true") == [
        "components.a.spec.path: expected a string, found a boolean"
    ]


def test_string_is_not_accepted_as_a_boolean():
    assert errors('[components.a.build.check]\nskip = "yes"') == [
        "components.a.build.check.skip: expected true or false, found the string 'yes'"
    ]


def test_integer_is_not_accepted_as_a_string():
    assert errors("[distros.f.versions.43]\nrelease-ver = 43") == [
        'distros.f.versions.43.release-ver: expected a string, found int 43'
    ]


def test_boolean_is_not_accepted_where_an_int_kind_is_declared():
    assert [str(e) for e in validate(True, Scalar(int, "an integer"))] == ["(top level): expected an integer, found a boolean"]


def test_integer_is_not_accepted_as_a_boolean():
    assert errors("[components.a.render]\nskip-file-filter = 1") == [
        "components.a.render.skip-file-filter: expected true or false, found int 1"
    ]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('[[components.a.overlays]]\ntype = "spec-add-tags"', "components.a.overlays[0].type"),
        (
            '[[components.a.overlays]]\ntype = "file-add"\nmetadata = { category = "pruning", upstream-status = "unknown" }',
            "components.a.overlays[0].metadata.category",
        ),
        (
            '[[components.a.overlays]]\ntype = "file-add"\nmetadata = { category = "azl-pruning", upstream-status = "upstream" }',
            "components.a.overlays[0].metadata.upstream-status",
        ),
        ('[components.a.release]\ncalculation = "automatic"', "components.a.release.calculation"),
        ('[[components.a.source-files]]\nfilename = "x"\nhash-type = "MD5"', "components.a.source-files[0].hash-type"),
        ('[[components.a.source-files]]\nfilename = "x"\norigin = { type = "http" }', "components.a.source-files[0].origin.type"),
        ('[components.a.spec]\ntype = "remote"', "components.a.spec.type"),
    ],
    ids=["overlay-type", "metadata-category", "upstream-status", "release-calculation", "hash-type", "origin-type", "spec-type"],
)
def test_enum_violation_is_reported_at_its_path(text, path):
    found = errors(text)
    assert len(found) == 1 and found[0].startswith(f"{path}: ") and "is not one of" in found[0]


@pytest.mark.parametrize("commit", ["a1b2c3d", "a1b2c3d4e5f6789", "A" * 40])
def test_upstream_commit_of_7_to_40_hex_characters_is_accepted(commit):
    assert errors(f'[components.a.spec]\ntype = "upstream"\nupstream-commit = "{commit}"') == []


@pytest.mark.parametrize(
    ("commit", "message"),
    [("a1b2c3", "shorter than 7"), ("a" * 41, "longer than 40"), ("a1b2c3g", "is not a 7-40 character hex commit id")],
)
def test_upstream_commit_outside_the_hex_pattern_or_length_is_rejected(commit, message):
    found = errors(f'[components.a.spec]\ntype = "upstream"\nupstream-commit = "{commit}"')
    assert len(found) == 1 and found[0].startswith("components.a.spec.upstream-commit: ") and message in found[0]


def test_overlay_without_type_is_missing_a_required_key():
    assert errors('[[components.a.overlays]]\ntag = "x"') == ["components.a.overlays[0]: missing required key 'type'"]


def test_metadata_without_category_is_missing_a_required_key():
    assert errors('[[components.a.overlays]]\ntype = "file-add"\nmetadata = { upstream-status = "unknown" }') == [
        "components.a.overlays[0].metadata: missing required key 'category'"
    ]


def test_distro_version_without_release_ver_is_not_an_error_in_a_single_file():
    assert errors('[distros.fedora.versions.43]\ndist-git-branch = "f43"') == []


def test_distro_reference_snapshot_accepts_a_toml_datetime():
    assert errors('[project]\ndefault-distro = { name = "a", snapshot = 2026-02-24T00:00:00-08:00 }') == []


def test_distro_reference_snapshot_rejects_a_non_date_string():
    found = errors('[project]\ndefault-distro = { name = "a", snapshot = "last tuesday" }')
    assert found == ["project.default-distro.snapshot: 'last tuesday' is not an RFC 3339 date-time"]


def test_distro_reference_snapshot_rejects_a_date_without_a_time():
    assert errors('[project]\ndefault-distro = { name = "a", snapshot = "2026-02-24" }') != []


def test_url_reference_must_be_http():
    found = errors(
        '[[components.a.overlays]]\ntype = "file-add"\n'
        'metadata = { category = "azl-pruning", upstream-status = "unknown", bugs = [{ url = "ftp://x" }] }'
    )
    assert found == ["components.a.overlays[0].metadata.bugs[0].url: 'ftp://x' is not an http(s) URL"]


def test_overlay_file_document_requires_metadata_and_overlays():
    assert errors("", OVERLAY_FILE) == [
        "(top level): missing required key 'metadata'",
        "(top level): missing required key 'overlays'",
    ]


# --- agreement with the reference JSON schema --------------------------------


def _reference_schema_path() -> Path:
    return (Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "azldev" / "azldev.schema.json").resolve()


@pytest.fixture(scope="module")
def reference_defs() -> dict:
    path = _reference_schema_path()
    if not path.is_file():
        if os.environ.get("PEDIGREE_REQUIRE_CORPUS") == "1":
            pytest.fail(f"reference schema not found at {path} and PEDIGREE_REQUIRE_CORPUS=1")
        pytest.skip(f"reference schema not found at {path} (provide ../shared/reference/azldev)")
    return json.loads(path.read_text(encoding="utf-8"))["$defs"]


def _declared_tables() -> dict[str, Table]:
    found: dict[str, Table] = {}

    def walk(node) -> None:
        if isinstance(node, Table):
            if node.name in found:
                assert found[node.name] == node, f"two different tables are both named {node.name}"
                return
            found[node.name] = node
            for child in node.fields.values():
                walk(child)
        elif isinstance(node, (Array,)):
            walk(node.item)
        elif isinstance(node, MapOf):
            walk(node.value)

    walk(CONFIG_FILE)
    return found


def _enum_of(prop: dict) -> list | None:
    if "enum" in prop:
        return prop["enum"]
    if "enum" in prop.get("items", {}):
        return prop["items"]["enum"]
    return None


def _declared_enum(node) -> list | None:
    if isinstance(node, Array):
        node = node.item
    return list(node.enum) if isinstance(node, Scalar) and node.enum else None


@pytest.mark.corpus
def test_every_reference_definition_is_declared_under_the_same_name(reference_defs):
    assert sorted(reference_defs) == sorted(_declared_tables())


@pytest.mark.corpus
def test_declared_tables_have_the_reference_property_names(reference_defs):
    declared = _declared_tables()
    mismatches = {
        name: (sorted(declared[name].fields), sorted(body.get("properties", {})))
        for name, body in reference_defs.items()
        if name in declared and sorted(declared[name].fields) != sorted(body.get("properties", {}))
    }
    assert mismatches == {}


@pytest.mark.corpus
def test_declared_tables_have_the_reference_required_lists(reference_defs):
    declared = _declared_tables()
    mismatches = {
        name: (list(declared[name].required), body.get("required", []))
        for name, body in reference_defs.items()
        if name in declared and sorted(declared[name].required) != sorted(body.get("required", []))
    }
    assert mismatches == {}


@pytest.mark.corpus
def test_only_distro_version_required_keys_are_deferred_to_the_merged_result(reference_defs):
    assert schema.MERGED_ACROSS_FILES == {"DistroVersionDefinition"}
    assert list(_declared_tables()["DistroVersionDefinition"].required) == reference_defs["DistroVersionDefinition"]["required"]


@pytest.mark.corpus
def test_declared_enums_equal_the_reference_enums(reference_defs):
    declared = _declared_tables()
    mismatches = {}
    for name, body in reference_defs.items():
        for key, prop in body.get("properties", {}).items():
            ours = _declared_enum(declared[name].fields.get(key)) if name in declared else None
            if ours != _enum_of(prop):
                mismatches[f"{name}.{key}"] = (ours, _enum_of(prop))
    assert mismatches == {}
