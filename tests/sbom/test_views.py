"""Downloads: URLs, content types, file names, ETag / Last-Modified, sign-in, reports."""

import json

import pytest
from django.urls import reverse

from sbom.choices import SbomFormat
from sbom.models import SbomDocument

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.sbom.urls")]


def test_release_cyclonedx_json_downloads_with_its_file_name_and_type(auditor_client, release, generated):
    response = auditor_client.get(f"/sbom/releases/{release.pk}/cyclonedx.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.cyclonedx+json; version=1.6"
    expected = f'azurelinux-4.0-{release.commit.sha[:12]}.cdx.json'
    assert f'filename="{expected}"' in response["Content-Disposition"]


def test_download_is_streamed_and_is_the_stored_bytes(auditor_client, release, generated):
    response = auditor_client.get(f"/sbom/releases/{release.pk}/cyclonedx.xml")
    document = SbomDocument.objects.get(release=release, component_name="", format=SbomFormat.CYCLONEDX_XML)
    assert response.streaming and b"".join(response.streaming_content) == bytes(document.content)


def test_download_has_the_sha256_etag_and_the_commit_date_as_last_modified(auditor_client, release, generated):
    response = auditor_client.get(f"/sbom/releases/{release.pk}/spdx.json")
    assert response["ETag"] == f'"{generated["documents"]["spdx-json"]["sha256"]}"'
    assert response["Last-Modified"] == "Sun, 01 Mar 2026 12:00:00 GMT"
    assert response["Content-Type"] == "application/spdx+json"


def test_a_matching_etag_gets_not_modified(auditor_client, release, generated):
    etag = f'"{generated["documents"]["cyclonedx-json"]["sha256"]}"'
    response = auditor_client.get(f"/sbom/releases/{release.pk}/cyclonedx.json", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_a_release_without_documents_answers_not_found(auditor_client, release):
    assert auditor_client.get(f"/sbom/releases/{release.pk}/cyclonedx.json").status_code == 404


def test_downloads_require_sign_in(client, release, generated):
    response = client.get(f"/sbom/releases/{release.pk}/cyclonedx.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_component_bom_downloads_under_its_own_name(auditor_client, release):
    response = auditor_client.get(f"/sbom/releases/{release.pk}/components/curl/cyclonedx.json")
    assert response.status_code == 200
    assert f'{release.commit.sha[:12]}-curl.cdx.json"' in response["Content-Disposition"]
    assert [c["name"] for c in json.loads(b"".join(response.streaming_content))["components"]] == ["curl"]


def test_an_unknown_component_answers_not_found(auditor_client, release):
    assert auditor_client.get(f"/sbom/releases/{release.pk}/components/nope/cyclonedx.json").status_code == 404


def test_report_is_served_as_json(auditor_client, release, generated):
    document_id = generated["documents"]["cyclonedx-json"]["id"]
    response = auditor_client.get(f"/sbom/documents/{document_id}/report.json")
    body = response.json()
    assert response["Content-Type"] == "application/json"
    assert body["document"]["sha256"] == generated["documents"]["cyclonedx-json"]["sha256"]
    assert {e["element"] for e in body["report"]["bsi_tr_03183_2"]} >= {"Component creator", "Timestamp"}


def test_release_page_links_every_document(auditor_client, release, generated):
    response = auditor_client.get(reverse("sbom:release", args=[release.pk]))
    assert response.status_code == 200
    for name in ("release-cyclonedx-json", "release-cyclonedx-xml", "release-spdx-json"):
        assert reverse(f"sbom:{name}", args=[release.pk]) in response.content.decode()


def test_a_component_document_that_fails_validation_answers_500_with_the_reason(auditor_client, release, monkeypatch):
    monkeypatch.setattr("sbom.services.generate.cyclonedx.validate", lambda content, fmt: ["forced: not valid"])
    response = auditor_client.get(f"/sbom/releases/{release.pk}/components/curl/cyclonedx.json")
    assert response.status_code == 500 and "forced: not valid" in response.content.decode()
