"""The audit's decisions in the evidence: OSCAL (schema-valid) with the reviewers as parties, the policy
rules as activities and the policy findings; the release bundle with the decisions and the signed sign-off."""

import dataclasses
import io
import json
import zipfile

import pytest

from evidence import oscal
from evidence.models import EvidenceBundle
from evidence.services.bundles import create_release_bundle
from tests.evidence.test_oscal import T1, synthetic_release
from tests.policies.test_signoff import signed_off  # noqa: F401  (fixture)


def with_decisions() -> oscal.ReleaseEvidence:
    return dataclasses.replace(
        synthetic_release(), policy_version=3,
        policy_rules=(oscal.PolicyRule("overlay-description", "Every overlay has a description", "low"),),
        policy_findings=(
            oscal.PolicyFinding("bash", "overlay-description", "low", "overlay 1 has no description", False),
            oscal.PolicyFinding("curl", "overlay-description", "low", "overlay 2 has no description", True,
                                "Waived by manny until 2027-01-01: upstream fix pending\nsee ticket"),
        ),
        decisions=(oscal.ReviewDecision("bash", "accepted", "audrey", T1, "checked\nline two", "f" * 64),
                   oscal.ReviewDecision("curl", "waived", "api key grc", T1, "", "e" * 64)),
    )


def test_the_assessment_results_with_decisions_are_schema_valid():
    assert oscal.validate(oscal.assessment_results(with_decisions())) == []


def test_reviewers_are_parties_and_each_decision_an_observation_of_its_reviewer():
    document = oscal.assessment_results(with_decisions())["assessment-results"]
    parties = {p["name"]: p["uuid"] for p in document["metadata"]["parties"]}
    assert set(parties) == {"audrey", "api key grc"}
    reviews = [o for o in document["results"][0]["observations"] if o["title"].endswith("review accepted")]
    (review,) = reviews
    assert review["origins"] == [{"actors": [{"type": "party", "actor-uuid": parties["audrey"]}]}]
    assert {"name": "review-state", "ns": oscal.PROPS_NS, "value": "accepted"} in review["props"]


def test_policy_rules_are_activities_and_violations_findings_with_their_status():
    document = oscal.assessment_results(with_decisions())["assessment-results"]
    (activity,) = document["local-definitions"]["activities"]
    assert activity["title"] == "Policy rule overlay-description" and "(policy version 3)" in activity["description"]
    policy = [f for f in document["results"][0]["findings"] if f["title"].endswith("policy rule overlay-description")]
    statuses = {f["title"].split(":")[0]: [p["value"] for p in f["props"] if p["name"] == "policy-status"]
                for f in policy}
    assert statuses == {"bash": ["open"], "curl": ["waived"]}
    assert "upstream fix pending" in next(f["remarks"] for f in policy if f["title"].startswith("curl"))


@pytest.mark.django_db
def test_the_release_bundle_carries_the_decisions_and_the_signed_sign_off(signed_off, release, release_manager):
    bundle = create_release_bundle(release, user=release_manager)
    archive = zipfile.ZipFile(io.BytesIO(bytes(EvidenceBundle.objects.get(pk=bundle.pk).content)))
    names = set(archive.namelist())
    assert {"release/decisions/reviews.json", "release/decisions/findings.json", "release/decisions/waivers.json",
            "release/decisions/policy-v1.toml"} <= names
    name = "release/decisions/" + json.loads(bytes(signed_off.statement))["subject"][0]["name"]
    assert {name, f"{name}.intoto.json", f"{name}.sigstore.json"} <= names
    assert archive.read(name) == bytes(signed_off.document)
    assert archive.read(f"{name}.sigstore.json") == bytes(signed_off.bundle)
    reviews = json.loads(archive.read("release/decisions/reviews.json"))
    assert {r["component"] for r in reviews} == {"bash", "mypkg", "zlib"}
    document = json.loads(archive.read("oscal/assessment-results.json"))["assessment-results"]
    assert [p["name"] for p in document["metadata"]["parties"]] == ["audrey"]
    assert oscal.validate({"assessment-results": document}) == []


@pytest.mark.django_db
def test_the_pdf_report_has_a_decisions_section_with_every_decision_and_the_sign_off(signed_off, release):
    from evidence.services.decisions import decisions_section, load_decisions

    section = decisions_section(load_decisions(release, signed_off.signed_at))
    assert section.heading == "Decisions" and section.paragraphs[0].startswith("Signed off by manny at ")
    assert section.paragraphs[1].startswith("Policy violations: 0 open, 1 waived")
    assert [(r[0], r[1], r[2]) for r in section.rows] == [("bash", "accepted", "audrey"), ("mypkg", "accepted", "audrey"),
                                                          ("zlib", "accepted", "audrey")]
