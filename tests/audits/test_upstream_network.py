"""Upstream verification without a network: after PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES consecutive
network failures the job stops and fails with one sentence, instead of trying every package."""

from contextlib import contextmanager

import pytest

from audits import gitsource
from audits.choices import UpstreamVerdict
from audits.models import UpstreamVerification
from audits.services import upstream
from audits.services.upstream import DistGitUnreachable, NetworkFailures, verify_release
from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process
from tests.support.git_https import Listener

from .test_upstream import world  # noqa: F401  (dist-git repositories and the ingested release, a fixture)

pytestmark = pytest.mark.django_db


def test_failures_in_a_row_reach_the_limit():
    failures = NetworkFailures(3)
    for _ in range(3):
        failures.failed("https://src.example.org/rpms/a.git", "connection refused")
    assert failures.too_many and failures.host == "src.example.org"


def test_a_successful_fetch_resets_the_count():
    failures = NetworkFailures(3)
    for _ in range(2):
        failures.failed("https://src.example.org/rpms/a.git", "connection refused")
    failures.reached()
    failures.failed("https://src.example.org/rpms/a.git", "connection refused")
    assert (failures.count, failures.too_many) == (1, False)


def test_the_sentence_names_the_host_the_count_the_last_error_and_what_was_not_verified():
    failures = NetworkFailures(2)
    failures.failed("https://127.0.0.1:8443/rpms/a.git", "first")
    failures.failed("https://127.0.0.1:8443/rpms/b.git", "connection refused")
    assert failures.sentence(7, 9) == ("dist-git at 127.0.0.1:8443 could not be reached: 2 consecutive failures "
                                       "(last: connection refused); 7 of 9 components were not verified")


@pytest.fixture
def refusing_dist_git(world, settings):  # noqa: F811
    """The operator's dist-git template points at a loopback listener that closes every connection."""
    with Listener("127.0.0.1") as listener:
        settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1"]
        settings.PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI = f"https://127.0.0.1:{listener.port}/rpms/$pkg.git"
        yield world[0], listener


def test_an_unreachable_dist_git_fails_the_job_after_the_limit(refusing_dist_git, settings):
    release, listener = refusing_dist_git
    settings.PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES = 3
    job = run_job_in_process(JobKind.UPSTREAM, {"release_id": release.pk}, release=release)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith(f"dist-git at 127.0.0.1:{listener.port} could not be reached: 3 consecutive failures "
                                "(last: could not fetch from 127.0.0.1:")
    assert job.error.endswith("; 5 of 5 components were not verified")


def test_an_unreachable_dist_git_is_dialled_only_up_to_the_limit(refusing_dist_git, settings):
    release, listener = refusing_dist_git
    settings.PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES = 2
    with pytest.raises(DistGitUnreachable):
        verify_release(release)
    assert listener.connections == 2


def test_the_components_tried_before_the_stop_are_stored_as_unavailable(refusing_dist_git, settings):
    release, _ = refusing_dist_git
    settings.PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES = 2
    with pytest.raises(DistGitUnreachable):
        verify_release(release)
    stored = UpstreamVerification.objects.filter(component__release=release)
    assert list(stored.values_list("verdict", flat=True)) == [UpstreamVerdict.UPSTREAM_UNAVAILABLE] * 2


@contextmanager
def network_failing_for(monkeypatch, names: set[str]):
    """gitsource.fetch fails on the network for these packages and fetches the others for real."""
    real_fetch = gitsource.fetch

    @contextmanager
    def fetch(source, ref, **kwargs):
        if any(source.endswith(f"/{name}.git") for name in names):
            raise gitsource.GitTransientError(f"could not fetch {source}: connection refused (this looks temporary)")
        with real_fetch(source, ref, **kwargs) as checkout:
            yield checkout

    monkeypatch.setattr(upstream.gitsource, "fetch", fetch)
    yield


def test_failures_separated_by_successful_fetches_do_not_stop_the_job(world, settings, monkeypatch):  # noqa: F811
    release, _ = world
    settings.PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES = 2  # order: bash, curl, drifty, ghost (no repository), zlib
    with network_failing_for(monkeypatch, {"bash", "drifty"}):
        result = verify_release(release)
    assert result["by_verdict"][UpstreamVerdict.UPSTREAM_UNAVAILABLE] == 3  # bash, drifty and ghost


def test_a_missing_repository_between_network_failures_neither_counts_nor_resets(world, settings, monkeypatch):  # noqa: F811
    release, _ = world
    settings.PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES = 2
    with network_failing_for(monkeypatch, {"drifty", "zlib"}), pytest.raises(DistGitUnreachable, match="; 3 of 5 components"):
        verify_release(release)
