"""Hostile values in an ingested repository: a commit e-mail no schema accepts, a source digest that is
not hex or has the wrong length, a Version that expands to 4 KB, a homepage URL with a character URIs
cannot hold, a control character in a Summary. Each is ingested as it is; every document of the
component and of the release is still generated and valid, the component's evidence bundle is built,
and the package page says what was left out of the documents and why.

The rules themselves (which values are published, and how each problem is worded) are tested on
facts in tests/sbom/test_sanitise.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from cyclonedx.schema import OutputFormat
from django.test import Client

from access.services import issue_api_key
from audits.models import Release, SourcesEntry
from audits.services.ingest import ingest_release
from evidence.models import EvidenceBundle
from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process
from sbom.services import cyclonedx_validation, spdx
from tests.audits import sample_repo
from tests.support.gitrepo import commit_all, init_repo, write_files

pytestmark = pytest.mark.django_db

CURL_SPEC = "specs/c/curl/curl.spec"
COMPONENTS = "base/comps/components.toml"
LONG_VERSION = ".".join(["1234567"] * 512)  # 4095 characters; the CycloneDX 1.6 schema allows 1024


def curl_spec(**replace: str) -> dict[str, str]:
    """curl's rendered spec with some of its lines replaced."""
    text = sample_repo.spec("curl", "8.15.0")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return {CURL_SPEC: text}


def curl_source_file(digest: str, algorithm: str = "SHA512") -> dict[str, str]:
    """curl with a `source-files` entry in its configuration."""
    toml = sample_repo.files()[COMPONENTS].replace("[components.curl]", (
        '[components.curl]\nsource-files = [{ filename = "curl-extra.tar.gz", '
        f'hash = "{digest}", hash-type = "{algorithm}" }}]'))
    return {COMPONENTS: toml}


@dataclass(frozen=True)
class Hostile:
    files: dict[str, str]
    shown: str  # what the problem shown for it quotes
    identity: dict[str, str] = field(default_factory=dict)


TOUCH_CURL = curl_spec(**{"%description": "# touched\n%description"})
CASES = {
    "author-email-with-no-valid-domain": Hostile(TOUCH_CURL, "root@host.(none)", {"GIT_AUTHOR_EMAIL": "root@host.(none)"}),
    "committer-email-with-no-valid-domain": Hostile(TOUCH_CURL, "root@host.(none)",
                                                    {"GIT_COMMITTER_EMAIL": "root@host.(none)"}),
    "source-files-hash-that-is-not-hex": Hostile(curl_source_file("z" * 128), "z" * 20),
    "source-files-hash-of-the-wrong-length": Hostile(curl_source_file("ab" * 10, "SHA256"), "ab" * 10),
    "version-expanding-to-4-kb": Hostile(
        {CURL_SPEC: f"%global longversion {LONG_VERSION}\n" + sample_repo.spec("curl", "%{longversion}")},
        "1234567.1234567"),
    "homepage-url-with-a-character-uris-cannot-hold": Hostile(
        curl_spec(**{"URL: https://example.org/curl": "URL: https://example.org/curl|tools"}), "https://example.org/curl|tools"),
    "homepage-url-on-a-host-with-no-domain-name": Hostile(
        curl_spec(**{"URL: https://example.org/curl": "URL: http://localhost/curl"}), "http://localhost/curl"),
    "control-character-in-the-summary": Hostile(
        curl_spec(**{"Summary: The curl package": "Summary: The curl\x01 package"}), "The curl\\x01 package"),
}
# Which of them made each output fail before they were sanitised (the others did not affect it)
BROKE_CYCLONEDX_JSON = ("author-email-with-no-valid-domain", "committer-email-with-no-valid-domain",
                        "source-files-hash-that-is-not-hex", "source-files-hash-of-the-wrong-length",
                        "version-expanding-to-4-kb", "homepage-url-with-a-character-uris-cannot-hold")
BROKE_CYCLONEDX_XML = ("source-files-hash-that-is-not-hex", "source-files-hash-of-the-wrong-length",
                       "version-expanding-to-4-kb", "control-character-in-the-summary")
BROKE_SPDX = ("homepage-url-on-a-host-with-no-domain-name",)


def cases(*names: str):
    return pytest.mark.parametrize("hostile", [CASES[n] for n in names], ids=names, indirect=True)


@pytest.fixture
def hostile(request) -> Hostile:
    return request.param


