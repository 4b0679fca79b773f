"""OSCAL assessment results: valid against NIST's official schema, findings against named controls, safe CSV."""

import copy
import csv
import datetime as dt
import hashlib
import io
import json

from evidence import oscal
from evidence.services.bundles import findings_csv

T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
T1 = dt.datetime(2026, 3, 5, 8, tzinfo=dt.timezone.utc)


def evidence(path: str) -> oscal.EvidenceFile:
    return oscal.EvidenceFile(path, hashlib.sha256(path.encode()).hexdigest(), "application/json")


def synthetic_release() -> oscal.ReleaseEvidence:
    return oscal.ReleaseEvidence(
        distribution="azurelinux", version="4.0", commit="c" * 40, committed_at=T0,
        source_url="https://example.org/azl.git", ref="main", ingested_at=T0, requested_at=T1,
        components=(
            oscal.ComponentEvidence("bash", "altered", "Altered: 1 overlay.", ("overlays",), ("present",),
                                    (evidence("components/bash/component.json"),)),
            oscal.ComponentEvidence("curl", "altered", "=HYPERLINK(\"http://evil\")", ("overlays",), ("absent",),
                                    (evidence("components/curl/component.json"),)),
            oscal.ComponentEvidence("zlib", "intact", "Fedora-intact.", (), (), (evidence("components/zlib/component.json"),),
                                    oscal.UpstreamCheck("drift", "2 lines differ", T1,
                                                        (evidence("components/zlib/upstream/verification.json"),))),
            oscal.ComponentEvidence("xz", "intact", "Fedora-intact.", (), (), (evidence("components/xz/component.json"),),
                                    oscal.UpstreamCheck("verified-intact", "", T1)),
        ),
    )


def test_the_schema_is_nists_released_assessment_results_schema():
    schema = json.loads(oscal.schema_path().read_bytes())
    assert hashlib.sha256(oscal.schema_path().read_bytes()).hexdigest() == oscal.SCHEMA_SHA256
    assert schema["$id"] == f"http://csrc.nist.gov/ns/oscal/{oscal.OSCAL_VERSION}/oscal-ar-schema.json"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_a_synthetic_release_gives_a_valid_document():
    assert oscal.validate(oscal.assessment_results(synthetic_release())) == []


def test_the_validator_rejects_what_the_schema_forbids():
    document = oscal.assessment_results(synthetic_release())
    broken = copy.deepcopy(document)
    del broken["assessment-results"]["results"][0]["observations"][0]["collected"]
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] = "not a token!"
    broken["assessment-results"]["uuid"] = "not-a-uuid"
    errors = oscal.validate(broken)
    assert any("'collected' is a required property" in e for e in errors)
    assert any(e.startswith("assessment-results/results/0/findings/0/target/target-id") for e in errors)
    assert any(e.startswith("assessment-results/uuid") for e in errors)


def test_every_component_is_an_observation_with_its_collected_time_and_hashed_evidence():
    ar = oscal.assessment_results(synthetic_release())["assessment-results"]
    observations = ar["results"][0]["observations"]
    resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
    assert len(observations) == 4 + 2  # one per component, one per upstream verification
    bash = next(o for o in observations if o["title"] == "bash: altered")
    assert bash["collected"] == "2026-03-01T12:00:00Z"
    (rlink,) = resources[bash["relevant-evidence"][0]["href"][1:]]["rlinks"]
    assert rlink["href"] == "components/bash/component.json"
    assert rlink["hashes"] == [{"algorithm": "SHA-256", "value": hashlib.sha256(b"components/bash/component.json").hexdigest()}]
    zlib_upstream = next(o for o in observations if o["title"].startswith("zlib: upstream"))
    assert zlib_upstream["collected"] == "2026-03-05T08:00:00Z"


def test_findings_name_the_control_and_whether_it_is_satisfied():
    ar = oscal.assessment_results(synthetic_release())["assessment-results"]
    findings = {(f["title"].split(":")[0], f["target"]["target-id"]): f["target"]["status"]["state"]
                for f in ar["results"][0]["findings"]}
    assert findings == {
        ("bash", "cm-3_smt"): "satisfied",  # declared and present
        ("curl", "cm-3_smt"): "not-satisfied",  # a declared overlay is absent from the rendered spec
        ("zlib", "cm-2_smt"): "not-satisfied",  # drift: undeclared changes against Fedora
        ("zlib", "sr-4_smt"): "not-satisfied",
    }
    assert ar["results"][0]["reviewed-controls"]["control-selections"][0]["include-controls"] == [
        {"control-id": "cm-2"}, {"control-id": "cm-3"}, {"control-id": "sr-4"}]


def test_the_same_release_gives_the_same_document_and_uuids():
    assert oscal.to_json(oscal.assessment_results(synthetic_release())) == oscal.to_json(oscal.assessment_results(synthetic_release()))


def test_the_findings_csv_has_one_row_per_finding_with_evidence_hashes_and_no_formulas():
    document = oscal.assessment_results(synthetic_release())
    rows = list(csv.DictReader(io.StringIO(findings_csv(document).decode())))
    assert len(rows) == 4
    assert list(rows[0]) == list(oscal.CSV_COLUMNS)
    curl = next(r for r in rows if r["component"] == "curl")
    assert curl["control_id"] == "CM-3" and curl["status"] == "not-satisfied"
    assert curl["description"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    assert curl["evidence_paths"] == "components/curl/component.json"
    assert curl["evidence_sha256"] == hashlib.sha256(b"components/curl/component.json").hexdigest()
    zlib_sr4 = next(r for r in rows if r["component"] == "zlib" and r["control_id"] == "SR-4")
    assert "components/zlib/upstream/verification.json" in zlib_sr4["evidence_paths"].split()


def test_change_control_with_overlays_not_verifiable_in_the_tree_is_satisfied_but_says_so():
    release = synthetic_release()
    bash = oscal.ComponentEvidence("bash", "altered", "Altered: 2 overlays.", ("overlays",),
                                   ("present", "tree-unverifiable"), (evidence("components/bash/component.json"),))
    release = oscal.ReleaseEvidence(**{**release.__dict__, "components": (bash,)})
    (finding,) = oscal.assessment_results(release)["assessment-results"]["results"][0]["findings"]
    assert finding["target"]["status"]["state"] == "satisfied"
    assert "1 of 2 could not be verified there" in finding["description"]
