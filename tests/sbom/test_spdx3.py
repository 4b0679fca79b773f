"""The SPDX 3.0.1 JSON-LD writer (sbom/services/spdx3.py) on a small synthetic release: its shape, what
it says about unresolved identities, licences and dependencies, its validation, and what the official
checker (ntia-conformance-checker 6.0.0, SPDX 3 path) makes of it."""

from __future__ import annotations

import json
import logging

import pytest

from sbom import __version__
from sbom.services import spdx3
from sbom.services.facts import BinaryFacts, SourceFileFacts, Unresolved
from sbom.services.identity import BomOptions

from .builders import component, release

ORGANISATION = BomOptions(organization_name="Example Org", organization_contact="https://example.org/sbom")
CURL_BINARIES = (
    BinaryFacts("curl", "rpm-base", "default", arches=("aarch64", "x86_64"), requires=("libcurl", "libc.so.6()(64bit)")),
    BinaryFacts("libcurl", "rpm-base", "default", arches=("aarch64", "x86_64")),
)
UNRESOLVED = component(
    name="weird", license="GPLv2+", identity_complete=False, version="", release="",
    identity_unresolved=(Unresolved("release", "%{azl_pkgrelease} is not defined"),),
    binaries=(BinaryFacts("weird-tools", arches=("noarch",)),),
    source_files=(SourceFileFacts("weird-1.tar.gz", "SHA256", "cd" * 32, "https://example.org/weird-1.tar.gz",
                                  "source-files"),))


def sample_release():
    return release(component(binaries=CURL_BINARIES), UNRESOLVED)


def graph_of(facts=None, **kwargs) -> list[dict]:
    return json.loads(spdx3.to_json(spdx3.build_document(facts or sample_release(), **kwargs)))["@graph"]


def by_name(graph: list[dict], kind: str, name: str) -> dict:
    (element,) = [e for e in graph if e["type"] == kind and e.get("name") == name]
    return element


def local(graph: list[dict], local_id: str) -> dict:
    (element,) = [e for e in graph if e.get("spdxId", "").endswith(f"#{local_id}")]
    return element


def relationships(graph: list[dict], source: str, kind: str) -> list[dict]:
    return [e for e in graph if e["type"].endswith("Relationship") and e["from"] == source
            and e["relationshipType"] == kind]


def checked(tmp_path, standard: str, options: BomOptions = ORGANISATION, facts=None):
    from ntia_conformance_checker import SbomChecker

    path = tmp_path / f"{standard}.spdx3.json"
    path.write_bytes(spdx3.to_json(spdx3.build_document(facts or sample_release(), options=options)))
    logging.disable(logging.WARNING)
    try:
        return SbomChecker(str(path), compliance=standard, sbom_spec="spdx3")
    finally:
        logging.disable(logging.NOTSET)


def failed(checker) -> set[str]:
    return {element for element, ok in checker.table_elements if not ok}


def missing(checker) -> dict[str, list[str]]:
    return {info: sorted(name for name, _ in components) for info, components in checker.all_components_without_info}


# ----------------------------------------------------------------------------- shape


def test_the_document_is_valid_and_deterministic():
    content = spdx3.to_json(spdx3.build_document(sample_release(), options=ORGANISATION))
    assert spdx3.validate(content) == []
    assert content == spdx3.to_json(spdx3.build_document(sample_release(), options=ORGANISATION))


def test_one_document_whose_root_is_a_source_sbom_of_the_release_holding_every_element():
    graph = graph_of()
    info, document, sbom, *elements = graph
    assert (info["type"], info["specVersion"], info["created"]) == ("CreationInfo", "3.0.1", "2026-03-01T12:00:00Z")
    assert (document["type"], document["rootElement"], sbom["type"]) == ("SpdxDocument", [sbom["spdxId"]], "software_Sbom")
    assert sbom["software_sbomType"] == ["source"] and sbom["rootElement"] == [by_name(graph, "software_Package", "azurelinux")["spdxId"]]
    ids = [e["spdxId"] for e in elements]
    assert sbom["element"] == ids and document["element"] == [sbom["spdxId"]] and len(set(ids)) == len(ids)


def test_the_release_contains_every_source_and_binary_package_completely():
    graph = graph_of()
    root = by_name(graph, "software_Package", "azurelinux")["spdxId"]
    (contains,) = relationships(graph, root, "contains")
    packages = {e["spdxId"] for e in graph if e["type"] == "software_Package" and not e["spdxId"].split("#")[1].startswith(
        ("Release-", "Upstream-"))}
    assert set(contains["to"]) == packages and len(packages) == 5 and contains["completeness"] == "complete"
    one_graph = graph_of(component="curl")
    (one,) = relationships(one_graph, by_name(one_graph, "software_Package", "azurelinux")["spdxId"], "contains")
    assert one["completeness"] == "incomplete"


