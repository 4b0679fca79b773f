"""The official checker, ntia-conformance-checker 6.0.0, on the corpus's SPDX 2.3 documents.

What is checked: the release document and a deterministic sample of component documents (below),
for `ntia`, `bsi` and `fsct3-min`: no floating package, NTIA conformant, and for BSI and FSCT3
nothing fails but what the checker cannot find in any SPDX 2.x document, or what Pedigree
truthfully does not know:

- BSI `Creator of the SBOM` and `Dependency Completeness`, FSCT3 `SBOM type`: the checker reads them
  only from SPDX 3 (`BSIChecker.check_doc_creator` and `check_dependency_completeness` return False
  for a document that is not an SPDX 3 object set; `Spdx2Adapter.get_sbom_types` returns []), so no
  SPDX 2.3 document can pass them; `test_the_checker_cannot_pass_bsi_or_fsct3_for_any_spdx_2_document`
  pins that, so a checker that learns to read SPDX 2 fails this module and the expectations go.
- FSCT3 copyright notice: NOASSERTION, because Pedigree does not read the sources' copyright notices.
- FSCT3 concluded licence: NOASSERTION only on the release package, on upstream packages an
  overlay changed the License of, and on packages whose spec has no License (or no rendered spec).

Why a sample: every one of the 7,580 component documents, built and checked three times, takes
about 40 minutes on 2 cores (the checker parses each document again per standard, and validates
it with spdx-tools); the budget of this module is 3 minutes. The sample is every 25th component by
name, the kernel, glibc, ceph, 389-ds-base, the first golang-* package and the components whose
binary packages have runtime Requires (every one of them up to 300, else every k-th of them).

The release document (about 43,000 packages) is checked with `validate=False`: the checker's
validation is spdx-tools' `validate_full_spdx_document`, which is quadratic (for every package and
every relationship end it lists every SPDX id of the document; measured: 250 components 6.5 s, 500
components 17.6 s of CPU, about an hour for the release). Pedigree runs that same validator on every
document it stores, in parts (sbom/services/spdx.py `validate`); test_corpus_sbom.py asserts the
stored release document passed it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sbom.services import spdx
from sbom.services.generate import load_release_facts

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

STANDARDS = ("ntia", "bsi", "fsct3-min")
SPDX2_UNREADABLE = {  # the checker evaluates these only for SPDX 3 (module docstring)
    "bsi": {"Creator of the SBOM", "Dependency Completeness"},
    "fsct3-min": {"SBOM generation context (SBOM type) provided?"},
}
UNKNOWN_TO_PEDIGREE = {"fsct3-min": {"All component copyright notice provided?",
                                     "All component concluded license provided?"}}
NAMED = ("kernel", "glibc", "ceph", "389-ds-base")
EVERY = 25
MAX_WITH_REQUIRES = 300


def check(path: Path, standard: str, *, validate: bool = True):
    from ntia_conformance_checker import SbomChecker

    logging.disable(logging.WARNING)  # the checker logs every floating element
    try:
        return SbomChecker(str(path), validate=validate, compliance=standard, sbom_spec="spdx2")
    finally:
        logging.disable(logging.NOTSET)


def sample(facts) -> list[str]:
    names = [c.name for c in facts.components]
    with_requires = [c.name for c in facts.components if any(b.requires for b in c.binaries)]
    step = max(1, -(-len(with_requires) // MAX_WITH_REQUIRES))
    golang = [n for n in names if n.startswith("golang-")][:1]
    return sorted({*names[::EVERY], *NAMED, *golang, *with_requires[::step]} & set(names))


@pytest.fixture(scope="module")
def corpus_facts(corpus_outcome, django_db_blocker):
    with django_db_blocker.unblock():
        return load_release_facts(corpus_outcome.release)


@pytest.fixture(scope="module")
def release_document(corpus_facts, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spdx") / "release.spdx.json"
    path.write_bytes(spdx.to_json(spdx.build_document(corpus_facts)))
    return path


@pytest.fixture(scope="module")
def component_results(corpus_facts, tmp_path_factory) -> dict[tuple[str, str], tuple[bool, int, set[str], dict]]:
    """(component, standard) -> (compliant, floating, failed elements, components missing info)."""
    folder = tmp_path_factory.mktemp("spdx-components")
    results = {}
    for name in sample(corpus_facts):
        path = folder / f"{name}.spdx.json"
        path.write_bytes(spdx.to_json(spdx.build_document(corpus_facts, component=name)))
        for standard in STANDARDS:
            checker = check(path, standard)
            results[(name, standard)] = (
                checker.compliant, len(checker.floating_component_ids),
                {element for element, ok in checker.table_elements if not ok},
                {info: [spdx_id for _, spdx_id in missing] for info, missing in checker.all_components_without_info},
            )
    return results


def unexpected(standard: str, failed: set[str]) -> set[str]:
    return failed - SPDX2_UNREADABLE.get(standard, set()) - UNKNOWN_TO_PEDIGREE.get(standard, set())


def test_the_sample_holds_the_named_components_and_at_least_300(corpus_facts):
    chosen = sample(corpus_facts)
    assert set(NAMED) <= set(chosen) and any(n.startswith("golang-") for n in chosen) and len(chosen) >= 300


def test_no_component_document_has_a_floating_package(component_results):
    assert {key: floating for key, (_, floating, _, _) in component_results.items() if floating} == {}


def test_every_component_document_is_ntia_conformant(component_results):
    assert [name for (name, standard), (ok, *_) in component_results.items() if standard == "ntia" and not ok] == []


def test_component_documents_fail_bsi_and_fsct3_only_where_spdx_2_or_pedigree_cannot_say(component_results):
    assert {key: unexpected(key[1], failed) for key, (_, _, failed, _) in component_results.items()
            if unexpected(key[1], failed)} == {}


def test_only_the_release_upstream_packages_and_specs_without_a_licence_have_no_concluded_licence(
        corpus_facts, component_results):
    missing = {spdx_id for (_, standard), (*_, info) in component_results.items() if standard == "fsct3-min"
               for spdx_id in info.get("concluded_license", [])}
    blank = [c for c in corpus_facts.components if not c.license.strip()]
    without_licence = {f"SPDXRef-Source-{spdx._ID_RE.sub('-', c.name)}" for c in blank} | {
        f"SPDXRef-Binary-{spdx._ID_RE.sub('-', f'{c.name}-{b.name}')}" for c in blank for b in c.binaries
        if not b.license.strip()}
    assert {i for i in missing if not i.startswith(("SPDXRef-Release-", "SPDXRef-Upstream-"))} <= without_licence


@pytest.mark.parametrize("standard", STANDARDS)
def test_the_release_document_has_no_floating_package_and_fails_nothing_else(release_document, standard):
    checker = check(release_document, standard, validate=False)
    failed = {element for element, ok in checker.table_elements if not ok}
    assert (len(checker.floating_component_ids), unexpected(standard, failed)) == (0, set())
    assert checker.compliant or standard != "ntia"


def test_the_checker_cannot_pass_bsi_or_fsct3_for_any_spdx_2_document(corpus_facts, tmp_path):
    """The premise of SPDX2_UNREADABLE: the checker's own code, not the document, fails these."""
    path = tmp_path / "glibc.spdx.json"
    path.write_bytes(spdx.to_json(spdx.build_document(corpus_facts, component="glibc")))
    bsi, fsct = check(path, "bsi"), check(path, "fsct3-min")
    assert (bsi.check_doc_creator(), bsi.check_dependency_completeness(), fsct.get_sbom_types()) == (False, False, [])
