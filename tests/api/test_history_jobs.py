"""Starting a history ingest through the jobs API: the `history` kind and its parameters."""

from jobs.choices import JobKind
from jobs.models import Job

SOURCE = "https://example.org/repo.git"


def start(key_client, **fields):
    return key_client("jobs").post("/api/v1/jobs/", {"kind": "history", "source": SOURCE, "ref": "main", **fields},
                                   content_type="application/json")


def test_a_history_job_keeps_its_from_commit(key_client, db):
    response = start(key_client, **{"from": "ABCDEF1234"})
    assert response.status_code == 201, response.content
    job = Job.objects.get()
    assert (job.kind, job.params) == (JobKind.HISTORY, {"source": SOURCE, "ref": "main", "from": "abcdef1234"})


def test_a_history_job_keeps_its_since_date_as_a_utc_moment(key_client, db):
    assert start(key_client, since="2026-03-01").status_code == 201
    assert Job.objects.get().params["since"] == "2026-03-01T00:00:00+00:00"


def test_a_history_job_refuses_a_bad_date_and_both_starts(key_client, db):
    assert "since" in start(key_client, since="March").json()["errors"]
    assert "since" in start(key_client, since="2026-03-01", **{"from": "abcdef1"}).json()["errors"]
    assert "from" in start(key_client, **{"from": "HEAD~3"}).json()["errors"]
    assert not Job.objects.exists()