def test_creators_are_pedigree_and_the_configured_organisation_with_its_contact():
    graph = graph_of(options=ORGANISATION)
    agents = {e.get("spdxId"): e for e in graph if e["type"] in ("SoftwareAgent", "Organization", "Person")}
    creators = [agents[i] for i in graph[0]["createdBy"]]
    assert [(c["type"], c["name"]) for c in creators] == [("SoftwareAgent", f"Pedigree {__version__}"),
                                                          ("Organization", "Example Org")]
    assert creators[1]["externalIdentifier"] == [{"type": "ExternalIdentifier", "externalIdentifierType": "urlScheme",
                                                  "identifier": "https://example.org/sbom"}]
    assert [e["type"] for e in graph if e.get("spdxId") in graph[0]["createdUsing"]] == ["Tool"]


def test_a_source_package_its_files_binaries_and_fedora_ancestor():
    graph = graph_of()
    curl = local(graph, "Source-curl")
    assert (curl["software_packageVersion"], curl["software_packageUrl"]) == (
        "8.15.0-3.azl4", "pkg:rpm/azurelinux/curl@8.15.0-3.azl4?arch=src&distro=azurelinux-4.0")
    names = {e.get("spdxId"): e.get("name") for e in graph}
    (artifact,) = relationships(graph, curl["spdxId"], "hasDistributionArtifact")
    assert [names[i] for i in artifact["to"]] == ["curl-8.15.0-3.azl4.src.rpm"]
    (archives,) = relationships(graph, curl["spdxId"], "contains")
    (archive,) = [e for e in graph if e.get("spdxId") in archives["to"]]
    assert archive["verifiedUsing"] == [{"type": "Hash", "algorithm": "sha512", "hashValue": "ab" * 64}]
    (generates,) = relationships(graph, curl["spdxId"], "generates")
    assert sorted(names[i] for i in generates["to"]) == ["curl", "libcurl"] and generates["completeness"] == "complete"
    (binary_files,) = relationships(graph, generates["to"][0], "hasDistributionArtifact")
    assert [names[i] for i in binary_files["to"]] == ["curl-8.15.0-3.azl4.aarch64.rpm", "curl-8.15.0-3.azl4.x86_64.rpm"]
    ((descendant,), (prerequisite,)) = (relationships(graph, curl["spdxId"], k) for k in ("descendantOf", "hasPrerequisite"))
    upstream = [e for e in graph if e.get("spdxId") == descendant["to"][0]][0]
    assert prerequisite["to"] == descendant["to"] and upstream["software_packageUrl"].startswith("pkg:rpm/fedora/curl@8.15.0")
    assert names[upstream["suppliedBy"]] == "Fedora Project"


def test_an_unresolved_identity_has_no_version_no_file_name_and_no_macro_text():
    graph = graph_of()
    weird = local(graph, "Source-weird")
    tools = local(graph, "Binary-weird-weird-tools")
    assert "software_packageVersion" not in weird and "software_packageVersion" not in tools
    assert weird["software_packageUrl"] == "pkg:rpm/azurelinux/weird?arch=src&distro=azurelinux-4.0"
    assert "identity unresolved: release: %{azl_pkgrelease} is not defined" in weird["comment"]
    assert relationships(graph, weird["spdxId"], "hasDistributionArtifact") == []
    assert relationships(graph, tools["spdxId"], "hasDistributionArtifact") == []
    (archives,) = relationships(graph, weird["spdxId"], "contains")
    (archive,) = [e for e in graph if e.get("spdxId") in archives["to"]]
    assert archive["externalRef"] == [{"type": "ExternalRef", "externalRefType": "altDownloadLocation",
                                       "locator": ["https://example.org/weird-1.tar.gz"]}]
    (generates,) = relationships(graph, weird["spdxId"], "generates")
    assert generates["completeness"] == "noAssertion"
    macro_facts = release(component(name="weird", identity_complete=False, version="%{goversion}", release="1%{?dist}"))
    assert not [e for e in graph_of(macro_facts) if "%" in e.get("software_packageVersion", "") + e.get(
        "software_packageUrl", "") + (e.get("name", "") if e["type"] == "software_File" else "")]


def test_licences_are_the_normal_form_or_a_licence_ref_carrying_the_spec_value():
    graph = graph_of()
    by_id = {e.get("spdxId"): e for e in graph}

    def licence(local_id: str, kind: str) -> dict:
        (rel,) = relationships(graph, local(graph, local_id)["spdxId"], kind)
        return by_id[rel["to"][0]]

    assert licence("Source-curl", "hasConcludedLicense")["simplelicensing_licenseExpression"] == "MIT"
    weird = licence("Source-weird", "hasDeclaredLicense")
    (entry,) = weird["simplelicensing_customIdToUri"]
    assert weird["simplelicensing_licenseExpression"] == entry["key"] and entry["key"].startswith("LicenseRef-spec-")
    assert by_id[entry["value"]]["simplelicensing_licenseText"] == "GPLv2+"
    assert licence("Binary-weird-weird-tools", "hasConcludedLicense") is weird  # one element per licence value
    root = by_name(graph, "software_Package", "azurelinux")["spdxId"]
    assert relationships(graph, root, "hasConcludedLicense") == []  # a release has no single licence
    assert not any("software_copyrightText" in e for e in graph)  # Pedigree reads no copyright notices


