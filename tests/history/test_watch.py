"""The watch: a remote ref polled with ls-remote (audits.gitremote); a moved ref queues a history job."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audits.gitremote import remote_commit
from audits.gitsource import GitSourceError
from history.models import WatchedSource
from history.services.watch import add_watch, poll, poll_due
from jobs.choices import JobKind
from jobs.models import Job
from tests.support.gitrepo import commit_all, git, init_repo, write_files


@pytest.fixture
def repo(tmp_path, allow_local_sources):
    path = tmp_path / "repo"
    init_repo(path, {"README.md": "one\n"})
    return path


def advance(repo, text="two\n"):
    write_files(repo, {"README.md": text})
    return commit_all(repo, "advance")


def test_ls_remote_says_where_a_branch_and_an_annotated_tag_point(repo):
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "-a", "-m", "v1", "v1")
    assert remote_commit(str(repo), "main", allow_local=True) == head
    assert remote_commit(str(repo), "v1", allow_local=True) == head


def test_ls_remote_refuses_a_ref_the_remote_does_not_have(repo):
    with pytest.raises(GitSourceError, match="not a branch or tag"):
        remote_commit(str(repo), "nope", allow_local=True)


def test_a_local_source_is_refused_unless_allowed(repo):
    with pytest.raises(GitSourceError):
        remote_commit(str(repo), "main", allow_local=False)


@pytest.mark.django_db
def test_a_new_watch_queues_a_history_job_and_remembers_the_commit(repo):
    watch = add_watch(str(repo), "main")
    job = poll(watch)
    watch.refresh_from_db()
    assert (job.kind, job.params) == (JobKind.HISTORY, {"source": str(repo), "ref": "main"})
    assert watch.last_sha == git(repo, "rev-parse", "HEAD") and watch.last_checked_at is not None


@pytest.mark.django_db
def test_a_ref_that_did_not_move_queues_nothing_and_one_that_moved_queues_again(repo):
    watch = add_watch(str(repo), "main")
    Job.objects.filter(pk=poll(watch).pk).update(status="succeeded")
    watch.refresh_from_db()
    assert poll(watch) is None
    head = advance(repo)
    assert poll(watch) is not None
    watch.refresh_from_db()
    assert watch.last_sha == head


@pytest.mark.django_db
def test_no_second_job_is_queued_while_one_for_the_ref_is_active(repo):
    watch = add_watch(str(repo), "main")
    poll(watch)
    advance(repo)
    watch.refresh_from_db()
    assert poll(watch) is None and Job.objects.count() == 1


@pytest.mark.django_db
def test_only_watches_whose_interval_passed_are_polled(repo):
    watch = add_watch(str(repo), "main", interval_minutes=15)
    now = timezone.now()
    WatchedSource.objects.filter(pk=watch.pk).update(last_checked_at=now - dt.timedelta(minutes=5))
    assert poll_due(now) == 0
    assert poll_due(now + dt.timedelta(minutes=11)) == 1


@pytest.mark.django_db
def test_an_unreachable_ref_is_recorded_as_the_watch_error(repo):
    watch = add_watch(str(repo), "gone")
    assert poll(watch) is None
    watch.refresh_from_db()
    assert "not a branch or tag" in watch.last_error and not Job.objects.exists()


@pytest.mark.django_db
def test_the_watch_command_adds_lists_and_removes(repo):
    out = io.StringIO()
    call_command("watch", "add", str(repo), "--ref", "main", "--interval", "5", stdout=out)
    watch = WatchedSource.objects.get()
    call_command("watch", "list", stdout=out)
    assert f"{watch.pk}\t{repo}\tmain\tevery 5 min" in out.getvalue()
    call_command("watch", "remove", str(watch.pk), stdout=out)
    assert not WatchedSource.objects.exists()
    with pytest.raises(CommandError):
        call_command("watch", "remove", str(watch.pk))
