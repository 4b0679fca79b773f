"""The review API: ETag and If-Match (428 without, 412 when stale), comments, the access log."""

import json

import pytest

from access.models import AccessLog
from reviews.models import Review

from ..api.conftest import key_client, make_key  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(first_release):
    return Review.objects.filter(release=first_release, component__name="bash").get()


def _url(review):
    return f"/api/v1/releases/{review.release_id}/reviews/{review.pk}/"


def _patch(client, review, etag=None, **body):
    headers = {"If-Match": etag} if etag else {}
    return client.patch(_url(review), json.dumps(body or {"state": "accepted", "justification": "ok"}),
                        content_type="application/json", headers=headers)


def test_a_review_answers_with_its_version_as_etag(key_client, review):
    response = key_client("read").get(_url(review))
    assert response.status_code == 200 and response["ETag"] == review.etag
    assert response.json()["state"] == "pending"


def test_a_decision_without_if_match_gets_428(key_client, review):
    assert _patch(key_client("review"), review).status_code == 428
    review.refresh_from_db()
    assert review.state == "pending"


def test_a_decision_with_the_current_etag_is_saved_and_logged_with_the_key(key_client, review):
    response = _patch(key_client("review"), review, review.etag)
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    review.refresh_from_db()
    assert response["ETag"] == review.etag and review.decided_by_name.startswith("api key ")
    log = AccessLog.objects.filter(action="decide").get()
    assert log.api_key_name and "accepted" in log.target


def test_a_decision_with_a_stale_etag_gets_412(key_client, review):
    old = review.etag
    client = key_client("review")
    assert _patch(client, review, old).status_code == 200
    assert _patch(client, review, old, state="rejected", justification="no").status_code == 412
    review.refresh_from_db()
    assert review.state == "accepted"


def test_a_decision_breaking_a_rule_gets_400(key_client, review):
    response = _patch(key_client("review"), review, review.etag, state="waived")
    assert response.status_code == 400 and "waived_until" in response.content.decode()


def test_comments_are_added_and_the_history_lists_them(key_client, review):
    assert key_client("review").post(_url(review) + "comments/", {"text": "looks fine"},
                                     content_type="application/json").status_code == 201
    history = key_client("read").get(_url(review) + "comments/").json()
    assert [e["kind"] for e in history] == ["opened", "comment"] and history[1]["text"] == "looks fine"
