"""The history pages: the distribution history with its charts and point-in-time selector, a snapshot, a
component's timeline, and who may see them."""

import re

import pytest

pytestmark = pytest.mark.django_db

BASE = "/history/azurelinux/"


def test_every_history_page_needs_a_sign_in(client, history):
    sha = history[0].commit.sha
    for url in (BASE, f"{BASE}commits/{sha}/", f"{BASE}components/bash/", f"{BASE}changes/?from={sha}",
                f"{BASE}changes.csv?from={sha}"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_an_account_without_a_role_is_refused_every_history_page(client, outsider, history):
    client.force_login(outsider)
    sha = history[0].commit.sha
    for url in (BASE, f"{BASE}commits/{sha}/", f"{BASE}components/bash/", f"{BASE}changes/?from={sha}",
                f"{BASE}changes.csv?from={sha}"):
        assert client.get(url).status_code == 403, url


def test_the_history_page_draws_a_chart_point_per_snapshot_linking_to_it(auditor_client, history):
    html = auditor_client.get(BASE).content.decode()
    for s in history:
        assert html.count(f'href="{BASE}commits/{s.commit.sha}/" class="point"') == 1  # one column through every panel
    assert "At the newest snapshot: components 3 · Fedora-intact 100 % · Altered 0," in re.sub(r"<[^>]+>", "", html)


def test_the_history_page_lists_the_commits_newest_first(auditor_client, history):
    html = auditor_client.get(BASE).content.decode()
    rows = re.findall(r'<td class="num">(\d+)</td>\s*<td><a href="[^"]+commits/', html)
    assert rows == ["4", "3", "2", "1", "0"]


def test_a_release_manager_can_ingest_the_new_commits_of_the_history_source(client, release_manager, history):
    client.force_login(release_manager)
    html = client.get(BASE).content.decode()
    form = re.search(r'<form method="post" action="/ingest/" class="ingest-history">(.*?)</form>', html, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="(source|ref|history)" value="([^"]*)">', form.group(1)))
    assert fields == {"source": "https://example.org/azurelinux.git", "ref": "main", "history": "on"}


def test_an_auditor_is_not_offered_to_ingest_new_commits(auditor_client, history):
    assert 'class="ingest-history"' not in auditor_client.get(BASE).content.decode()


def test_the_as_of_selector_redirects_to_the_snapshot_current_then(auditor_client, history):
    response = auditor_client.get(BASE, {"at": "2026-03-01 20:00"})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}commits/{history[1].commit.sha}/?as_of=2026-03-01+20%3A00"


def test_the_as_of_selector_takes_a_commit_sha(auditor_client, history):
    response = auditor_client.get(BASE, {"at": history[2].commit.sha[:8]})
    assert response["Location"] == f"{BASE}commits/{history[2].commit.sha}/"


def test_the_as_of_selector_says_when_nothing_was_ingested_before(auditor_client, history):
    response = auditor_client.get(BASE, {"at": "2025-12-31"})
    assert response.status_code == 400
    assert "Nothing of azurelinux was ingested from before 2025-12-31 23:59 UTC." in response.content.decode()


def test_an_unknown_distribution_is_404(auditor_client, history):
    assert auditor_client.get("/history/nonesuch/").status_code == 404


def test_a_snapshot_says_which_commit_it_shows_and_how_many_are_newer(auditor_client, history):
    s = history[1]
    html = auditor_client.get(f"{BASE}commits/{s.commit.sha}/").content.decode()
    assert f"Shows commit <code>{s.commit.sha[:12]}</code> of 2026-03-01 15:00 UTC by {s.commit.author_name}" in html
    assert "<strong>3 newer ingested commits</strong>" in html
    assert f'href="{BASE}commits/{history[4].commit.sha}/" class="newest"' in html


def test_the_newest_snapshot_says_it_is_the_newest(auditor_client, history):
    html = auditor_client.get(f"{BASE}commits/{history[4].commit.sha}/").content.decode()
    assert "This is the newest ingested commit." in html and "not materialised" in html


