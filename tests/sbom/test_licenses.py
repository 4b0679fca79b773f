"""Licences in the documents (pure: facts built here): the SPDX normal form of a valid License, never an
invalid one as a CycloneDX `expression`, and both documents still valid with such values."""

import json

from cyclonedx.schema import OutputFormat

from sbom.services import cyclonedx, spdx
from sbom.services.cyclonedx_validation import validate
from sbom.services.facts import BinaryFacts
from tests.sbom.builders import component, release


def cyclonedx_json(facts) -> dict:
    return json.loads(cyclonedx.to_json(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts)))


def licences_of(license_: str, binaries=()) -> list:
    (source,) = cyclonedx_json(release(component(license=license_, binaries=binaries)))["components"]
    return source["licenses"]


def test_a_valid_license_is_published_in_its_normal_form():
    assert licences_of("mit or apache-2.0") == [{"expression": "MIT OR Apache-2.0"}]
    assert licences_of("GPL-2.0+") == [{"license": {"id": "GPL-2.0-or-later"}}]


def test_an_invalid_license_is_a_named_licence_with_the_value_as_stated_never_an_expression():
    assert licences_of("GPLv2+ and BSD") == [{"license": {"name": "GPLv2+ and BSD"}}]


def test_a_syntax_error_is_a_named_licence_too():
    assert licences_of("MIT and") == [{"license": {"name": "MIT and"}}]


def test_a_binary_package_gets_the_normal_form_of_the_license_that_applies_to_it():
    (source,) = cyclonedx_json(release(component(
        license="mit", binaries=(BinaryFacts("curl-doc", license="cc-by-4.0"), BinaryFacts("curl"))),
    ))["components"]
    licences = {b["name"]: b["licenses"] for b in source["components"]}
    assert licences == {"curl-doc": [{"license": {"id": "CC-BY-4.0"}}], "curl": [{"license": {"id": "MIT"}}]}


def test_spdx_declares_the_normal_form_of_a_valid_license():
    document = json.loads(spdx.to_json(spdx.build_document(release(component(license="gpl-2.0+ and mit")))))
    source = next(p for p in document["packages"] if p["SPDXID"].startswith("SPDXRef-Source-"))
    assert source["licenseDeclared"] == "GPL-2.0-or-later AND MIT"


def test_spdx_declares_an_invalid_license_as_a_licence_ref_with_its_text():
    document = json.loads(spdx.to_json(spdx.build_document(release(component(license="MIT and")))))
    (extracted,) = document["hasExtractedLicensingInfos"]
    assert extracted["extractedText"] == "MIT and"


def test_documents_with_valid_invalid_and_scancode_only_licenses_are_valid():
    facts = release(component(name="a", license="LicenseRef-Fedora-Public-Domain"),
                    component(name="b", license="GPLv2+"), component(name="c", license="mit or apache-2.0"))
    assert validate(cyclonedx.to_json(cyclonedx.build_bom(facts), cyclonedx.compositions_of(facts)),
                    OutputFormat.JSON) == []
    assert spdx.validate(spdx.to_json(spdx.build_document(facts))) == []
