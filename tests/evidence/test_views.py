"""Who may list, download and start evidence bundles, and what the downloads look like."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AccessLog
from audits.models import UpstreamVerification
from evidence.check import check_bundle
from evidence.models import EvidenceBundle
from evidence.services.bundles import create_release_bundle
from jobs.choices import JobKind
from jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(release, release_manager):
    return create_release_bundle(release, user=release_manager)


def test_an_auditor_downloads_a_bundle_with_its_name_and_etag(auditor_client, bundle, release):
    response = auditor_client.get(f"/evidence/{bundle.pk}.zip")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == bytes(bundle.content) and check_bundle(io.BytesIO(content)).ok
    assert response["Content-Type"] == "application/zip"
    assert response["ETag"] == f'"{bundle.sha256}"'
    assert response["Content-Disposition"] == (
        f'attachment; filename="pedigree-evidence-{release.distribution.name}-{release.version}-'
        f'{release.commit.sha[:12]}-{bundle.pk}.zip"')
    assert AccessLog.objects.filter(action="export", target__startswith=f"evidence bundle {bundle.pk}").exists()


def test_a_matching_etag_gives_304(auditor_client, bundle):
    response = auditor_client.get(f"/evidence/{bundle.pk}.zip", HTTP_IF_NONE_MATCH=f'"{bundle.sha256}"')
    assert response.status_code == 304


def test_the_oscal_document_and_findings_csv_come_from_the_release_bundle(auditor_client, bundle):
    document = auditor_client.get(f"/evidence/{bundle.pk}/oscal.json")
    assert document.status_code == 200 and document.json()["assessment-results"]["metadata"]["oscal-version"] == "1.2.3"
    findings = auditor_client.get(f"/evidence/{bundle.pk}/findings.csv")
    assert findings.status_code == 200 and findings.content.startswith(b"finding_uuid,control_id")


def test_an_outsider_gets_403_everywhere(client, outsider, bundle, release):
    client.force_login(outsider)
    assert client.get(f"/evidence/{bundle.pk}.zip").status_code == 403
    assert client.get(f"/evidence/{bundle.pk}/oscal.json").status_code == 403
    assert client.get(f"/releases/{release.pk}/evidence/").status_code == 403
    assert client.post(f"/releases/{release.pk}/evidence/start/").status_code == 403
    assert client.post(f"/releases/{release.pk}/components/bash/evidence/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, bundle):
    response = client.get(f"/evidence/{bundle.pk}.zip")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_release_managers_start_the_release_job(auditor_client, client, release_manager, release):
    assert auditor_client.post(f"/releases/{release.pk}/evidence/start/").status_code == 403
    assert not Job.objects.exists()
    client.force_login(release_manager)
    response = client.post(f"/releases/{release.pk}/evidence/start/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#job-{job.pk}")
    assert (job.kind, job.params, job.created_by, job.release) == (JobKind.EVIDENCE, {"release_id": release.pk}, release_manager, release)


def test_an_auditor_generates_a_component_bundle_and_is_sent_to_its_download(auditor_client, auditor, release):
    response = auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    bundle = EvidenceBundle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evidence/{bundle.pk}.zip"
    assert (bundle.component_name, bundle.requested_by) == ("bash", auditor)


def test_a_component_bundle_whose_evidence_changed_is_stored_anew(auditor_client, release, drifting_bash):
    first = auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    UpstreamVerification.objects.filter(pk=drifting_bash.pk).update(reason="3 lines differ")
    again = auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    assert EvidenceBundle.objects.count() == 2 and first["Location"] != again["Location"]


def test_another_user_s_component_bundle_is_never_handed_out(auditor_client, client, release, release_manager):
    mine = auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    client.force_login(release_manager)
    theirs = client.post(f"/releases/{release.pk}/components/bash/evidence/")
    assert mine["Location"] != theirs["Location"]
    assert sorted(b.requested_by.username for b in EvidenceBundle.objects.all()) == ["audrey", "manny"]


def test_a_component_bundle_older_than_a_day_is_not_handed_out_again(auditor_client, release):
    auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    EvidenceBundle.objects.update(requested_at=timezone.now() - dt.timedelta(hours=25))
    auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    assert EvidenceBundle.objects.count() == 2


def test_the_daily_maximum_of_component_bundles_counts_per_user(auditor_client, client, release, release_manager,
                                                                settings):
    settings.PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY = 1
    assert auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/").status_code == 302
    assert auditor_client.post(f"/releases/{release.pk}/components/curl/evidence/").status_code == 429
    client.force_login(release_manager)
    assert client.post(f"/releases/{release.pk}/components/curl/evidence/").status_code == 302


def test_without_a_daily_maximum_every_changed_bundle_is_stored(auditor_client, release, settings):
    settings.PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY = 0
    for name in ("bash", "curl", "zlib"):
        assert auditor_client.post(f"/releases/{release.pk}/components/{name}/evidence/").status_code == 302
    assert EvidenceBundle.objects.count() == 3


def test_the_list_shows_bundles_and_the_pages_offer_the_actions(auditor_client, client, release_manager, bundle, release):
    html = auditor_client.get(f"/releases/{release.pk}/evidence/").content.decode()
    assert f'href="/evidence/{bundle.pk}.zip"' in html and bundle.sha256 in html and "findings CSV" in html
    dashboard = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert f'href="/releases/{release.pk}/evidence/"' in dashboard
    assert f'action="/releases/{release.pk}/evidence/start/"' not in dashboard  # auditors cannot start jobs
    client.force_login(release_manager)
    assert f'action="/releases/{release.pk}/evidence/start/"' in client.get(f"/releases/{release.pk}/").content.decode()


def test_a_component_bundle_has_no_oscal_document(auditor_client, auditor, release):
    from evidence.services.bundles import create_component_bundle

    bundle = create_component_bundle(release, "bash", user=auditor)
    assert auditor_client.get(f"/evidence/{bundle.pk}/oscal.json").status_code == 404


@pytest.mark.parametrize(("name", "args", "path"), [
    ("evidence:list", [7], "/releases/7/evidence/"),
    ("evidence:start", [7], "/releases/7/evidence/start/"),
    ("evidence:component", [7, "bash"], "/releases/7/components/bash/evidence/"),
    ("evidence:download", [9], "/evidence/9.zip"),
    ("evidence:oscal", [9, "findings.csv"], "/evidence/9/findings.csv"),
])
def test_the_evidence_pages_keep_their_paths_under_the_evidence_namespace(name, args, path):
    assert reverse(name, args=args) == path


def test_a_component_whose_sbom_cannot_be_generated_still_gets_a_bundle_that_says_why(auditor_client, release,
                                                                                       monkeypatch):
    monkeypatch.setattr("sbom.services.generate.cyclonedx.validate", lambda content, fmt: ["forced: not valid"])
    response = auditor_client.post(f"/releases/{release.pk}/components/bash/evidence/")
    bundle = EvidenceBundle.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evidence/{bundle.pk}.zip"
    assert any("forced: not valid" in note for note in bundle.manifest["notes"])
