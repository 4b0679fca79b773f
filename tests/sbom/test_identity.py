"""What identity the documents publish (pure: facts built here): the stored expanded EVR when the identity
is complete, nothing but the reasons when it is not; binary packages with their own EVR when they have one;
the dependency tree of both formats."""

import json

from sbom.services import cyclonedx, spdx
from sbom.services.facts import BinaryFacts, OverlayFacts, Unresolved
from sbom.services.identity import binary_evr_of, evr_of, unresolved_text, upstream_version_of
from sbom.services.sanitise import sanitise_release
from tests.sbom.builders import component, release

UNRESOLVED = (Unresolved("release", "%{azl_pkgrelease} is not defined"),)


def cyclonedx_json(facts) -> dict:
    return json.loads(cyclonedx.to_json(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts)))


def spdx_json(facts, component_name=None) -> dict:
    return json.loads(spdx.to_json(spdx.build_document(facts, component=component_name)))


def test_a_complete_identity_is_published_exactly_as_stored():
    assert evr_of(component(epoch="1", version="2.10", release="5.azl4")).evr == "1:2.10-5.azl4"


def test_an_incomplete_identity_has_no_evr_even_with_values():
    assert evr_of(component(identity_complete=False, identity_unresolved=UNRESOLVED)) is None


def test_a_binary_package_with_its_own_version_is_published_with_it():
    binary = BinaryFacts("kernel-tools", version="1.0", release="2.azl4")
    assert binary_evr_of(component(), binary).evr == "1.0-2.azl4"


def test_a_binary_package_without_its_own_version_takes_its_sources():
    assert binary_evr_of(component(), BinaryFacts("curl")).evr == "8.15.0-3.azl4"


def test_the_unresolved_text_names_each_field_and_reason():
    assert unresolved_text(component(identity_complete=False, identity_unresolved=UNRESOLVED)) == (
        "release: %{azl_pkgrelease} is not defined")


def test_a_component_ingested_before_expansion_says_so():
    assert "not been expanded" in unresolved_text(component(identity_complete=False))


def test_the_upstream_version_is_not_published_when_an_overlay_changed_it():
    assert upstream_version_of(component(overlays=(OverlayFacts(0, "spec-set-tag", tag="Version"),))) is None


def test_cyclonedx_publishes_an_unresolved_identity_without_version_and_with_the_reason():
    facts = sanitise_release(release(component(identity_complete=False, identity_unresolved=UNRESOLVED,
                                               release="%{azl_pkgrelease}")))
    (source,) = cyclonedx_json(facts)["components"]
    assert ("version" not in source, source["purl"]) == (True, "pkg:rpm/azurelinux/curl?arch=src&distro=azurelinux-4.0")
    assert {"name": "pedigree:unresolved", "value": "release: %{azl_pkgrelease} is not defined"} in source["properties"]


GO_NOTE = "Named and packaged with Pedigree's model of go-rpm-macros 3.8.0 (its macro files are not in the repository)."


def test_both_formats_say_when_the_identity_came_from_pedigrees_go_rpm_macros_model():
    facts = sanitise_release(release(component(identity_notes=(GO_NOTE,))))
    (source,) = cyclonedx_json(facts)["components"]
    assert {"name": "pedigree:identity-note", "value": GO_NOTE} in source["properties"]
    (package,) = [p for p in spdx_json(facts)["packages"] if p["SPDXID"].startswith("SPDXRef-Source-")]
    assert GO_NOTE in package["comment"]
    (plain,) = cyclonedx_json(sanitise_release(release(component())))["components"]
    assert not [p for p in plain["properties"] if p["name"] == "pedigree:identity-note"]


def test_spdx_publishes_an_unresolved_identity_as_noassertion_without_a_purl_version():
    facts = release(component(identity_complete=False, identity_unresolved=UNRESOLVED))
    (source,) = [p for p in spdx_json(facts)["packages"] if p["SPDXID"].startswith("SPDXRef-Source-")]
    assert (source["versionInfo"], source["externalRefs"][0]["referenceLocator"]) == (
        "NOASSERTION", "pkg:rpm/azurelinux/curl?arch=src&distro=azurelinux-4.0")


# ----------------------------------------------------------------------------- the dependency tree

TWO = release(
    component(binaries=(BinaryFacts("curl", requires=("libcurl = 8.15.0", "glibc", "(a or b)")),
                        BinaryFacts("libcurl", requires=("/usr/bin/sh",)))),
    component(name="bash", binaries=(BinaryFacts("bash", provides=("/usr/bin/sh",)),)),
)


