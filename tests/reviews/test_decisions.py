"""The state rules, optimistic concurrency and bulk decisions of the services."""

import datetime as dt

import pytest

from reviews.errors import ReviewError, StaleReview
from reviews.models import Review
from reviews.services import Actor, clean_decision, decide, decide_many

from .conftest import TOMORROW

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


def _errors(**kwargs):
    with pytest.raises(ReviewError) as caught:
        clean_decision(today=TODAY, **kwargs)
    return caught.value.errors


def test_accepting_needs_a_justification():
    assert "justification" in _errors(state="accepted", justification="  ")


def test_rejecting_needs_a_reason():
    assert "justification" in _errors(state="rejected")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/t/1", "file:///etc/passwd", "not a url"])
def test_a_ticket_url_must_be_http_or_https(url):
    assert "ticket_url" in _errors(state="rejected", justification="fix it", ticket_url=url)


def test_a_rejection_takes_an_https_ticket():
    decision = clean_decision("rejected", "fix it", "https://tickets.example.org/T-1", today=TODAY)
    assert decision.ticket_url == "https://tickets.example.org/T-1"


def test_waiving_needs_an_expiry_date():
    assert "waived_until" in _errors(state="waived")


@pytest.mark.parametrize("days", [0, -1])
def test_a_waiver_expiry_must_be_in_the_future(days):
    assert "waived_until" in _errors(state="waived", waived_until=TODAY + dt.timedelta(days=days))


def test_pending_is_not_a_decision():
    assert "state" in _errors(state="pending", justification="x")


def test_a_decision_on_an_old_version_is_refused_and_changes_nothing(first_release, auditor):
    review = Review.objects.filter(release=first_release).first()
    actor = Actor(auditor, None, auditor.username)
    decide(review.pk, clean_decision("accepted", "first"), actor, expected_version=review.version)
    with pytest.raises(StaleReview):
        decide(review.pk, clean_decision("rejected", "second"), actor, expected_version=review.version)
    review.refresh_from_db()
    assert (review.state, review.justification, review.version) == ("accepted", "first", 2)
    assert review.events.filter(kind="decided").count() == 1


def test_a_bulk_decision_applies_one_justification_to_every_review(first_release, auditor):
    reviews = list(Review.objects.filter(release=first_release))
    decided = decide_many({r.pk: r.version for r in reviews}, clean_decision("waived", waived_until=TOMORROW),
                          Actor(auditor, None, auditor.username))
    assert len(decided) == 3
    assert set(Review.objects.filter(release=first_release).values_list("state", "waived_until")) == {("waived", TOMORROW)}


def test_one_stale_review_refuses_the_whole_bulk_decision(first_release, auditor):
    reviews = list(Review.objects.filter(release=first_release))
    versions = {r.pk: r.version for r in reviews}
    versions[reviews[0].pk] += 5
    with pytest.raises(StaleReview):
        decide_many(versions, clean_decision("accepted", "ok"), Actor(auditor, None, auditor.username))
    assert not Review.objects.filter(release=first_release).exclude(state="pending").exists()
