"""Every release page says which commit and date it shows, whether newer releases or ingested commits of its
distribution exist, and links to the history pages (history_tags, loaded by audits' templates)."""

import datetime as dt
import re

import pytest

from tests.support.history import build_history, state

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_release_page_says_its_commit_and_that_no_newer_release_exists(auditor_client, release):
    page = text(auditor_client.get(f"/releases/{release.pk}/"))
    assert f"This release shows commit {release.commit.sha[:12]} of {release.commit.committed_at:%Y-%m-%d %H:%M} UTC." in page
    assert "No newer release of azurelinux is ingested." in page
    assert "History of azurelinux" not in page  # no history ingested


def test_the_older_of_two_releases_links_to_the_newer_on_its_dashboard_and_package_pages(auditor_client, two_releases):
    old, new = two_releases
    for url in (f"/releases/{old.pk}/", f"/releases/{old.pk}/components/bash/"):
        html = auditor_client.get(url).content.decode()
        assert "<strong>1 newer release</strong>" in html
        assert f'href="/releases/{new.pk}/" class="newest-release"' in html, url


def test_a_release_page_counts_the_newer_ingested_commits_of_its_history(auditor_client, release):
    later = release.commit.committed_at + dt.timedelta(days=1)
    snapshots = build_history("azurelinux", [{"bash": state("bash")}, {"bash": state("bash", license="X")}],
                              dates=[later, later + dt.timedelta(hours=1)])
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert "<strong>2 newer ingested commits</strong>" in html
    assert f'href="/history/azurelinux/commits/{snapshots[1].commit.sha}/" class="newest-snapshot"' in html
    assert 'href="/history/azurelinux/">History of azurelinux</a>' in html


def test_the_package_page_links_to_the_component_timeline_when_history_holds_it(auditor_client, release):
    build_history("azurelinux", [{"bash": state("bash")}])
    assert 'href="/history/azurelinux/components/bash/" class="timeline-link"' in auditor_client.get(
        f"/releases/{release.pk}/components/bash/").content.decode()
    assert "timeline-link" not in auditor_client.get(f"/releases/{release.pk}/components/curl/").content.decode()


def test_the_release_list_links_to_each_distribution_with_history(auditor_client, release):
    assert "History over time" not in auditor_client.get("/").content.decode()
    build_history("azurelinux", [{"bash": state("bash")}])
    assert 'History over time: <a href="/history/azurelinux/">azurelinux</a>' in auditor_client.get("/").content.decode()


def test_a_release_whose_commit_is_in_the_history_counts_newer_commits_by_history_order(auditor_client, release):
    earlier = release.commit.committed_at - dt.timedelta(days=3)
    snapshots = build_history("azurelinux", [{"bash": state("bash")}, {"bash": state("bash", license="X")},
                                             {"bash": state("bash", license="Y")}],
                              dates=[earlier, earlier + dt.timedelta(hours=1), earlier + dt.timedelta(hours=2)])
    snapshots[1].commit = release.commit  # the release is the second commit of the history, whatever the dates say
    snapshots[1].save()
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert "<strong>1 newer ingested commit</strong>" in html
