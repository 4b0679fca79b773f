"""The official checker, ntia-conformance-checker 6.0.0 (its SPDX 3 path), on the corpus's SPDX 3 documents.

Checked for `ntia`, `bsi` and `fsct3-min`: the release document and every 25th component document by
name plus the kernel, glibc, ceph and 389-ds-base, written with the organisation a deployment configures
(PEDIGREE_SBOM_ORGANIZATION_*: BSI's "Creator of the SBOM" needs its contact). Every document must
have no floating package, no relationship to a missing element, no validation message, and fail exactly
the checks `expected_failures` derives from the component's facts, for the reasons docs/sbom.md
("SPDX 3.0") gives: an unresolved identity has no version; Pedigree reads no copyright notices; the
release package has no single licence; an ancestor whose License an overlay changed has none asserted;
BSI wants a file for every package (the release and the Fedora ancestors have none) and the SHA-512 of
every distributed file and a container/firmware purpose on it (an rpm made before the build has no
digest, and is neither). So the test fails if the documents or the checker change what passes.

The release document (about 260,000 elements) is parsed once with the checker's own parser and that object
set is given to the three checkers (`shared_parse`): each SbomChecker would otherwise deserialise it again
with spdx-python-model, which takes a third of its time. The checkers only read the object set. Pedigree's
own validation of the release document (`spdx3.validate`, 40-80 s) is not repeated here: the release job
runs it, and test_corpus_sbom.py asserts the stored corpus document passed it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from sbom.services import spdx3
from sbom.services.facts import ComponentFacts
from sbom.services.generate import load_release_facts
from sbom.services.identity import BomOptions, binary_evr_of, evr_of, upstream_version_of

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

STANDARDS = ("ntia", "bsi", "fsct3-min")
OPTIONS = BomOptions(organization_name="Example Operator", organization_contact="sbom@example.org")
NAMED = ("kernel", "glibc", "ceph", "389-ds-base")
EVERY = 25
VERSIONS = {"ntia": "All component versions provided?", "fsct3-min": "All component versions provided?",
            "bsi": "Component Versions"}


def expected_failures(standard: str, components: list[ComponentFacts]) -> set[str]:
    """The checks a document of these components fails, from their facts (module docstring)."""
    unresolved = any(_missing_versions(c) for c in components)
    failures = {VERSIONS[standard]} if unresolved else set()
    if standard == "fsct3-min":  # the release package has no concluded licence; no copyright anywhere
        failures |= {"All component copyright notice provided?", "All component concluded license provided?"}
    if standard == "bsi":
        failures |= {"Distribution Filenames", "Distribution Licenses"}  # the release package
        if any(evr_of(c) or any(binary_evr_of(c, b) and b.arches for b in c.binaries) for c in components):
            # an rpm file (source or binary): no digest, no container/firmware purpose
            failures |= {"Deployable Component Hashes", "Structured Properties"}
    return failures


def _missing_versions(c: ComponentFacts) -> list[str]:
    names = [c.name] if evr_of(c) is None else []
    names += [b.name for b in c.binaries if binary_evr_of(c, b) is None]
    if c.spec_type != "local" and c.upstream_distro and upstream_version_of(c) is None:
        names.append(c.upstream_name or c.name)
    return names


def sample(facts) -> list[str]:
    names = [c.name for c in facts.components]
    return sorted({*names[::EVERY], *NAMED} & set(names))


def check(path: Path, standard: str):
    from ntia_conformance_checker import SbomChecker

    logging.disable(logging.WARNING)  # the checker logs every floating element
    try:
        return SbomChecker(str(path), compliance=standard, sbom_spec="spdx3")
    finally:
        logging.disable(logging.NOTSET)


def outcome(checker) -> dict:
    required = {e for e, ok in checker.table_elements if not ok and not e.endswith(("(Warning)", "(Optional)"))}
    return {"compliant": checker.compliant, "floating": len(checker.floating_component_ids),
            "unknown": len(checker.unknown_pointer_edges), "messages": len(checker.validation_messages),
            "failed": required}


@pytest.fixture(scope="module")
def corpus_facts(corpus_outcome, django_db_blocker):
    with django_db_blocker.unblock():
        return load_release_facts(corpus_outcome.release)


@pytest.fixture(scope="module")
def component_outcomes(corpus_facts, tmp_path_factory) -> dict[tuple[str, str], dict]:
    folder = tmp_path_factory.mktemp("spdx3-components")
    results = {}
    for name in sample(corpus_facts):
        path = folder / f"{name}.spdx3.json"
        path.write_bytes(spdx3.to_json(spdx3.build_document(corpus_facts, component=name, options=OPTIONS)))
        for standard in STANDARDS:
            results[(name, standard)] = outcome(check(path, standard))
    return results


@pytest.fixture(scope="module")
def release_outcomes(corpus_facts, tmp_path_factory) -> dict:
    """The release document built, parsed once and checked for the three standards, with the seconds of each."""
    import ntia_conformance_checker.base_checker as base_checker

    seconds = {}
    start = time.perf_counter()
    content = spdx3.to_json(spdx3.build_document(corpus_facts, options=OPTIONS))
    seconds["build"] = time.perf_counter() - start
    path = tmp_path_factory.mktemp("spdx3") / "release.spdx3.json"
    path.write_bytes(content)
    start = time.perf_counter()
    parsed, errors = base_checker.parse_spdx3_file(str(path))  # the checker's own parser, once
    seconds["parse"] = time.perf_counter() - start
    results = {"errors": errors, "size": len(content), "seconds": seconds}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(base_checker, "parse_spdx3_file", lambda _file: (parsed, []))  # shared_parse (module docstring)
        for standard in STANDARDS:
            start = time.perf_counter()
            results[standard] = outcome(check(path, standard))
            seconds[standard] = time.perf_counter() - start
    print(f"\nSPDX 3 release document: {len(content):,} bytes, seconds {seconds}")
    return results


def test_the_sample_holds_the_named_components(corpus_facts):
    assert set(NAMED) <= set(sample(corpus_facts)) and len(sample(corpus_facts)) >= 300


def test_component_documents_have_no_floating_package_no_missing_element_and_no_validation_message(
        component_outcomes):
    assert {key: r for key, r in component_outcomes.items() if r["floating"] or r["unknown"] or r["messages"]} == {}


def test_component_documents_fail_exactly_the_expected_checks(corpus_facts, component_outcomes):
    by_name = {c.name: c for c in corpus_facts.components}
    unexpected = {(name, standard): (r["failed"], expected_failures(standard, [by_name[name]]))
                  for (name, standard), r in component_outcomes.items()
                  if r["failed"] != expected_failures(standard, [by_name[name]])}
    assert unexpected == {}


def test_ntia_conformance_of_component_documents_is_exactly_the_resolved_ones(corpus_facts, component_outcomes):
    by_name = {c.name: c for c in corpus_facts.components}
    conformant = {name for (name, standard), r in component_outcomes.items() if standard == "ntia" and r["compliant"]}
    assert conformant == {name for name in sample(corpus_facts) if not _missing_versions(by_name[name])}
    assert not any(r["compliant"] for (_, standard), r in component_outcomes.items() if standard != "ntia")


def test_the_checker_reads_the_release_document_without_error(release_outcomes):
    assert release_outcomes["errors"] == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_the_release_document_has_no_floating_package_and_fails_exactly_the_expected_checks(
        corpus_facts, release_outcomes, standard):
    result = release_outcomes[standard]
    assert (result["floating"], result["unknown"], result["messages"]) == (0, 0, 0)
    assert result["failed"] == expected_failures(standard, list(corpus_facts.components))
    assert result["compliant"] == (not result["failed"])
