"""NTIA / BSI field report over plain documents (no database)."""

from sbom.services.report import cyclonedx_report, spdx_report


def doc(**component):
    base = {"bom-ref": "src/a", "name": "a", "version": "1-1", "purl": "pkg:rpm/x/a@1-1",
            "supplier": {"name": "S"}}
    return {
        "specVersion": "1.6",
        "metadata": {"timestamp": "2026-01-01T00:00:00+00:00", "authors": [{"name": "A", "email": "a@x"}]},
        "components": [{**base, **component}],
        "dependencies": [{"ref": "release", "dependsOn": ["src/a"]}],
    }


def statuses(report, key="ntia_minimum_elements"):
    return {e["element"]: e["status"] for e in report[key]}


def test_a_complete_component_meets_every_ntia_element():
    assert cyclonedx_report(doc())["summary"]["ntia_complete"]


def test_a_component_without_version_is_listed_with_the_reason():
    report = cyclonedx_report(doc(version=None))
    (entry,) = [e for e in report["ntia_minimum_elements"] if e["element"] == "Version of the component"]
    assert entry["status"] == "missing" and entry["missing"] == ["src/a"] and "rendered spec" in entry["why"]


def test_nested_binaries_count_as_related_through_their_source_package():
    report = cyclonedx_report(doc(components=[{"bom-ref": "src/a/bin/a", "name": "a"}]))
    assert statuses(report)["Dependency relationship"] == "present"


def test_missing_sha512_hashes_are_reported_for_bsi():
    assert statuses(cyclonedx_report(doc()), "bsi_tr_03183_2")[
        "Hash value of the executable component (SHA-512)"] == "missing"


def test_spdx_report_reads_creators_for_the_author():
    report = spdx_report({"creationInfo": {"creators": ["Tool: Pedigree-0.1.0"], "created": "x"}, "packages": []})
    assert statuses(report)["Author of SBOM data"] == "missing"
