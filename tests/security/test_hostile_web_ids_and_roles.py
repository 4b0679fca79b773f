"""Issue 18, web side: absurd ids never reach the database as overflows, the API schema and its
documentation are for readers only, every answer carries the Content-Security-Policy."""

import pytest
from django.test import Client

from jobs.choices import JobKind
from jobs.models import Job

pytestmark = pytest.mark.django_db

OVERFLOWING_IDS = ["99999999999999999999999", "9223372036854775808", "1" * 19, "-1", "0x10", "１２"]


@pytest.mark.parametrize("ids", OVERFLOWING_IDS)
def test_polling_jobs_with_an_absurd_id_answers_an_empty_list(auditor_client, baseline, ids):
    response = auditor_client.get("/jobs/status.json", {"ids": ids})
    assert response.status_code == 200 and response.json() == {"jobs": []}
    baseline.assert_unchanged()


def test_polling_a_real_job_among_absurd_ids_still_finds_it(auditor_client, release):
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": release.pk}, release=release)
    response = auditor_client.get("/jobs/status.json", {"ids": f"99999999999999999999999,{job.pk}"})
    assert [row["id"] for row in response.json()["jobs"]] == [job.pk]


@pytest.mark.parametrize("path", ["/api/schema/", "/api/schema/?format=json", "/api-docs/", "/api-docs/?script"])
def test_a_signed_in_account_without_a_role_cannot_read_the_api_schema(client, outsider, path):
    client.force_login(outsider)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/api/schema/", "/api-docs/"])
def test_an_auditor_reads_the_api_schema(auditor_client, path):
    assert auditor_client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/api/v1/releases/"])
def test_every_answer_carries_the_content_security_policy(path):
    policy = Client().get(path).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "object-src 'none'" in policy


def test_denied_api_calls_repeated_by_one_caller_are_one_access_log_row(client, outsider):
    from access.models import AccessLog

    client.force_login(outsider)
    for _ in range(40):
        assert client.get("/api/v1/releases/").status_code == 403
    rows = AccessLog.objects.filter(username="outsider")
    assert rows.count() == 1 and rows.get().repeats == 40 and rows.get().last_at is not None


def test_denied_calls_are_counted_again_once_the_window_has_passed(client, outsider, settings):
    from access.models import AccessLog

    settings.PEDIGREE_ACCESS_LOG_REPEAT_SECONDS = 0
    client.force_login(outsider)
    for _ in range(3):
        client.get("/api/v1/releases/")
    assert AccessLog.objects.filter(username="outsider").count() == 3


HUGE = "99999999999999999999999"


@pytest.mark.parametrize("path", [
    f"/releases/{HUGE}/", f"/releases/{HUGE}/components/bash/", f"/releases/{HUGE}/components.csv",
    f"/sbom/releases/{HUGE}/", f"/sbom/releases/{HUGE}/cyclonedx.json", f"/sbom/documents/{HUGE}/report.json",
    f"/sbom/bundles/{HUGE}/bundle.sigstore.json", f"/api/v1/releases/{HUGE}/",
])
def test_a_page_or_download_with_an_absurd_id_is_not_found(auditor_client, baseline, path):
    assert auditor_client.get(path).status_code == 404
    baseline.assert_unchanged()


@pytest.mark.parametrize("query", [{"old": HUGE, "new": "1"}, {"old": "1", "new": HUGE}, {"old": "１", "new": "1"}])
def test_comparing_with_an_absurd_release_id_never_fails_with_a_server_error(auditor_client, release, query):
    assert auditor_client.get("/compare/", query).status_code in (200, 404)