def relationships(document) -> set[tuple[str, str, str]]:
    return {(r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in document["relationships"]}


def test_spdx_binary_packages_are_contained_in_the_release_and_generated_from_their_source():
    rels = relationships(spdx_json(TWO))
    assert {("SPDXRef-Release-azurelinux", "CONTAINS", "SPDXRef-Binary-curl-libcurl"),
            ("SPDXRef-Binary-curl-libcurl", "GENERATED_FROM", "SPDXRef-Source-curl")} <= rels


def test_spdx_upstream_package_is_an_ancestor_and_a_prerequisite_of_its_source():
    rels = relationships(spdx_json(TWO))
    assert {("SPDXRef-Source-curl", "DESCENDANT_OF", "SPDXRef-Upstream-curl"),
            ("SPDXRef-Source-curl", "HAS_PREREQUISITE", "SPDXRef-Upstream-curl")} <= rels


def test_spdx_resolved_requires_are_depends_on_and_every_list_is_open():
    rels = relationships(spdx_json(TWO))
    assert {("SPDXRef-Binary-curl-curl", "DEPENDS_ON", "SPDXRef-Binary-curl-libcurl"),
            ("SPDXRef-Binary-curl-libcurl", "DEPENDS_ON", "SPDXRef-Binary-bash-bash"),
            ("SPDXRef-Binary-curl-curl", "DEPENDS_ON", "NOASSERTION")} <= rels


def test_spdx_names_the_unresolved_requires_in_the_noassertion_comment():
    (comment,) = [r["comment"] for r in spdx_json(TWO)["relationships"]
                  if r["spdxElementId"] == "SPDXRef-Binary-curl-curl" and r["relatedSpdxElement"] == "NOASSERTION"]
    assert "Unresolved: glibc (no binary package" in comment and "(a or b) (a rich" in comment


def test_a_component_document_names_dependencies_outside_it_without_relating_to_them():
    document = spdx_json(TWO, "curl")
    (comment,) = [r["comment"] for r in document["relationships"]
                  if r["spdxElementId"] == "SPDXRef-Binary-curl-libcurl" and r["relatedSpdxElement"] == "NOASSERTION"]
    assert "Resolved outside this document: bash (of bash, in the release document)" in comment
    assert all(r["relatedSpdxElement"] in {p["SPDXID"] for p in document["packages"]} | {"NOASSERTION"}
               for r in document["relationships"] if r["spdxElementId"] != "SPDXRef-DOCUMENT")


def test_a_spec_licence_that_is_not_an_spdx_expression_is_concluded_as_a_licence_ref_with_its_text():
    document = spdx_json(release(component(license="GPLv2+")))
    (source,) = [p for p in document["packages"] if p["SPDXID"] == "SPDXRef-Source-curl"]
    (extracted,) = document["hasExtractedLicensingInfos"]
    assert source["licenseConcluded"] == source["licenseDeclared"] == extracted["licenseId"]
    assert extracted["extractedText"] == "GPLv2+"


def test_spdx_names_the_sbom_type_in_the_creator_comment():
    assert "SBOM type (CISA): Source" in spdx_json(TWO)["creationInfo"]["comment"]


def test_cyclonedx_binary_depends_on_what_its_requires_resolve_to():
    graph = {d["ref"]: d.get("dependsOn", []) for d in cyclonedx_json(TWO)["dependencies"]}
    assert graph["src/curl/bin/curl"] == ["src/curl/bin/libcurl"]
    assert graph["src/curl/bin/libcurl"] == ["src/bash/bin/bash"]


def test_cyclonedx_names_the_unresolved_requires_on_the_binary():
    (curl,) = [b for c in cyclonedx_json(TWO)["components"] for b in c.get("components", []) if b["name"] == "curl"]
    assert {p["value"] for p in curl["properties"] if p["name"] == "pedigree:requires-unresolved"} == {
        "glibc: no binary package of the release is named glibc or provides it explicitly (automatic provides, "
        "such as sonames, are made at build time)",
        "(a or b): a rich (boolean) dependency, which is not evaluated"}


def test_cyclonedx_compositions_say_what_is_complete():
    facts = release(*TWO.components, component(name="zlib", identity_complete=False, binaries=(BinaryFacts("zlib"),)))
    assert cyclonedx_json(facts)["compositions"] == [
        {"aggregate": "complete", "assemblies": ["release"]},
        {"aggregate": "complete", "assemblies": ["src/curl", "src/bash"]},
        {"aggregate": "unknown", "assemblies": ["src/zlib"]},
        {"aggregate": "incomplete", "dependencies": ["src/curl/bin/curl", "src/curl/bin/libcurl", "src/bash/bin/bash"]},
        {"aggregate": "unknown", "dependencies": ["src/zlib/bin/zlib"]},
    ]


def test_a_component_bom_says_the_release_assembly_is_incomplete():
    assert cyclonedx.compositions_of(TWO, "bash")[0].aggregate == "incomplete"


def test_the_cyclonedx_json_and_xml_with_compositions_and_dependencies_are_valid():
    from cyclonedx.schema import OutputFormat

    bom, compositions = cyclonedx.build_bom(TWO), cyclonedx.compositions_of(TWO)
    assert cyclonedx.validate(cyclonedx.to_json(bom, compositions), OutputFormat.JSON) == []
    assert cyclonedx.validate(cyclonedx.to_xml(bom, compositions), OutputFormat.XML) == []


def test_the_spdx_document_with_dependencies_and_licence_refs_is_valid():
    facts = release(*TWO.components, component(name="zlib", license="zlib and Boost"))
    assert spdx.validate(spdx.to_json(spdx.build_document(facts))) == []
