"""The images' own CycloneDX documents: made by the SBOM job after the release's, validated like them (the
library's schema validation and the CycloneDX JavaScript library's strict validators), over the synthetic
repository of tests/audits/image_repo.py."""

import json

import pytest

from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process
from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from tests.audits import image_repo
from tests.sbom.conftest import set_identities
from tests.support import cyclonedx_js

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_release(tmp_path, allow_local_sources):
    release = image_repo.ingest(tmp_path)
    set_identities(release)
    return release


@pytest.fixture
def sbom_job(image_release):
    job = run_job_in_process(JobKind.SBOM, {"release_id": image_release.pk}, release=image_release)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def image_bom(release, name: str) -> dict:
    document = SbomDocument.objects.get(release=release, image_name=name, format=SbomFormat.CYCLONEDX_JSON)
    return json.loads(bytes(document.content))


def test_the_sbom_job_stores_cyclonedx_json_and_xml_of_every_image_beside_the_release_documents(image_release, sbom_job):
    stored = set(SbomDocument.objects.filter(release=image_release).values_list("image_name", "format"))
    images = {"vm", "box-core", "box-full"}
    assert stored == {("", f) for f in SbomFormat.values} | {(i, f) for i in images for f in ("cyclonedx-json", "cyclonedx-xml")}
    assert set(sbom_job.result["images"]) == images


def test_the_image_is_the_metadata_component(image_release, sbom_job):
    vm, box = image_bom(image_release, "vm"), image_bom(image_release, "box-core")
    assert (vm["metadata"]["component"]["type"], vm["metadata"]["component"]["name"]) == ("operating-system", "vm")
    assert box["metadata"]["component"]["type"] == "container"
    properties = {(p["name"], p["value"]) for p in vm["metadata"]["component"]["properties"]}
    assert ("pedigree:image-description-file", "base/images/vm/vm.kiwi") in properties
    assert any(n == "pedigree:image-unresolved" and v.startswith("no-such-package: ") for n, v in properties)
    assert any(n == "pedigree:image-contents" and "not from a dependency solver" in v for n, v in properties)


def test_the_components_are_the_images_source_packages_with_their_pedigree_and_only_its_binaries(image_release, sbom_job):
    bom = image_bom(image_release, "vm")
    sources = {c["name"]: c for c in bom["components"]}
    assert set(sources) == {"bash", "curl", "mypkg", "zlib"}
    assert [b["name"] for b in sources["curl"]["components"]] == ["curl"]  # curl-devel is deleted by the description
    assert sources["bash"]["pedigree"]["patches"]  # the overlay, as in the release document


def test_the_images_assembly_is_incomplete(image_release, sbom_job):
    compositions = image_bom(image_release, "box-core")["compositions"]
    assert {"aggregate": "incomplete", "assemblies": ["release"]} in compositions
    assert all(c["aggregate"] != "complete" for c in compositions)


def test_image_documents_pass_the_cyclonedx_javascript_validators(image_release, sbom_job, tmp_path):
    for fmt, suffix in ((SbomFormat.CYCLONEDX_JSON, "json"), (SbomFormat.CYCLONEDX_XML, "xml")):
        path = tmp_path / f"vm.cdx.{suffix}"
        path.write_bytes(bytes(SbomDocument.objects.get(release=image_release, image_name="vm", format=fmt).content))
        result = cyclonedx_js.validate(path, suffix)
        assert result["valid"], result
    document = SbomDocument.objects.get(release=image_release, image_name="vm", format=SbomFormat.CYCLONEDX_JSON)
    assert document.validation["valid"] and document.file_name.endswith("-image-vm.cdx.json")


def test_a_second_run_changes_no_image_document(image_release, sbom_job):
    again = run_job_in_process(JobKind.SBOM, {"release_id": image_release.pk}, release=image_release)
    assert not any(d["changed"] for formats in again.result["images"].values() for d in formats.values())


def test_the_image_page_links_its_documents_and_they_download(auditor_client, image_release, sbom_job):
    image = image_release.images.get(name="vm")
    html = auditor_client.get(f"/releases/{image_release.pk}/images/{image.pk}/").content.decode()
    url = f"/sbom/releases/{image_release.pk}/images/vm/cyclonedx.json"
    assert f'href="{url}"' in html
    response = auditor_client.get(url)
    assert response.status_code == 200 and json.loads(b"".join(response.streaming_content))["metadata"]["component"]["name"] == "vm"


def test_the_release_documents_stay_the_release_ones(auditor_client, image_release, sbom_job):
    response = auditor_client.get(f"/sbom/releases/{image_release.pk}/cyclonedx.json")
    assert json.loads(b"".join(response.streaming_content))["metadata"]["component"]["name"] == "azurelinux"