@pytest.fixture
def release(hostile, tmp_path, allow_local_sources) -> Release:
    """The sample repository, then one commit with the hostile value, ingested."""
    repo = tmp_path / "repo"
    init_repo(repo, sample_repo.files())
    write_files(repo, hostile.files)
    commit_all(repo, "hostile value", date="2026-03-05T12:00:00+00:00", identity=hostile.identity)
    ingested = ingest_release(str(repo), "main").release
    # complete identities, as the ingest's expander stores them (every sample spec: Release 3%{?dist}),
    # so that a hostile version is one the documents would publish
    ingested.components.update(identity_complete=True, release_expanded="3.azl4")
    return ingested


@pytest.fixture
def api(portal_admin) -> Client:
    _, secret = issue_api_key("hostile-repository-data", ["read", "export"], created_by=portal_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


@cases(*BROKE_CYCLONEDX_JSON)
def test_the_component_cyclonedx_json_download_is_valid(auditor_client, release):
    content = downloaded(auditor_client.get(f"/sbom/releases/{release.pk}/components/curl/cyclonedx.json"))
    assert cyclonedx_validation.validate(content, OutputFormat.JSON) == []


@cases(*BROKE_CYCLONEDX_XML)
def test_the_component_cyclonedx_xml_download_is_valid(auditor_client, release):
    content = downloaded(auditor_client.get(f"/sbom/releases/{release.pk}/components/curl/cyclonedx.xml"))
    assert cyclonedx_validation.validate(content, OutputFormat.XML) == []


@cases(*BROKE_SPDX)
def test_the_component_spdx_download_is_valid(auditor_client, release):
    content = downloaded(auditor_client.get(f"/sbom/releases/{release.pk}/components/curl/spdx.json"))
    assert spdx.validate(content) == []


@cases(*BROKE_CYCLONEDX_JSON)
def test_the_api_answers_the_component_sbom_with_a_valid_document(api, release):
    content = downloaded(api.get(f"/api/v1/releases/{release.pk}/components/curl/sbom/cyclonedx-json/"))
    assert cyclonedx_validation.validate(content, OutputFormat.JSON) == []


@cases(*CASES)
def test_the_release_sbom_job_succeeds(release):
    job = run_job_in_process(JobKind.SBOM, {"release_id": release.pk}, release=release)
    assert job.status == JobStatus.SUCCEEDED, job.error


@cases(*CASES)
def test_the_release_sbom_job_result_names_the_component_and_its_problem(release, hostile):
    job = run_job_in_process(JobKind.SBOM, {"release_id": release.pk}, release=release)
    problems = job.result["publication_problems"]
    assert problems["components"] == 1 and list(problems["by_component"]) == ["curl"]
    assert any(hostile.shown in text for text in problems["by_component"]["curl"])


@cases(*BROKE_CYCLONEDX_JSON)
def test_the_component_evidence_bundle_is_created(auditor_client, release):
    response = auditor_client.post(f"/releases/{release.pk}/components/curl/evidence/")
    bundle = EvidenceBundle.objects.get(release=release, component_name="curl")
    assert response.status_code == 302 and response["Location"] == f"/evidence/{bundle.pk}.zip"


@cases(*CASES)
def test_the_package_page_shows_the_publication_problem_once_an_sbom_is_generated(auditor_client, release, hostile):
    run_job_in_process(JobKind.SBOM, {"release_id": release.pk}, release=release)
    page = auditor_client.get(f"/releases/{release.pk}/components/curl/").content.decode()
    section = page[page.index('id="publication-problems"'):]
    assert hostile.shown in section[:section.index("</section>")]


# A `sources` file line with a bad digest is refused at ingest (tests/audits); a stored entry can
# still have one (an older ingest), and the documents must not trust it either.


@pytest.fixture
def release_with_a_stored_bad_digest(tmp_path, allow_local_sources) -> Release:
    repo = tmp_path / "repo"
    init_repo(repo, sample_repo.files())
    release = ingest_release(str(repo), "main").release
    SourcesEntry.objects.filter(component__release=release, component__name="curl").update(digest="not-hex")
    return release


def test_a_stored_sources_entry_with_a_bad_digest_leaves_the_component_cyclonedx_valid(
        auditor_client, release_with_a_stored_bad_digest):
    release = release_with_a_stored_bad_digest
    content = downloaded(auditor_client.get(f"/sbom/releases/{release.pk}/components/curl/cyclonedx.json"))
    assert cyclonedx_validation.validate(content, OutputFormat.JSON) == []
    assert "not-hex" in json.dumps(json.loads(content)["components"][0]["properties"])
