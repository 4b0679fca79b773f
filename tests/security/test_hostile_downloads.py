"""Hostile file names: a distribution key (or an uploaded artifact's name) made to rewrite the
Content-Disposition header of the downloads that carry it.

The azldev loader takes any TOML key as a distribution name, so the release is ingested from a
repository whose distro key is hostile. Every download then names exactly one file, in one plain
`filename="..."` parameter of safe ASCII characters: no injected parameter, no second name, no
header line, no quote or path.
"""

import json
import re

import pytest
from django.urls import reverse

from audits.services.ingest import IngestError, ingest_release
from evidence.services.bundles import (
    create_component_bundle,
    create_release_bundle,
)
from sbom.services.generate import generate_release_documents
from signing.models import SignatureBundle
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo

pytestmark = pytest.mark.django_db

HOSTILE_KEYS = {
    "quote-and-parameters": "azl\"; filename*=UTF-8''evil.html; x=\"",
    "non-ascii": "äzl-ünï",
    "path-and-backslash": "../..\\evil",
}
ONE_SAFE_NAME = re.compile(r'attachment; filename="[A-Za-z0-9._+~-]+"')


@pytest.fixture(params=HOSTILE_KEYS.values(), ids=HOSTILE_KEYS.keys())
def hostile_release(request, tmp_path, allow_local_sources):
    """The sample repository with its distribution key replaced by a hostile one, ingested, with its SBOMs,
    a release and a component evidence bundle, and an uploaded bundle of an artifact named after the release."""
    key = request.param
    files = sample_repo.files()
    files["distro/azurelinux.distro.toml"] = files["distro/azurelinux.distro.toml"].replace(
        "distros.azurelinux", f"distros.{json.dumps(key)}")
    files["base/project.toml"] = files["base/project.toml"].replace('name = "azurelinux"', f"name = {json.dumps(key)}")
    init_repo(tmp_path / "repo", files)
    release = ingest_release(str(tmp_path / "repo"), "main").release
    assert release.distribution.name == key
    generate_release_documents(release)
    create_release_bundle(release)
    create_component_bundle(release, "curl")
    SignatureBundle.objects.create(release=release, origin="uploaded", artifact_name=f"{key}-{release.version}.tar",
                                   artifact_content=b"artifact", artifact_sha256="ab" * 32, content=b"{}", sha256="cd" * 32)
    return release


def every_download(release) -> list[str]:
    """The URL of each download a release offers, pages and API alike."""
    pk = release.pk
    urls = [reverse(f"sbom:release-{fmt}", args=[pk]) for fmt in ("cyclonedx-json", "cyclonedx-xml", "spdx-json")]
    urls += [reverse(f"sbom:component-{fmt}", args=[pk, "curl"]) for fmt in ("cyclonedx-json", "cyclonedx-xml", "spdx-json")]
    for bundle in release.evidence_bundles.all():
        urls.append(reverse("evidence:download", args=[bundle.pk]))
        urls.append(reverse("api:evidence-bundle-download", args=[pk, bundle.pk]))
        if not bundle.component_name:
            urls += [reverse("evidence:oscal", args=[bundle.pk, member]) for member in ("oscal.json", "findings.csv")]
    for document in release.sbom_documents.all():
        urls.append(reverse("api:sbom-document-download", args=[pk, document.pk]))
    urls.append(reverse("api:component-sbom", args=[pk, "curl", "spdx-json"]))
    for bundle in release.signature_bundles.all():
        urls += [reverse("signing:bundle", args=[bundle.pk]), reverse("signing:bundle-artifact", args=[bundle.pk]),
                 reverse("api:signature-bundle-download", args=[pk, bundle.pk])]
    urls += [reverse("audits:component-export", args=[pk, fmt]) for fmt in ("csv", "xlsx")]
    urls.append(reverse("audits:compare-export") + f"?old={pk}&new={pk}")
    return urls


def test_every_download_of_a_release_with_a_hostile_distribution_key_names_one_safe_file(hostile_release,
                                                                                        auditor_client):
    headers = {}
    for url in every_download(hostile_release):
        response = auditor_client.get(url)
        assert response.status_code == 200, url
        headers[url] = response["Content-Disposition"]
    assert len(headers) >= 19  # 23 with a release bundle (4 of its downloads)
    assert {url: header for url, header in headers.items() if not ONE_SAFE_NAME.fullmatch(header)} == {}


def test_the_quoted_distribution_key_cannot_add_a_second_file_name_to_the_oscal_download(auditor_client, tmp_path,
                                                                                         allow_local_sources):
    files = sample_repo.files()
    key = HOSTILE_KEYS["quote-and-parameters"]
    files["distro/azurelinux.distro.toml"] = files["distro/azurelinux.distro.toml"].replace(
        "distros.azurelinux", f"distros.{json.dumps(key)}")
    files["base/project.toml"] = files["base/project.toml"].replace('name = "azurelinux"', f"name = {json.dumps(key)}")
    init_repo(tmp_path / "repo", files)
    bundle = create_release_bundle(ingest_release(str(tmp_path / "repo"), "main").release)
    header = auditor_client.get(reverse("evidence:oscal", args=[bundle.pk, "oscal.json"]))["Content-Disposition"]
    assert "filename*" not in header and header.count("filename=") == 1 and "evil.html;" not in header
    assert header == f'attachment; filename="pedigree-evidence-azl_filename_UTF-8_evil.html_x_-4.0-' \
                     f'{bundle.release.commit.sha[:12]}-{bundle.pk}-oscal.json"'


def test_an_uploaded_artifact_named_to_inject_a_header_downloads_under_a_safe_name(release, auditor_client):
    bundle = SignatureBundle.objects.create(
        release=release, origin="uploaded", artifact_name='notes.txt"\r\nContent-Type: text/html; x="',
        artifact_content=b"<script>alert(1)</script>", artifact_sha256="ab" * 32, content=b"{}", sha256="cd" * 32)
    response = auditor_client.get(reverse("signing:bundle-artifact", args=[bundle.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt_Content-Type_text_html_x_"'
    assert response["Content-Type"] == "application/octet-stream" and response["X-Content-Type-Options"] == "nosniff"


def test_the_release_page_verify_command_names_a_hostile_artifact_as_it_downloads(release, auditor_client):
    SignatureBundle.objects.create(release=release, origin="uploaded", artifact_name="notes\"; x=.txt",
                                   artifact_content=b"notes", artifact_sha256="ab" * 32, content=b"{}", sha256="cd" * 32)
    page = auditor_client.get(reverse("audits:release-detail", args=[release.pk])).content.decode()
    (command,) = re.findall(r'<code class="verify-command"[^>]*>(.*?)</code>', page)
    assert command.endswith(" notes_x_.txt") and "--bundle notes_x_.txt.sigstore.json " in command


@pytest.mark.parametrize("key", ["azl\r\nX-Evil: 1", "azl\x00", "azl\u2028x", " "])
def test_a_distribution_key_with_a_line_break_or_control_character_is_refused_at_ingest(key, tmp_path,
                                                                                        allow_local_sources):
    files = sample_repo.files()
    files["distro/azurelinux.distro.toml"] = files["distro/azurelinux.distro.toml"].replace(
        "distros.azurelinux", f"distros.{json.dumps(key)}")
    files["base/project.toml"] = files["base/project.toml"].replace('name = "azurelinux"', f"name = {json.dumps(key)}")
    init_repo(tmp_path / "repo", files)
    with pytest.raises(IngestError, match="invalid distribution key"):
        ingest_release(str(tmp_path / "repo"), "main")
