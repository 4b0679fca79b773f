"""Comparisons of library model objects made once per object while a model is built (model_comparisons.py)."""

import contextlib
import threading

from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependency

from sbom.services import cyclonedx, model_comparisons
from sbom.services.facts import BinaryFacts

from .builders import component, release


def library(name: str) -> Component:
    return Component(type=ComponentType.LIBRARY, name=name, bom_ref=f"ref/{name}")


def test_inside_the_block_a_component_is_compared_as_it_was_first_seen():
    a, b = library("a"), library("b")
    with model_comparisons.comparisons_made_once():
        assert a < b
        a.name = "c"  # a change the block promises will not happen
        assert a < b


def test_outside_the_block_a_component_is_compared_as_it_is_now():
    a, b = library("a"), library("b")
    with model_comparisons.comparisons_made_once():
        assert a < b
    a.name = "c"
    assert b < a


def test_a_dependency_is_hashed_as_it_was_first_seen_inside_the_block():
    entry = Dependency(ref=library("a").bom_ref)
    with model_comparisons.comparisons_made_once():
        first = hash(entry)
        entry.dependencies.add(Dependency(ref=library("b").bom_ref))
        assert hash(entry) == first
    assert hash(entry) != first


def test_another_thread_does_not_share_the_block():
    a, b = library("a"), library("b")
    seen = []

    def compare_after_change():
        a.name = "c"
        seen.append(a < b)

    with model_comparisons.comparisons_made_once():
        assert a < b
        thread = threading.Thread(target=compare_after_change)
        thread.start()
        thread.join()
    assert seen == [False]


def test_a_nested_block_keeps_the_outer_blocks_tuples():
    a, b = library("a"), library("b")
    with model_comparisons.comparisons_made_once():
        assert a < b
        with model_comparisons.comparisons_made_once():
            pass
        a.name = "c"
        assert a < b


def test_the_model_built_with_comparisons_made_once_is_the_one_built_without(monkeypatch):
    facts = release(*(component(name=name, binaries=tuple(BinaryFacts(f"{name}-{b}") for b in ("libs", "devel", "doc")))
                      for name in ("zlib", "curl", "bash", "openssl")))
    cached = cyclonedx.library_json(cyclonedx.build_bom(facts))
    monkeypatch.setattr(cyclonedx, "comparisons_made_once", contextlib.nullcontext)
    assert cyclonedx.library_json(cyclonedx.build_bom(facts)) == cached
