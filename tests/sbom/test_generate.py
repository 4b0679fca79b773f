"""Release and component documents of the sample repository: content, determinism, storage, the job."""

import json

import pytest
from cyclonedx.model.bom import Bom
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import OutputFormat

from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from sbom import __version__
from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services import cyclonedx, identity
from sbom.services.generate import (
    component_document,
    generate_release_documents,
    load_release_facts,
)
from sbom.tasks import generate_release_sbom_job
from tests.sbom.conftest import component_of, properties_of

pytestmark = pytest.mark.django_db


def stored(release, fmt, component=""):
    return SbomDocument.objects.get(release=release, component_name=component, format=fmt)


# ----------------------------------------------------------------------------- the job


def test_the_job_stores_three_validated_documents_with_digests(release):
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": release.pk})
    generate_release_sbom_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert set(job.result["documents"]) == {"cyclonedx-json", "cyclonedx-xml", "spdx-json"}
    for document in SbomDocument.objects.filter(release=release):
        assert document.validation["valid"] and document.job_id == job.pk
        assert document.size == len(bytes(document.content)) and len(document.sha512) == 128


def test_the_job_records_its_last_stage(release):
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": release.pk})
    generate_release_sbom_job(job.pk)
    job.refresh_from_db()
    assert job.stage == "done" and job.progress_total > 0 and job.heartbeat_at is not None


def test_the_job_for_a_missing_release_fails_with_a_message(db):
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": 999})
    generate_release_sbom_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "does not exist" in job.error


# ----------------------------------------------------------------------------- determinism and storage


def test_a_rerun_gives_byte_identical_documents_and_keeps_the_rows(release, generated):
    again = generate_release_documents(release)
    for fmt, first in generated["documents"].items():
        assert again["documents"][fmt]["sha256"] == first["sha256"]
        assert again["documents"][fmt]["id"] == first["id"]
        assert again["documents"][fmt]["changed"] is False


def test_serial_number_is_a_uuid5_of_the_release_commit(release, bom):
    expected = identity.serial_uuid(load_release_facts(release), "release", identity.BomOptions())
    assert bom["serialNumber"] == f"urn:uuid:{expected}" and expected.version == 5


def test_timestamp_is_the_release_commit_date(release, bom):
    assert bom["metadata"]["timestamp"] == release.commit.committed_at.isoformat()


def test_stored_json_parses_back_and_reserialises_identically_but_for_the_compositions(release, generated):
    content = bytes(stored(release, SbomFormat.CYCLONEDX_JSON).content)
    bom = Bom.from_json(json.loads(content))
    # the library has no model for compositions (cyclonedx_graph.py): everything else comes back
    expected = json.loads(content)
    assert expected.pop("compositions")
    assert json.loads(JsonV1Dot6(bom).output_as_string(indent=None)) == expected


def test_stored_xml_validates_against_the_schema(release, generated):
    assert cyclonedx.validate(bytes(stored(release, SbomFormat.CYCLONEDX_XML).content), OutputFormat.XML) == []


def test_spdx_document_is_valid_spdx_2_3(release, generated):
    from sbom.services import spdx

    content = bytes(stored(release, SbomFormat.SPDX_JSON).content)
    assert spdx.validate(content) == [] and json.loads(content)["spdxVersion"] == "SPDX-2.3"


def test_report_is_stored_with_the_document(release, generated):
    report = stored(release, SbomFormat.CYCLONEDX_JSON).report
    elements = {e["element"]: e["status"] for e in report["ntia_minimum_elements"]}
    assert elements["Supplier name"] == "present" and elements["Timestamp"] == "present"
    assert elements["Author of SBOM data"] == "missing"


# ----------------------------------------------------------------------------- metadata


def test_metadata_names_the_release_tool_supplier_and_lifecycle(release, bom):
    metadata = bom["metadata"]
    assert (metadata["component"]["name"], metadata["component"]["version"]) == ("azurelinux", "4.0")
    assert ("pedigree:release-commit", release.commit.sha) in properties_of(metadata["component"])
    assert {"name": "Pedigree", "version": __version__}.items() <= metadata["tools"]["components"][0].items()
    assert metadata["supplier"]["name"] == "Microsoft Corporation"
    assert metadata["lifecycles"] == [{"phase": "pre-build"}]


def test_the_release_depends_on_every_source_package(bom):
    (root,) = [d for d in bom["dependencies"] if d["ref"] == "release"]
    assert sorted(root["dependsOn"]) == ["src/bash", "src/curl", "src/mypkg", "src/openssl", "src/zlib"]


# ----------------------------------------------------------------------------- an intact component


def test_intact_component_has_evr_purl_and_fedora_ancestor(bom):
    curl = component_of(bom, "curl")
    assert curl["version"] == "8.15.0-3.azl4"
    assert curl["purl"] == "pkg:rpm/azurelinux/curl@8.15.0-3.azl4?arch=src&distro=azurelinux-4.0"
    (ancestor,) = curl["pedigree"]["ancestors"]
    assert ancestor["purl"] == "pkg:rpm/fedora/curl@8.15.0?arch=src&distro=fedora-43"
    assert "patches" not in curl["pedigree"]


