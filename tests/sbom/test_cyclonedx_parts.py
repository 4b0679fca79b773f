"""The release CycloneDX JSON assembled from per-component parts is byte-identical to a full generation
(pure: synthetic facts, the cache a dict; tests/sbom/test_sbom_parts.py has the stored parts)."""

from dataclasses import replace

import pytest

from sbom.services import cyclonedx, cyclonedx_json, cyclonedx_parts
from sbom.services.facts import BinaryFacts, CommitFacts, OverlayFacts
from tests.sbom.builders import COMMIT, WHEN, component, release
from vex.cves import Statement

NEXT_COMMIT = CommitFacts("c" * 40, "Bo Packager", "bo@example.org", WHEN, "Bo Packager", "bo@example.org", WHEN,
                          "Update zlib")
OVERLAY = OverlayFacts(0, "spec-set-tag", "Bump for CVE-2026-1234", "Release", "security", bugs=("https://bugs.example/1",))


def distribution(**fields):
    """Four components whose binary packages require each other (a dependency graph across parts), one
    unresolved requirement, one overlay with a CVE statement."""
    return release(
        component(name="curl", binaries=(BinaryFacts("curl", requires=("libcurl >= 8", "nothing-provides-this")),
                                         BinaryFacts("libcurl", requires=("zlib",)))),
        component(name="zlib", version="1.3", overlays=(OVERLAY,), binaries=(BinaryFacts("zlib"),)),
        component(name="bash", version="5.3", binaries=(BinaryFacts("bash", requires=("/bin/sh",), provides=("/bin/sh",)),)),
        component(name="mypkg", spec_type="local", upstream_distro="", version="1.0",
                  binaries=(BinaryFacts("mypkg", requires=("bash", "curl")),)),
        vulnerabilities=(Statement("CVE-2026-1234", "zlib", "resolved_with_pedigree", "", "fixed by an overlay",
                                   (0,), ()),),
        **fields,
    )


def full(facts, fmt: str = "json") -> bytes:
    to_bytes = cyclonedx.to_xml if fmt == "xml" else cyclonedx.to_json
    return to_bytes(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts))


def from_parts(facts, cache: dict[str, str], version: str | None = None, fmt: str = "json") -> cyclonedx_parts.Assembled:
    assembled = cyclonedx_parts.assemble(cyclonedx_parts.plan(facts, version), cache, fmt=fmt)
    cache.update(assembled.fresh)
    return assembled


def test_a_generation_from_an_empty_cache_is_byte_identical_and_builds_every_part():
    facts, cache = distribution(), {}
    assembled = from_parts(facts, cache)
    assert (assembled.content, assembled.built, assembled.reused, len(cache)) == (full(facts), 4, 0, 4)


def test_the_next_commit_reuses_every_unchanged_part_and_names_its_own_commit():
    cache = {}
    from_parts(distribution(), cache)
    newer = distribution(commit=NEXT_COMMIT)
    assembled = from_parts(newer, cache)
    assert (assembled.content, assembled.reused, assembled.built) == (full(newer), 4, 0)
    assert assembled.content.count(b"configuration at commit " + b"c" * 40) == 4
    assert b"configuration at commit " + COMMIT.sha.encode() not in assembled.content


def change_overlay(facts):
    zlib = next(c for c in facts.components if c.name == "zlib")
    return _swap(facts, replace(zlib, overlays=(replace(OVERLAY, description="Bump for CVE-2026-9999"),)))


def change_version(facts):
    bash = next(c for c in facts.components if c.name == "bash")
    return _swap(facts, replace(bash, version="5.3.1"))


def remove_component(facts):
    return replace(facts, components=tuple(c for c in facts.components if c.name != "mypkg"))


def add_component(facts):
    return replace(facts, components=facts.components + (component(name="aaa-new", binaries=(BinaryFacts("aaa"),)),))


def _swap(facts, changed):
    return replace(facts, components=tuple(changed if c.name == changed.name else c for c in facts.components))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("change, built, reused", [
    (change_overlay, 1, 3), (change_version, 1, 3), (remove_component, 0, 3), (add_component, 1, 4),
])
def test_a_release_that_differs_in_one_component_rebuilds_only_that_part(change, built, reused, fmt):
    cache = {}
    from_parts(distribution(), cache, fmt=fmt)
    newer = change(distribution(commit=NEXT_COMMIT))
    assembled = from_parts(newer, cache, fmt=fmt)
    assert (assembled.content, assembled.built, assembled.reused) == (full(newer, fmt), built, reused)


