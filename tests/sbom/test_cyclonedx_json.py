"""The fast CycloneDX JSON writer gives exactly the bytes of the library's JsonV1Dot6."""

import pytest
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType

from sbom.services import cyclonedx, cyclonedx_json
from sbom.services.generate import load_release_facts

pytestmark = pytest.mark.django_db


def test_the_release_bom_is_byte_identical_to_the_library_output(release):
    facts = load_release_facts(release)
    fast = cyclonedx_json.serialise(cyclonedx.build_bom(facts))
    assert fast == cyclonedx.library_json(cyclonedx.build_bom(facts))


@pytest.mark.parametrize("name", ["bash", "curl", "mypkg", "openssl", "zlib"])
def test_each_component_bom_is_byte_identical_to_the_library_output(release, name):
    facts = load_release_facts(release, component=name)
    fast = cyclonedx_json.serialise(cyclonedx.build_bom(facts, component=name))
    assert fast == cyclonedx.library_json(cyclonedx.build_bom(facts, component=name))


def test_a_bom_with_an_author_is_byte_identical_to_the_library_output(release):
    facts, options = load_release_facts(release), cyclonedx.BomOptions("Ada", "ada@example.org")
    fast = cyclonedx_json.serialise(cyclonedx.build_bom(facts, options=options))
    assert fast == cyclonedx.library_json(cyclonedx.build_bom(facts, options=options))


def test_a_repeated_bom_ref_is_left_to_the_library():
    bom = Bom(components=[Component(type=ComponentType.LIBRARY, name=n, bom_ref="same") for n in ("a", "b")])
    with pytest.raises(cyclonedx_json.Unsupported):
        cyclonedx_json.serialise(bom)


def test_to_json_falls_back_to_the_library_for_what_it_does_not_reproduce():
    bom = Bom(components=[Component(type=ComponentType.LIBRARY, name=n, bom_ref="same") for n in ("a", "b")])
    assert b'"name": "a"' in cyclonedx.to_json(bom) and b'"name": "b"' in cyclonedx.to_json(bom)


def test_the_release_xml_is_byte_identical_to_the_library_output(release):
    facts = load_release_facts(release)
    assert cyclonedx.to_xml(cyclonedx.build_bom(facts)) == cyclonedx.library_xml(cyclonedx.build_bom(facts))
