"""The review queue, the review page and their forms: roles, stale forms, bulk decisions, the access log."""

import pytest

from access.models import AccessLog
from reviews.models import Review

from .conftest import TOMORROW

pytestmark = pytest.mark.django_db


def _reviews(release):
    return list(Review.objects.filter(release=release).select_related("component").order_by("component__name"))


def _urls(release):
    review = _reviews(release)[0]
    base = f"/releases/{release.pk}/reviews/"
    return {"queue": base, "bulk": f"{base}decide/", "review": f"{base}{review.pk}/",
            "comment": f"{base}{review.pk}/comments/"}


@pytest.mark.parametrize("page", ["queue", "review"])
def test_an_outsider_cannot_read_review_pages(client, outsider, first_release, page):
    client.force_login(outsider)
    assert client.get(_urls(first_release)[page]).status_code == 403


@pytest.mark.parametrize("form", ["bulk", "review", "comment"])
def test_an_outsider_cannot_post_review_forms(client, outsider, first_release, form):
    client.force_login(outsider)
    response = client.post(_urls(first_release)[form], {"state": "accepted", "justification": "x", "text": "x",
                                                        "version": 1, "review": "1:1"})
    assert response.status_code == 403
    assert not Review.objects.exclude(state="pending").exists()


@pytest.mark.parametrize("role", ["auditor", "release_manager", "portal_admin"])
def test_every_role_decides_and_comments(client, first_release, role, request):
    client.force_login(request.getfixturevalue(role))
    review = _reviews(first_release)[0]
    urls = _urls(first_release)
    response = client.post(urls["review"], {"state": "accepted", "justification": "needed", "version": review.version})
    assert response.status_code == 302
    assert client.post(urls["comment"], {"text": "agreed"}).status_code == 302
    review.refresh_from_db()
    assert review.state == "accepted" and list(review.events.values_list("kind", flat=True)) == ["opened", "decided", "comment"]


def test_the_queue_lists_pending_reviews_first(auditor_client, first_release, accept):
    reviews = _reviews(first_release)
    accept(reviews[0])
    page = auditor_client.get(_urls(first_release)["queue"]).content.decode()
    positions = [page.index(f'value="{r.pk}:') for r in Review.objects.filter(release=first_release)]
    pending_first = [r.pk for r in sorted(Review.objects.filter(release=first_release),
                                          key=lambda r: (r.state != "pending", r.component.name))]
    assert [r.pk for _, r in sorted(zip(positions, Review.objects.filter(release=first_release)))] == pending_first
    assert "1 of 3 decided" in page


def test_the_queue_filters_by_reason(auditor_client, first_release):
    page = auditor_client.get(_urls(first_release)["queue"] + "?reason=local-spec").content.decode()
    assert ">mypkg</a>" in page and ">bash</a>" not in page


def test_a_stale_decision_form_is_refused_with_a_message(auditor_client, first_release, accept):
    review = _reviews(first_release)[0]
    version = review.version
    accept(review, "someone else decided first")
    response = auditor_client.post(_urls(first_release)["review"], {"state": "rejected", "justification": "no",
                                                                    "version": version})
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    review.refresh_from_db()
    assert (review.state, review.justification) == ("accepted", "someone else decided first")


def test_a_bulk_decision_decides_the_selected_reviews_and_is_logged(auditor_client, first_release):
    chosen = _reviews(first_release)[:2]
    response = auditor_client.post(_urls(first_release)["bulk"], {
        "state": "waived", "waived_until": TOMORROW.isoformat(), "review": [f"{r.pk}:{r.version}" for r in chosen]})
    assert response.status_code == 302
    assert set(Review.objects.filter(state="waived").values_list("pk", flat=True)) == {r.pk for r in chosen}
    log = AccessLog.objects.get(action="decide")
    assert log.username == "audrey" and log.release_id == first_release.pk and "waived" in log.target


def test_a_decision_breaking_a_rule_shows_the_error(auditor_client, first_release):
    review = _reviews(first_release)[0]
    response = auditor_client.post(_urls(first_release)["review"], {"state": "accepted", "justification": "",
                                                                    "version": review.version})
    assert response.status_code == 400 and "accepting needs a justification" in response.content.decode()


def test_the_dashboard_shows_the_progress_and_the_package_page_the_history(auditor_client, first_release, accept):
    accept(Review.objects.get(release=first_release, component__name="bash"), "the dependency is <needed>")
    dashboard = auditor_client.get(f"/releases/{first_release.pk}/").content.decode()
    assert "1 of 3 decided" in dashboard
    package = auditor_client.get(f"/releases/{first_release.pk}/components/bash/").content.decode()
    assert "the dependency is &lt;needed&gt;" in package and "New divergence from Fedora" in package


def test_the_queue_does_not_query_per_review(auditor_client, first_release, accept, django_assert_max_num_queries):
    for review in _reviews(first_release):
        accept(review)  # decided rows show their reviewer, carried rows their release
    with django_assert_max_num_queries(12):
        assert auditor_client.get(_urls(first_release)["queue"]).status_code == 200


@pytest.mark.parametrize("page", ["queue", "review"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, first_release, page):
    response = client.get(_urls(first_release)[page])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