def test_a_snapshot_lists_the_components_of_its_commit(auditor_client, history):
    html = auditor_client.get(f"{BASE}commits/{history[3].commit.sha}/").content.decode()
    names = re.findall(r'title="Timeline of ([^"]+)"', html)
    assert names == ["bash", "curl", "newpkg"]


def test_the_snapshot_table_filters_by_headline_and_name(auditor_client, history):
    url = f"{BASE}commits/{history[3].commit.sha}/"
    assert re.findall(r'title="Timeline of ([^"]+)"', auditor_client.get(url, {"headline": "altered"}).content.decode()) == ["bash"]
    assert re.findall(r'title="Timeline of ([^"]+)"', auditor_client.get(url, {"q": "CUR"}).content.decode()) == ["curl"]


def test_a_snapshot_links_to_its_full_release_when_there_is_one(auditor_client, history, release):
    snapshot = history[2]
    snapshot.release = release
    snapshot.save()
    html = auditor_client.get(f"{BASE}commits/{snapshot.commit.sha}/").content.decode()
    assert f'href="/releases/{release.pk}/" class="full-release"' in html


def test_an_unknown_snapshot_is_404(auditor_client, history):
    assert auditor_client.get(f"{BASE}commits/{'0' * 40}/").status_code == 404


def test_the_snapshot_page_costs_the_same_queries_whatever_its_size(auditor_client, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert auditor_client.get(f"{BASE}commits/{history[4].commit.sha}/").status_code == 200


def test_a_component_timeline_lists_each_change_with_commit_author_and_subject(auditor_client, history):
    html = auditor_client.get(f"{BASE}components/bash/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "3 changes across the ingested commits of azurelinux" in text
    assert "verdict: intact → altered" in text and "overlay added: spec-add-tag CVE fix" in text
    assert "overlay removed: spec-add-tag CVE fix" in text
    c = history[1].commit
    assert f"{c.author_name} {c.subject}" in text
    assert html.index(history[4].commit.sha[:12]) < html.index(history[1].commit.sha[:12])  # newest first


def test_a_timeline_of_an_unknown_component_is_404(auditor_client, history):
    assert auditor_client.get(f"{BASE}components/nonesuch/").status_code == 404


def test_a_short_sha_redirects_to_the_snapshot_page(auditor_client, history):
    response = auditor_client.get(f"{BASE}commits/{history[2].commit.sha[:9]}/", {"headline": "altered"})
    assert response["Location"] == f"{BASE}commits/{history[2].commit.sha}/?headline=altered"


def test_a_snapshot_claims_an_as_of_time_only_when_that_time_names_it(auditor_client, history):
    url = f"{BASE}commits/{history[1].commit.sha}/"
    assert "As of 2026-03-01 20:00, this was the newest" in auditor_client.get(url, {"as_of": "2026-03-01 20:00"}).content.decode()
    assert "this was the newest" not in auditor_client.get(url, {"as_of": "2026-03-02 20:00"}).content.decode()


def test_the_snapshot_table_is_paginated_keeping_its_filters(auditor_client, db):
    from tests.support.history import build_history, state

    snapshots = build_history("big", [{f"pkg{i:03d}": state(f"pkg{i:03d}") for i in range(105)}])
    url = f"/history/big/commits/{snapshots[0].commit.sha}/"
    html = auditor_client.get(url, {"q": "pkg"}).content.decode()
    assert "Page 1 of 2" in html and 'href="?q=pkg&amp;page=2#components" rel="next"' in html
    assert re.findall(r'title="Timeline of ([^"]+)"', auditor_client.get(url, {"q": "pkg", "page": 2}).content.decode()) == [
        f"pkg{i}" for i in range(100, 105)]


def test_hostile_names_and_searches_are_answered_without_error(auditor_client, history):
    sha = history[0].commit.sha
    for url, status in (("/history/a%00b/", 404), (f"{BASE}components/a%00b/", 404), (f"{BASE}changes/?from=%00", 400),
                        (f"{BASE}commits/{sha}/?q=%00%ff'\"--&headline=<script>", 200), (f"{BASE}?at=<script>", 400)):
        response = auditor_client.get(url)
        assert response.status_code == status, url
        assert "<script>" not in response.content.decode(), url