def test_the_xml_and_json_parts_of_a_component_have_their_own_keys():
    plan = cyclonedx_parts.plan(distribution())
    assert set(plan.keys["json"]).isdisjoint(plan.keys["xml"])


@pytest.mark.parametrize("name, fmt", [("component holding the placeholder", "xml"), ("no components", "xml"),
                                        ("no https source", "xml")])
def test_the_xml_document_from_parts_is_byte_identical_in_the_edge_cases(name, fmt):
    facts = {
        "component holding the placeholder": _swap(distribution(), component(
            name="curl", summary=f"mentions {cyclonedx_parts.PLACEHOLDER}")),
        "no components": replace(distribution(), components=(), vulnerabilities=()),
        "no https source": distribution(source_url="file:///srv/azurelinux.git"),
    }[name]
    cache = {}
    from_parts(facts, cache, fmt=fmt)
    assert from_parts(replace(facts, commit=NEXT_COMMIT), cache, fmt=fmt).content == full(replace(facts, commit=NEXT_COMMIT), fmt)


def test_a_component_whose_requirement_now_resolves_gets_a_new_part():
    cache = {}
    from_parts(distribution(), cache)
    newer = add_component(distribution())
    provider = replace(newer.components[-1], binaries=(BinaryFacts("aaa", provides=("nothing-provides-this",)),))
    newer = _swap(newer, provider)
    assembled = from_parts(newer, cache)
    assert (assembled.content, assembled.built) == (full(newer), 2)  # curl's unresolved Requires changed


def test_a_changed_generator_version_invalidates_every_part():
    facts, cache = distribution(), {}
    from_parts(facts, cache, version="parts1/an-older-generator")
    assembled = from_parts(facts, cache)
    assert (assembled.content, assembled.reused, assembled.built) == (full(facts), 0, 4)


def test_the_generator_version_names_the_libraries_and_the_builder_code():
    version = cyclonedx_parts.generator_version()
    assert "cyclonedx-python-lib=" in version and "py-serializable=" in version and "/src=" in version


def test_the_part_key_digests_the_release_values_a_part_holds():
    facts = distribution()
    plan = cyclonedx_parts.plan(facts)
    moved = cyclonedx_parts.plan(replace(facts, source_url="https://example.org/fork"))
    assert set(plan.keys["json"]).isdisjoint(moved.keys["json"])
    assert cyclonedx_parts.plan(replace(facts, commit=NEXT_COMMIT)).keys == plan.keys


def test_a_corrupt_cached_part_is_what_the_document_holds_so_the_caller_must_drop_it():
    """The pure assembler trusts its cache (sbom.services.parts checks each row's digest)."""
    facts, cache = distribution(), {}
    from_parts(facts, cache)
    key = cyclonedx_parts.plan(facts).keys["json"][0]
    assembled = cyclonedx_parts.assemble(cyclonedx_parts.plan(facts), {**cache, key: '{"name": "forged"}'})
    assert b'{"name": "forged"}' in assembled.content and assembled.content != full(facts)


def test_a_component_holding_the_placeholder_is_built_for_the_release_and_not_cached():
    facts = _swap(distribution(), component(name="curl", summary=f"mentions {cyclonedx_parts.PLACEHOLDER}"))
    cache = {}
    assembled = from_parts(facts, cache)
    assert (assembled.content, assembled.built, len(cache)) == (full(facts), 4, 3)


def test_a_release_without_an_https_source_has_parts_without_the_commit():
    facts, cache = distribution(source_url="file:///srv/azurelinux.git"), {}
    from_parts(facts, cache)
    newer = replace(facts, commit=NEXT_COMMIT)
    assembled = from_parts(newer, cache)
    assert (assembled.content, assembled.reused) == (full(newer), 4)
    assert not any(cyclonedx_parts.PLACEHOLDER in body for body in cache.values())


def test_a_release_without_components_is_byte_identical():
    facts = replace(distribution(), components=(), vulnerabilities=())
    assert from_parts(facts, {}).content == full(facts)


def test_a_repeated_bom_ref_is_left_to_the_full_generation():
    facts = release(component(name="curl", binaries=(BinaryFacts("curl"), BinaryFacts("curl"))))
    with pytest.raises(cyclonedx_json.Unsupported):
        from_parts(facts, {})