def test_runtime_requires_are_incomplete_dependencies_and_none_is_no_relationship():
    graph = graph_of()
    curl_binary = local(graph, "Binary-curl-curl")
    (depends,) = relationships(graph, curl_binary["spdxId"], "dependsOn")
    libcurl = local(graph, "Binary-curl-libcurl")
    assert (depends["type"], depends["scope"], depends["completeness"], depends["to"]) == (
        "LifecycleScopedRelationship", "runtime", "incomplete", [libcurl["spdxId"]])
    assert "Unresolved: libc.so.6()(64bit)" in depends["comment"]
    assert relationships(graph, libcurl["spdxId"], "dependsOn") == []
    assert "rpm adds automatic ones" in libcurl["comment"]


def test_an_unknown_component_is_a_key_error():
    with pytest.raises(KeyError):
        spdx3.build_document(sample_release(), component="nope")


# ----------------------------------------------------------------------------- validation


def _broken(change) -> bytes:
    document = spdx3.build_document(sample_release())
    change(document["@graph"])
    return json.dumps(document).encode()


def _package(graph: list[dict]) -> dict:
    return [e for e in graph if e["type"] == "software_Package"][1]


@pytest.mark.parametrize("change", [
    pytest.param(lambda g: g.append(dict(g[1], spdxId=g[1]["spdxId"] + "-2")), id="two SpdxDocuments"),
    pytest.param(lambda g: _package(g).update(suppliedBy="https://example.org/nobody"), id="unknown reference"),
    pytest.param(lambda g: _package(g).update(software_packageVersion=3), id="wrong type"),
    pytest.param(lambda g: _package(g).update(software_primaryPurpose="rpm"), id="not an enum value"),
    pytest.param(lambda g: [e.pop("from") for e in g if e["type"] == "Relationship"][:1], id="required property"),
    pytest.param(lambda g: _package(g).update(spdxId="not an IRI"), id="element id not an IRI"),
    pytest.param(lambda g: g[0].update(created="yesterday"), id="bad timestamp"),
    pytest.param(lambda g: g[1].update(rootElement=[]), id="no root element"),
])
def test_validation_rejects_a_broken_document(change):
    assert spdx3.validate(_broken(change)) != []


def test_validation_rejects_what_is_not_json():
    assert spdx3.validate(b"{not json")[0].startswith("cannot read")


# ----------------------------------------------------------------------------- the official checker


def test_no_package_floats_and_no_relationship_points_nowhere(tmp_path):
    for standard in ("ntia", "bsi", "fsct3-min"):
        checker = checked(tmp_path, standard)
        assert (checker.floating_component_ids, checker.unknown_pointer_edges, checker.validation_messages,
                checker.parsing_errors) == (set(), {}, [], [])


def test_ntia_fails_only_on_the_unresolved_versions(tmp_path):
    checker = checked(tmp_path, "ntia")
    assert (failed(checker), missing(checker)) == (
        {"All component versions provided?"}, {"version": ["weird", "weird", "weird-tools"]})
    resolved = checked(tmp_path, "ntia", facts=release(component(binaries=CURL_BINARIES)))
    assert resolved.compliant and failed(resolved) == set()


def test_fsct3_fails_on_copyright_and_the_release_licence_besides_unresolved_versions(tmp_path):
    checker = checked(tmp_path, "fsct3-min", facts=release(component(binaries=CURL_BINARIES)))
    assert [t.rsplit("/", 1)[1] for t in checker.sbom_gen_context] == ["source"] and not checker.compliant
    assert failed(checker) == {"All component copyright notice provided?", "All component concluded license provided?"}
    assert missing(checker) == {"concluded_license": ["azurelinux"],
                                "copyright_text": ["azurelinux", "curl", "curl", "curl", "libcurl"]}


def test_bsi_fails_on_what_only_a_build_would_know(tmp_path):
    checker = checked(tmp_path, "bsi", facts=release(component(binaries=CURL_BINARIES)))
    assert (checker.doc_creator, checker.dependency_completeness, checker.doc_uri) == (True, True, True)
    required = {element for element in failed(checker) if not element.endswith(("(Warning)", "(Optional)"))}
    assert required == {"Distribution Filenames", "Structured Properties", "Distribution Licenses",
                        "Deployable Component Hashes"}
    assert missing(checker) == {
        "filename": ["azurelinux", "curl"],  # the release and the Fedora ancestor have no file
        "distribution_licenses": ["azurelinux"],
        "sha512_hash": ["curl", "curl", "libcurl"],  # the src.rpm and the binary rpms are not built
        "structured_property": ["curl", "curl", "libcurl"],  # an rpm is neither a container nor firmware
    }


def test_bsi_creator_of_the_sbom_needs_the_configured_organisation(tmp_path):
    assert not checked(tmp_path, "bsi", options=BomOptions()).doc_creator
    assert checked(tmp_path, "bsi", options=BomOptions(organization_name="Example", organization_contact="sbom@example.org")).doc_creator
