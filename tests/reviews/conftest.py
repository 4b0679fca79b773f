import datetime as dt

import pytest

from audits.services.ingest import ingest_release
from reviews.services import Actor, clean_decision, decide


@pytest.fixture
def first_release(sample_git):
    repo, first, _ = sample_git
    return ingest_release(str(repo), first).release


@pytest.fixture
def accept(auditor):
    """Accept a review as the auditor (the version it has now)."""

    def run(review, justification="reviewed, fine"):
        return decide(review.pk, clean_decision("accepted", justification), Actor(auditor, None, auditor.username),
                      expected_version=review.version)

    return run


TOMORROW = dt.date.today() + dt.timedelta(days=1)