def test_intact_component_carries_its_source_archive_digest(bom):
    (ref,) = [r for r in component_of(bom, "curl")["externalReferences"] if r["type"] == "source-distribution"]
    assert ref["hashes"] == [{"alg": "SHA-512", "content": "ab" * 64}]


def test_binary_packages_are_nested_with_their_channel(bom):
    binaries = {b["name"]: dict(properties_of(b)) for b in component_of(bom, "curl")["components"]}
    assert binaries["curl"]["pedigree:channel"] == "rpm-base"
    assert binaries["curl-devel"]["pedigree:channel"] == "rpm-sdk"


def test_classification_is_a_pedigree_property(bom):
    assert ("pedigree:classification", "intact") in properties_of(component_of(bom, "curl"))


def test_spdx_license_id_is_used_when_valid(bom):
    assert component_of(bom, "curl")["licenses"] == [{"license": {"id": "MIT"}}]


# ----------------------------------------------------------------------------- an altered component


def test_altered_component_has_one_unofficial_patch_per_overlay(bom):
    (patch,) = component_of(bom, "bash")["pedigree"]["patches"]
    assert patch["type"] == "unofficial"


def test_overlay_bugs_become_resolved_issues(bom):
    (patch,) = component_of(bom, "bash")["pedigree"]["patches"]
    assert patch["resolves"] == [{"type": "defect", "references": ["https://bugs.example.org/1"]}]


def test_altered_component_ancestor_is_the_rawhide_package(bom):
    (ancestor,) = component_of(bom, "bash")["pedigree"]["ancestors"]
    assert ancestor["purl"] == "pkg:rpm/fedora/bash@5.3?arch=src&distro=fedora-rawhide"


def test_verdict_is_the_pedigree_notes(bom, release):
    bash = release.components.get(name="bash")
    assert component_of(bom, "bash")["pedigree"]["notes"] == bash.verdict


def test_distro_commit_that_last_changed_the_component_is_listed(bom, release):
    commits = component_of(bom, "bash")["pedigree"]["commits"]
    assert [c["uid"] for c in commits] == [release.commit.sha]


# ----------------------------------------------------------------------------- a pinned component


def test_pinned_component_lists_the_pinned_dist_git_commit(bom):
    openssl = component_of(bom, "openssl")
    assert {"uid": "abcdef1", "url": "https://src.example.org/rpms/openssl.git",
            "message": "pinned fedora dist-git commit"} in openssl["pedigree"]["commits"]
    assert ("pedigree:classification", "pinned") in properties_of(openssl)


def test_autorelease_and_epoch_give_the_full_evr(bom):
    openssl = component_of(bom, "openssl")
    assert openssl["version"] == "1:3.5.1-7.azl4"
    assert openssl["purl"] == "pkg:rpm/azurelinux/openssl@3.5.1-7.azl4?arch=src&distro=azurelinux-4.0&epoch=1"


def test_license_expression_is_kept_as_an_spdx_expression(bom):
    assert component_of(bom, "openssl")["licenses"] == [{"expression": "Apache-2.0 AND (MIT OR BSD-2-Clause)"}]


# ----------------------------------------------------------------------------- a local and a build-customised component


def test_local_component_has_no_ancestor(bom):
    mypkg = component_of(bom, "mypkg")
    assert "ancestors" not in mypkg["pedigree"]
    assert ("pedigree:classification", "local") in properties_of(mypkg)


def test_check_skip_and_its_reason_are_properties(bom):
    props = properties_of(component_of(bom, "zlib"))
    assert ("pedigree:check-skipped", "true") in props
    assert ("pedigree:check-skip-reason", "Tests need network access") in props
    assert ("pedigree:reason", "check-skipped") in props


# ----------------------------------------------------------------------------- component BOMs


def test_component_bom_is_generated_on_demand_and_stored(release):
    document = component_document(release, "bash", SbomFormat.CYCLONEDX_JSON)
    bom = json.loads(bytes(document.content))
    assert [c["name"] for c in bom["components"]] == ["bash"]
    assert component_document(release, "bash", SbomFormat.CYCLONEDX_JSON).pk == document.pk


def test_component_bom_has_its_own_serial_number(release, bom):
    document = component_document(release, "bash", SbomFormat.CYCLONEDX_JSON)
    assert json.loads(bytes(document.content))["serialNumber"] != bom["serialNumber"]


def test_each_cyclonedx_document_records_the_validator_that_checked_it(release, generated):
    assert stored(release, SbomFormat.CYCLONEDX_JSON).validation["validator"].startswith("jsonschema-rs ")
    assert "XSD" in stored(release, SbomFormat.CYCLONEDX_XML).validation["validator"]
