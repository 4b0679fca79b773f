import pytest

from access.models import AccessLog
from jobs.choices import JobKind, JobStatus
from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_dashboard_says_in_words_how_many_components_are_intact(auditor_client, release):
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert "Of 4 components, 1 (25 %) are Fedora-intact; 1 changed by overlays or source files" in html


def test_the_dashboard_draws_the_classification_chart_on_the_server(auditor_client, release):
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert '<svg role="img" aria-labelledby="cls-t"' in html
    assert '<a href="?headline=altered#packages">' in html
    assert '<rect x="190" y="4" height="20" width="300" class="bar bar-intact">' in html
    assert "<script" not in html.split("</main>")[0]  # the page needs no script unless jobs run


def test_the_dashboard_lists_overlay_counts_and_the_components_with_most_overlays(auditor_client, release):
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert '<a href="?overlay_type=spec-add-tag#packages">spec-add-tag</a></td><td class="num">1</td>' in html
    assert '<a href="?upstream_status=inapplicable#packages">inapplicable</a>' in html
    assert f'<a href="/releases/{release.pk}/components/bash/">bash</a></td><td class="num">1</td>' in html


def test_the_dashboard_lists_the_inconsistencies_found_at_ingest(auditor_client, release):
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert "Rendered spec without a component" in html and "specs/o/orphan" in html


def test_a_release_manager_can_start_an_ingest_as_a_background_job(client, release_manager, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("audits.tasks.run_ingest_job.delay", lambda pk: queued.append(pk))
    client.force_login(release_manager)
    assert b"Start ingest" in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ingest/", {"source": "https://example.org/azl.git", "ref": "tomls/base/main"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/#job-{job.pk}"
    assert (job.kind, job.params, job.created_by, queued) == (
        JobKind.INGEST, {"source": "https://example.org/azl.git", "ref": "tomls/base/main"}, release_manager, [job.pk]
    )
    assert AccessLog.objects.filter(action="start-job", username="manny").exists()
    html = client.get("/").content.decode()
    assert f'id="job-{job.pk}" data-job-id="{job.pk}" data-finished="false"' in html
    assert "/static/js/jobs.js" in html


def test_an_invalid_ingest_source_is_refused_with_the_reason(client, release_manager):
    client.force_login(release_manager)
    response = client.post("/ingest/", {"source": "http://example.org/azl.git", "ref": "main"})
    assert response.status_code == 400
    assert b"plain http:// is unencrypted; use https://" in response.content
    assert not Job.objects.exists()


def test_an_auditor_sees_no_ingest_form(auditor_client):
    assert b"Start ingest" not in auditor_client.get("/").content


def test_the_job_status_endpoint_reports_progress(auditor_client):
    job = Job.objects.create(kind=JobKind.INGEST, status=JobStatus.RUNNING, progress_done=3, progress_total=4, stage="writing components")
    data = auditor_client.get(f"/jobs/status.json?ids={job.pk},x,999").json()
    assert data == {"jobs": [{
        "id": job.pk, "kind": "Ingest", "status": "running", "status_label": "Running", "stage": "writing components",
        "done": 3, "total": 4, "percent": 75, "error": "", "finished": False, "cancelling": False, "release_url": "",
    }]}


def test_a_failed_job_says_so_in_plain_words(client, release_manager):
    Job.objects.create(kind=JobKind.INGEST, status=JobStatus.FAILED, params={"source": "https://x.org/r.git", "ref": "main"},
                       error="invalid configuration: azldev.toml: includes: <bad>")
    client.force_login(release_manager)
    html = client.get("/").content.decode()
    assert "This job failed: invalid configuration: azldev.toml: includes: &lt;bad&gt;" in html


def test_the_jobs_of_a_release_show_on_its_dashboard(auditor_client, release):
    Job.objects.create(kind=JobKind.SBOM, status=JobStatus.QUEUED, release=release)
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert "SBOM generation job" in html and "/static/js/jobs.js" in html


def test_the_release_list_stays_within_its_query_budget_for_release_managers(client, release_manager, release, django_assert_max_num_queries):
    client.force_login(release_manager)
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


def test_empty_states_explain_what_to_do(client, release_manager):
    client.force_login(release_manager)
    assert b"No release has been ingested yet. Start one below." in client.get("/").content
    assert b"Comparing needs two ingested releases" in client.get("/compare/").content


def test_dashboard_reports_how_many_overlays_the_rendered_specs_contain(auditor_client, release):
    response = auditor_client.get(f"/releases/{release.pk}/")
    assert b"Checked against the rendered specs: 1 overlay: 1 present." in response.content
