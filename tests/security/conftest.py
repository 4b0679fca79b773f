"""The hostile-input suite's common ground: a release ingested before every hostile attempt, and a
check that the attempt changed nothing (the release, the set of releases, the jobs)."""

from dataclasses import dataclass

import pytest

from audits.models import Release
from jobs.models import Job
from tests.support.snapshots import release_snapshot


@dataclass
class Baseline:
    release: Release
    snapshot: dict
    releases: list[int]
    jobs: int

    def assert_unchanged(self, *, new_releases: int = 0) -> None:
        releases = list(Release.objects.order_by("pk").values_list("pk", flat=True))
        assert releases[: len(self.releases)] == self.releases and len(releases) == len(self.releases) + new_releases
        assert release_snapshot(Release.objects.get(pk=self.release.pk)) == self.snapshot
        assert Job.objects.count() == self.jobs


@pytest.fixture
def baseline(release) -> Baseline:
    """The sample repository's first commit, ingested (the `release` fixture from tests/conftest.py)."""
    return Baseline(release, release_snapshot(release), [release.pk], Job.objects.count())
